import { Stack, Token } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct, IConstruct } from 'constructs';
import { EmbeddingInvoker, ModelInvoker, RagInvoker } from '../../invokers';
import { BedrockModel } from '../../models';
import { BedrockValidationError } from '../../private/errors';
import { DEFAULT_INVOKER_NAMESPACE } from '../metrics';

/** An invoker of this library, as the monitoring sees it: where its metrics land and which model it calls. */
export interface WatchedInvoker {
  readonly construct: Construct;
  readonly kind: 'ModelInvoker' | 'EmbeddingInvoker' | 'RagInvoker';
  /** Metric namespace (the function's POWERTOOLS_METRICS_NAMESPACE). */
  readonly namespace: string;
  /** Powertools `service` dimension (the function's POWERTOOLS_SERVICE_NAME). */
  readonly service: string;
  /** The `ModelId` dimension: the model ID the handler sends. */
  readonly modelId: string;
  readonly model: BedrockModel;
  /** Whether the handler emits EstimatedCostUSD for this model (see ModelCostForecast.measured). */
  readonly costMeasured: boolean;
  /** Whether the handler emits InputTokens / OutputTokens (what the response reports; see the handlers' headers). */
  readonly inputTokens: boolean;
  readonly outputTokens: boolean;
}

/** The handler's own default service name (lambda/shared/observability.ts), used when the variable is not set. */
const HANDLER_DEFAULT_SERVICE = 'bedrock-invoker';

/** Whether a construct is one of the library's invokers. */
export function isInvoker(c: IConstruct): c is ModelInvoker | EmbeddingInvoker | RagInvoker {
  return c instanceof ModelInvoker || c instanceof EmbeddingInvoker || c instanceof RagInvoker;
}

/** The environment variables of a Lambda function of this app (resolved; values may still be CloudFormation intrinsics). */
function environmentOf(fn: lambda.IFunction): Record<string, unknown> {
  const cfn = fn.node.defaultChild;
  if (!(cfn instanceof lambda.CfnFunction)) return {};
  const env = Stack.of(fn).resolve(cfn.environment) as { variables?: Record<string, unknown> } | undefined;
  return env?.variables ?? {};
}

function literal(scope: IConstruct, env: Record<string, unknown>, name: string, setting: string): string | undefined {
  const v = env[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || Token.isUnresolved(v)) {
    throw new BedrockValidationError('UnresolvedMetricDimension', `The ${name} of ${scope.node.path} is not a literal string `
      + `(${JSON.stringify(v)}), so its metrics cannot be watched: alarms need the exact namespace and dimension values. `
      + `Give the invoker a literal \`${setting}\`.`, scope);
  }
  return v;
}

/**
 * What an invoker emits: namespace and service from its function's environment (the values the handler reads), the
 * model from the construct (`model`), or for a RagInvoker from its `MODEL_ID` variable. Returns undefined (with the
 * reason) when the model is not known in this app, e.g. a role of an imported PinnedModelConfig declared without its
 * model.
 */
export function watchInvoker(invoker: ModelInvoker | EmbeddingInvoker | RagInvoker): WatchedInvoker | string {
  const env = environmentOf(invoker.function);
  const namespace = literal(invoker, env, 'POWERTOOLS_METRICS_NAMESPACE', 'metricsNamespace') ?? DEFAULT_INVOKER_NAMESPACE;
  const service = literal(invoker, env, 'POWERTOOLS_SERVICE_NAME', 'serviceName') ?? HANDLER_DEFAULT_SERVICE;
  const kind = invoker instanceof ModelInvoker ? 'ModelInvoker' : invoker instanceof EmbeddingInvoker ? 'EmbeddingInvoker' : 'RagInvoker';
  // ModelInvoker and EmbeddingInvoker expose `model`; a RagInvoker sets MODEL_ID (its metrics dimension) instead.
  let model = (invoker as { model?: BedrockModel }).model;
  if (!model && kind === 'RagInvoker') {
    const id = literal(invoker, env, 'MODEL_ID', 'model');
    if (id) model = BedrockModel.of(id);
  }
  if (!model) {
    return `${kind} ${invoker.node.path} reads an imported configuration whose model this app cannot see, so its ModelId `
      + 'metric dimension is unknown and it is not monitored. Pass the model to PinnedModelConfig.fromParameterPrefix(..., '
      + '{ models: { <role>: BedrockModel.of(\'...\') } }), or watch the model with BedrockMonitoringProps.models.';
  }
  // What each handler can report (checked against the handlers by test/monitoring/emitter-watcher.test.ts): Converse
  // reports input and output tokens; Titan embeddings report input tokens; Cohere Embed responses and
  // RetrieveAndGenerate report no token usage, so no tokens and no EstimatedCostUSD.
  const fm = model.foundationModelId ?? '';
  const inputTokens = kind === 'ModelInvoker' || (kind === 'EmbeddingInvoker' && !fm.startsWith('cohere.'));
  return {
    construct: invoker, kind, namespace, service, modelId: model.modelId, model,
    costMeasured: inputTokens, inputTokens, outputTokens: kind === 'ModelInvoker',
  };
}
