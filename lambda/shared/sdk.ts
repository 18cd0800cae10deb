/**
 * SDK client settings shared by the handlers: the SDK's own retry strategy (attempts and backoff configured here),
 * bounded by the function's remaining time through an AbortSignal. There is no retry loop on top of the SDK.
 */
import { ConfiguredRetryStrategy } from '@smithy/core/retry';

/** Reads a positive integer from the environment, or returns the fallback. */
export function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) {
    throw new Error(`Environment variable ${name} must be a non-negative integer, got ${JSON.stringify(raw)}.`);
  }
  return n;
}

/** Total attempts per SDK call (first try included). Env `BEDROCK_MAX_ATTEMPTS`, default 4. */
export const MAX_ATTEMPTS = envInt('BEDROCK_MAX_ATTEMPTS', 4);
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

let currentDeadline = Number.POSITIVE_INFINITY;

/** Thrown by backoffDelay to stop the SDK's retries: the SDK then rethrows the last error with its attempt count. */
export class NoTimeToRetry extends Error {
  constructor(delayMs: number, leftMs: number) {
    super(`no time for another attempt: backoff ${delayMs} ms + ${RETRY_MIN_ATTEMPT_MS} ms for the attempt, ${leftMs} ms left`);
    this.name = 'NoTimeToRetry';
  }
}

/**
 * Exponential backoff with full jitter (the SDK's `computeNextBackoffDelay`). When the sleep plus
 * RETRY_MIN_ATTEMPT_MS would not end before the current invocation's deadline, there is no time for another attempt:
 * it throws, which makes the SDK's retry middleware stop and rethrow the last retryable error (ThrottlingException,
 * 5xx, ...) with `$metadata.attempts`, so the caller reports Throttled/UpstreamError with the attempt count. Sleeping
 * into the deadline instead would let the AbortSignal fire first and turn persistent throttling into a Timeout.
 */
export function backoffDelay(attempt: number): number {
  const ceiling = Math.min(RETRY_MAX_DELAY_MS, RETRY_BASE_DELAY_MS * 2 ** Math.max(0, attempt - 1));
  const delay = Math.floor(Math.random() * ceiling);
  const left = currentDeadline - Date.now();
  if (delay + RETRY_MIN_ATTEMPT_MS > left) throw new NoTimeToRetry(delay, Math.max(0, Math.round(left)));
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
  currentDeadline = Date.now() + budgetMs;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), budgetMs);
  timer.unref?.();
  return {
    signal: controller.signal,
    budgetMs,
    dispose: () => { clearTimeout(timer); currentDeadline = Number.POSITIVE_INFINITY; },
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
