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

let currentDeadline = Number.POSITIVE_INFINITY;

/**
 * Exponential backoff with full jitter, never sleeping past the current invocation's deadline (the AbortSignal
 * would cut the sleep short anyway; this keeps the last attempt from being wasted on a sleep).
 */
export function backoffDelay(attempt: number): number {
  const ceiling = Math.min(RETRY_MAX_DELAY_MS, RETRY_BASE_DELAY_MS * 2 ** Math.max(0, attempt - 1));
  const jittered = Math.floor(Math.random() * ceiling);
  const left = currentDeadline - Date.now();
  return Math.max(0, Math.min(jittered, left));
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

/** An AbortSignal that fires DEADLINE_MARGIN_MS before the function would time out. */
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
