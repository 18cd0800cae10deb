/**
 * SDK client settings shared by the invoker handlers: a retry strategy with the shared backoff formula and deadline
 * rule of ./retry, bounded by the current request's deadline (lambda/shared/request-scope.ts) through an AbortSignal.
 * There is no retry loop on top of the SDK.
 *
 * Retry quota: the SDK's standard strategy also keeps a retry quota per client (500 tokens; a retry costs 5, 10
 * after a timeout; a success returns 1), so in a warm execution environment that has seen about 100 failed retries
 * the documented attempts silently drop to 1 until successes refill it. The invokers configure no quota: every
 * request gets up to MAX_ATTEMPTS attempts, bounded by its own deadline (docs/invokers.md, "Retries").
 */
import type { RetryErrorInfo, RetryStrategyV2, StandardRetryToken } from '@smithy/types';
import { clock } from './clock';
import { ENV, envInt } from './env';
import { inRequestScope, requestState } from './request-scope';
import { backoffDelayMs, ensureTimeToRetry, retryToken, type Backoff } from './retry';

export { inRequestScope };

/** Total attempts per SDK call (first try included). Env `BEDROCK_MAX_ATTEMPTS`, default 4. */
export const MAX_ATTEMPTS = envInt(ENV.BEDROCK_MAX_ATTEMPTS, 4);
/** First backoff delay; doubles per retry with full jitter. Env `BEDROCK_RETRY_BASE_DELAY_MS`, default 250. */
export const RETRY_BASE_DELAY_MS = envInt('BEDROCK_RETRY_BASE_DELAY_MS', 250);
/** Backoff cap. Env `BEDROCK_RETRY_MAX_DELAY_MS`, default 8000. */
export const RETRY_MAX_DELAY_MS = envInt('BEDROCK_RETRY_MAX_DELAY_MS', 8000);
/** Time kept back from the function's remaining time to report an error and flush metrics. Env `DEADLINE_MARGIN_MS`, default 500. */
export const DEADLINE_MARGIN_MS = envInt('DEADLINE_MARGIN_MS', 500);
/**
 * Least time a retried attempt is given: a retry is made only if its backoff sleep plus this much still ends before
 * the deadline. Env `BEDROCK_RETRY_MIN_ATTEMPT_MS`, default 500.
 */
export const RETRY_MIN_ATTEMPT_MS = envInt('BEDROCK_RETRY_MIN_ATTEMPT_MS', 500);

const BACKOFF: Backoff = { baseMs: RETRY_BASE_DELAY_MS, maxMs: RETRY_MAX_DELAY_MS, jitter: 'full' };

/**
 * Exponential backoff with full jitter. When the sleep plus RETRY_MIN_ATTEMPT_MS would not end before the current
 * request's deadline, there is no time for another attempt: it throws (NoTimeToRetry).
 */
export function backoffDelay(attempt: number): number {
  const delay = backoffDelayMs(BACKOFF, attempt);
  ensureTimeToRetry(delay, RETRY_MIN_ATTEMPT_MS, requestState()?.deadline ?? Number.POSITIVE_INFINITY);
  return delay;
}

/**
 * The invokers' retry strategy (an AWS SDK RetryStrategyV2): retries what the SDK classifies as THROTTLING or
 * TRANSIENT (429, throttling error codes, 500/502/503/504, timeouts, connection resets the SDK deems transient,
 * `$retryable` errors such as ModelNotReadyException), at most MAX_ATTEMPTS attempts, no retry quota. Deadline and
 * AbortSignal come from the request the call belongs to (AsyncLocalStorage), so concurrent requests each retry against
 * their own deadline. When it stops (not retryable, attempts used, or no time for another attempt: the deadline rule
 * of `backoffDelay`), the SDK rethrows the last error with `$metadata.attempts`, so the caller reports
 * Throttled/UpstreamError with the attempt count instead of sleeping into the deadline and reporting a Timeout. The
 * backoff sleep goes through clock() and ends as soon as the request's deadline fires.
 */
