/**
 * Powertools logger (structured JSON logs with the Lambda context and a correlation ID) and metrics (CloudWatch
 * embedded metric format) shared by the handlers.
 *
 * Metrics per invocation, dimension `ModelId` (plus Powertools' `service`): `InputTokens` and `OutputTokens`
 * (Count, from the response's usage; omitted when Bedrock reports none), `Latency` (Milliseconds, wall time of the
 * SDK call including the SDK's retries), `EstimatedCostUSD` (None; tokens x the configured price at the rate of
 * the invocation form, omitted when the configuration has no USD price) and `Errors` (Count, with the error code
 * in the log line).
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { RuntimeModelConfig } from '../../lib/contract';
import { ENV, envString } from './env';
import { InvokerError } from './errors';
import { createLogger, serviceName } from './log';
import { inRequestScope, requestState } from './request-scope';
import { deadlineFor, type ContextLike, type Deadline } from './sdk';

const baseLogger = createLogger('bedrock-invoker');
const newMetrics = () => new Metrics({
  namespace: envString(ENV.POWERTOOLS_METRICS_NAMESPACE) ?? 'CdkBedrockFoundation',
  serviceName: serviceName('bedrock-invoker'),
});
const baseMetrics = newMetrics();

/**
 * A view that forwards every call to the current request's own instance (request-scope.ts), else to `base`: keys a
 * request appends (`logger.appendKeys({ modelId })`), its correlation ID and its metrics stay with that request.
 */
function perRequest<T extends object>(base: T, current: () => T | undefined): T {
  return new Proxy(base, {
    get(target, prop) {
      const self = (current() ?? target) as Record<PropertyKey, unknown>;
      const value = self[prop];
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(self) : value;
    },
  });
}

/** The logger: inside a request, that request's own child logger (its context, correlation ID and keys). */
export const logger: Logger = perRequest(baseLogger, () => requestState()?.logger);
/** The metrics: inside a request, that request's own set, flushed when it ends. */
export const metrics: Metrics = perRequest(baseMetrics, () => requestState()?.metrics);

/**
 * Starts an invocation: inside a request scope, a logger and metrics of its own, with the Lambda context keys and the
 * correlation ID on every log line.
 */
export function beginInvocation(context: ContextLike | undefined, correlationId: string | undefined): void {
  const state = requestState();
  if (state) {
    state.logger = baseLogger.createChild();
    state.metrics = newMetrics();
  }
  if (context && 'awsRequestId' in context) logger.addContext(context as never);
  logger.setCorrelationId(correlationId ?? context?.awsRequestId);
}

export type Price = NonNullable<RuntimeModelConfig['price']>;

/** USD cost of one call at the configured rate, or undefined when no USD price is configured. */
export function estimateCostUsd(price: RuntimeModelConfig['price'] | undefined, inputTokens?: number, outputTokens?: number): number | undefined {
  if (!price || price.currency !== 'USD') return undefined;
  if (inputTokens === undefined && outputTokens === undefined) return undefined;
  const out = outputTokens ? (price.outputPer1M ?? 0) * outputTokens : 0;
  return ((inputTokens ?? 0) * price.inputPer1M + out) / 1_000_000;
}

export interface CallFigures {
  readonly modelId: string;
  readonly latencyMs: number;
  readonly inputTokens?: number;
  readonly outputTokens?: number;
  readonly price?: RuntimeModelConfig['price'];
}

/** Records the metrics of one model call; returns the estimated cost. */
export function recordCall(f: CallFigures): number | undefined {
  metrics.addDimension('ModelId', f.modelId);
  if (f.inputTokens !== undefined) metrics.addMetric('InputTokens', MetricUnit.Count, f.inputTokens);
  if (f.outputTokens !== undefined) metrics.addMetric('OutputTokens', MetricUnit.Count, f.outputTokens);
  metrics.addMetric('Latency', MetricUnit.Milliseconds, Math.round(f.latencyMs));
  const cost = estimateCostUsd(f.price, f.inputTokens, f.outputTokens);
  if (cost !== undefined) metrics.addMetric('EstimatedCostUSD', MetricUnit.NoUnit, cost);
  return cost;
}

/** Records a failed call (Errors metric) and logs it with the cause. */
export function recordError(err: InvokerError, modelId: string | undefined): void {
  if (modelId) metrics.addDimension('ModelId', modelId);
  metrics.addMetric('Errors', MetricUnit.Count, 1);
  const level = err.statusCode >= 500 || err.statusCode === 429 ? 'error' : 'warn';
  logger[level](err.message, { error: err.toJSON(), cause: err.cause instanceof Error ? { name: err.cause.name, message: err.cause.message } : undefined });
}

/** Flushes the EMF metrics of this invocation (stdout). */
export function endInvocation(): void {
  metrics.publishStoredMetrics();
}

/** Any thrown value as an InvokerError (an unexpected one as `InternalError`, keeping it as the cause). */
export function asInvokerError(e: unknown, modelId: string | undefined): InvokerError {
  return e instanceof InvokerError ? e
    : new InvokerError('InternalError', 500, `Unexpected error: ${(e as Error)?.message ?? String(e)}`, { modelId, cause: e });
}

/** What `invoke` hands the handler's work. */
export interface Invocation {
  /** Bounds the configuration read and the SDK calls (DEADLINE_MARGIN_MS before the function times out). */
  readonly deadline: Deadline;
  /** Names the model on the log lines that follow and on the Errors metric of a failure. */
  setModel(modelId: string): void;
}

/**
 * Runs one direct invocation in a request scope of its own (request-scope.ts): Lambda context and correlation ID on every log line, a deadline for the work, any
 * failure recorded (Errors metric, log line) and rethrown as an InvokerError, and the metrics flushed at the end.
 */
export function invoke<T>(context: ContextLike | undefined, correlationId: string | undefined,
  work: (invocation: Invocation) => Promise<T>): Promise<T> {
  return inRequestScope(() => invokeInScope(context, correlationId, work));
}

async function invokeInScope<T>(context: ContextLike | undefined, correlationId: string | undefined,
  work: (invocation: Invocation) => Promise<T>): Promise<T> {
  beginInvocation(context, correlationId);
  let modelId: string | undefined;
  const deadline = deadlineFor(context);
  try {
    return await work({ deadline, setModel: (id) => { modelId = id; logger.appendKeys({ modelId: id }); } });
  } catch (e) {
    const err = asInvokerError(e, modelId);
    recordError(err, modelId);
    throw err;
  } finally {
    deadline.dispose();
    endInvocation();
  }
}
