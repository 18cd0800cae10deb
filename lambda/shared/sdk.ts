/**
 * SDK client settings shared by the invoker handlers: the SDK's own retry strategy (attempts and backoff configured
 * here, with the shared backoff formula and deadline rule of ./retry), bounded by the function's remaining time
 * through an AbortSignal. There is no retry loop on top of the SDK.
 */
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import { clock } from './clock';
import { ENV, envInt } from './env';
import { backoffDelayMs, ensureTimeToRetry, type Backoff } from './retry';

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

let currentDeadline = Number.POSITIVE_INFINITY;

/**
 * Exponential backoff with full jitter (the SDK's `computeNextBackoffDelay`). When the sleep plus
 * RETRY_MIN_ATTEMPT_MS would not end before the current invocation's deadline, there is no time for another attempt:
 * it throws (NoTimeToRetry), which makes the SDK's retry middleware stop and rethrow the last retryable error
 * (ThrottlingException, 5xx, ...) with `$metadata.attempts`, so the caller reports Throttled/UpstreamError with the
 * attempt count. Sleeping into the deadline instead would let the AbortSignal fire first and turn persistent
 * throttling into a Timeout.
 */
export function backoffDelay(attempt: number): number {
  const delay = backoffDelayMs(BACKOFF, attempt);
  ensureTimeToRetry(delay, RETRY_MIN_ATTEMPT_MS, currentDeadline);
  return delay;
}

/** Client options for every AWS SDK client the handlers create. */
export function clientOptions(): { retryStrategy: ConfiguredRetryStrategy; maxAttempts: number } {
  return { maxAttempts: MAX_ATTEMPTS, retryStrategy: new ConfiguredRetryStrategy(MAX_ATTEMPTS, backoffDelay) };
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
 * An AbortSignal that fires DEADLINE_MARGIN_MS before the function would time out. Create it first thing in an
 * invocation: it bounds the configuration read and the model call together.
 */
export function deadlineFor(context: ContextLike | undefined): Deadline {
  const remaining = context?.getRemainingTimeInMillis?.();
  if (remaining === undefined || !Number.isFinite(remaining)) {
    currentDeadline = Number.POSITIVE_INFINITY;
    return { dispose: () => undefined };
  }
  const budgetMs = Math.max(1, remaining - DEADLINE_MARGIN_MS);
  currentDeadline = clock().now() + budgetMs;
  const controller = new AbortController();
  const cancel = clock().setTimer(budgetMs, () => controller.abort());
  return {
    signal: controller.signal,
    budgetMs,
    dispose: () => { cancel(); currentDeadline = Number.POSITIVE_INFINITY; },
  };
}

/**
 * Awaits `work`, but no longer than the deadline: when the deadline's signal fires first, rejects with
 * `onTimeout()` (the work itself is left to settle in the background; its result is ignored). A rejection of `work`
 * once the deadline has passed (e.g. because it was given the same signal) is reported as `onTimeout()` too.
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