export class InvokerRetryStrategy implements RetryStrategyV2 {
  public readonly mode = 'standard';
  constructor(private readonly maxAttempts: number) {}

  public async acquireInitialRetryToken(): Promise<StandardRetryToken> {
    return retryToken(0);
  }

  public async refreshRetryTokenForRetry(token: StandardRetryToken, info: RetryErrorInfo): Promise<StandardRetryToken> {
    const attempt = token.getRetryCount() + 1;
    const retryable = info.errorType === 'THROTTLING' || info.errorType === 'TRANSIENT';
    const lastError = info.error ?? new Error('not retryable');
    if (!retryable || attempt >= this.maxAttempts) throw lastError;
    let delay: number;
    try {
      delay = backoffDelay(attempt);
    } catch {
      throw lastError;
    }
    const signal = requestState()?.signal;
    await clock().sleep(delay, signal);
    if (signal?.aborted) throw lastError; // the deadline passed while sleeping: the SDK reports the abort
    return retryToken(attempt);
  }

  public recordSuccess(): void { /* no retry quota */ }
}

/** Client options for every AWS SDK client the invokers create. */
export function clientOptions(): { retryStrategy: InvokerRetryStrategy; maxAttempts: number } {
  return { maxAttempts: MAX_ATTEMPTS, retryStrategy: new InvokerRetryStrategy(MAX_ATTEMPTS) };
}

/** Minimal view of the Lambda context the handlers use. */
export interface ContextLike {
  readonly awsRequestId?: string;
  readonly functionName?: string;
  getRemainingTimeInMillis?: () => number;
}

export interface Deadline {
  /** Pass to `client.send(cmd, { abortSignal })`. */
  readonly signal?: AbortSignal;
  /** Milliseconds granted to the SDK call, undefined when the context gives no remaining time. */
  readonly budgetMs?: number;
  /** Clears the timer. */
  dispose(): void;
}

/**
 * An AbortSignal that fires DEADLINE_MARGIN_MS before the function would time out, recorded as the current request's
 * deadline (when called inside `inRequestScope`, as every handler does). Create it first thing in an invocation: it
 * bounds the configuration read and the model calls together.
 */
export function deadlineFor(context: ContextLike | undefined): Deadline {
  const state = requestState();
  const remaining = context?.getRemainingTimeInMillis?.();
  if (remaining === undefined || !Number.isFinite(remaining)) {
    if (state) { state.deadline = Number.POSITIVE_INFINITY; state.signal = undefined; state.budgetMs = undefined; }
    return { dispose: () => undefined };
  }
  const budgetMs = Math.max(1, remaining - DEADLINE_MARGIN_MS);
  const controller = new AbortController();
  const cancel = clock().setTimer(budgetMs, () => controller.abort(new Error(`the function's deadline (${budgetMs} ms) passed`)));
  if (state) { state.deadline = clock().now() + budgetMs; state.signal = controller.signal; state.budgetMs = budgetMs; }
  return { signal: controller.signal, budgetMs, dispose: cancel };
}

/**
 * Awaits `work`, but no longer than the deadline: when the deadline's signal fires first, rejects with
 * `onTimeout()` (the work is expected to be cancelled by the same signal; its later result is ignored). A rejection of
 * `work` once the deadline has passed is reported as `onTimeout()` too.
 */
export async function withinDeadline<T>(work: Promise<T>, deadline: Deadline, onTimeout: () => Error): Promise<T> {
  const signal = deadline.signal;
  if (!signal) return work;
  work = work.catch((e: unknown) => { throw signal.aborted ? onTimeout() : e; });
  if (signal.aborted) { work.catch(() => undefined); throw onTimeout(); }
  let onAbort: () => void = () => undefined;
  const timedOut = new Promise<never>((_, reject) => {
    onAbort = () => reject(onTimeout());
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([work, timedOut]);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}
