/**
 * Retries, for every handler: one backoff formula, one deadline rule, an AWS SDK retry strategy bounded by a deadline
 * (the access check's), and a retry loop for conditions the SDK does not retry (the Knowledge Base sync's
 * ConflictException, the OpenSearch index's propagating 403). Each handler keeps its own policy (attempts, base, cap,
 * jitter), read from its environment; the invokers' SDK clients use InvokerRetryStrategy with this backoff and deadline
 * rule, reading the deadline of the request they serve (lambda/shared/sdk.ts). Waiting goes through `clock()`
 * (lambda/shared/clock.ts), so tests need not sleep.
 */
import type { RetryErrorInfo, RetryStrategyV2, StandardRetryToken } from '@smithy/types';
import { clock } from './clock';

/** A backoff policy: the delay before retry n (1-based) is drawn below `min(maxMs, baseMs * 2^(n-1))`. */
export interface Backoff {
  readonly baseMs: number;
  readonly maxMs: number;
  /**
   * `full`: uniformly in [0, cap) (the SDK's default shape); `equal`: uniformly in [cap/2, cap) (a deterministic floor
   * keeps retries spaced); `none`: exactly the cap.
   */
  readonly jitter: 'full' | 'equal' | 'none';
}

/**
 * The delay before retry number `attempt` (1-based) under `backoff`. A Retry-After hint from the service raises the
 * delay, never above `maxMs`.
 */
export function backoffDelayMs(backoff: Backoff, attempt: number, retryAfterMs?: number, random: () => number = Math.random): number {
  const cap = Math.min(backoff.maxMs, backoff.baseMs * 2 ** Math.max(0, attempt - 1));
  const delay = backoff.jitter === 'full' ? Math.floor(random() * cap)
    : backoff.jitter === 'equal' ? Math.floor(cap / 2 + random() * (cap / 2))
      : cap;
  const hinted = retryAfterMs !== undefined && retryAfterMs > 0 ? Math.min(backoff.maxMs, Math.ceil(retryAfterMs)) : 0;
  return Math.max(delay, hinted);
}

/** Thrown when a retry's sleep plus the time kept for the attempt would end past the deadline. */
export class NoTimeToRetry extends Error {
  constructor(delayMs: number, reserveMs: number, leftMs: number) {
    super(`no time for another attempt: backoff ${delayMs} ms + ${reserveMs} ms for the attempt, ${leftMs} ms left`);
    this.name = 'NoTimeToRetry';
  }
}

/**
 * The deadline rule: a retry is made only if its sleep plus `reserveMs` for the attempt itself still ends by the
 * deadline (sleeping into the deadline would turn, e.g., persistent throttling into a timeout). Throws NoTimeToRetry.
 */
export function ensureTimeToRetry(delayMs: number, reserveMs: number, deadline: number): void {
  const left = deadline - clock().now();
  if (delayMs + reserveMs > left) throw new NoTimeToRetry(delayMs, reserveMs, Math.max(0, Math.round(left)));
}

/** Options of DeadlineRetryStrategy. */
export interface DeadlineRetryOptions {
  /** Total attempts, first try included. */
  readonly maxAttempts: number;
  readonly backoff: Backoff;
  /** Time a retried attempt needs (e.g. the request timeout): no retry whose sleep would leave less before the deadline. */
  readonly reserveMs: number;
  /** Epoch milliseconds after which no retry starts. */
  readonly deadline: number;
  /** Ends a backoff sleep early (the SDK call's own abort signal). */
  readonly signal?: AbortSignal;
}

/**
 * An AWS SDK retry strategy (RetryStrategyV2) that retries throttling and transient errors (429, 500/502/503/504,
 * timeouts, connection resets) with `backoffDelayMs` (honouring Retry-After), at most `maxAttempts` attempts, and
 * never past the deadline. When it stops, the SDK rethrows the last error with `$metadata.attempts`. It sleeps
 * through `clock()` itself and hands the SDK a zero delay.
 */
export class DeadlineRetryStrategy implements RetryStrategyV2 {
  public readonly mode = 'standard';
  constructor(private readonly options: DeadlineRetryOptions) {}

  public async acquireInitialRetryToken(): Promise<StandardRetryToken> {
    return retryToken(0);
  }

  public async refreshRetryTokenForRetry(token: StandardRetryToken, info: RetryErrorInfo): Promise<StandardRetryToken> {
    const attempt = token.getRetryCount() + 1;
    const retryable = info.errorType === 'THROTTLING' || info.errorType === 'TRANSIENT';
    const lastError = info.error ?? new Error('not retryable');
    if (!retryable || attempt >= this.options.maxAttempts) throw lastError;
    const retryAfterMs = info.retryAfterHint ? info.retryAfterHint.getTime() - clock().now() : undefined;
    const delay = backoffDelayMs(this.options.backoff, attempt, retryAfterMs);
    try {
      ensureTimeToRetry(delay, this.options.reserveMs, this.options.deadline);
    } catch {
      throw lastError;
    }
    await clock().sleep(delay, this.options.signal);
    return retryToken(attempt);
  }

  public recordSuccess(): void { /* no retry quota */ }
}

/** A retry token for an SDK RetryStrategyV2 that sleeps by itself (zero delay handed to the SDK, no retry cost). */
export function retryToken(count: number): StandardRetryToken {
  return { getRetryCount: () => count, getRetryDelay: () => 0, getRetryCost: () => undefined };
}

/** One try of `retryUntilDeadline`: done with a value, or not yet, with the reason (and error) to report. */
export type Attempt<T> = { readonly done: true; readonly value: T } | { readonly done: false; readonly reason: string; readonly error?: unknown };

/** Thrown by `retryUntilDeadline` when the next sleep would end past the deadline. */
export class RetriesExhausted extends Error {
  constructor(public readonly attempts: number, public readonly reason: string, public readonly lastError: unknown) {
    super(`gave up after ${attempts} attempts (time limit reached); last error: ${reason}`);
    this.name = 'RetriesExhausted';
  }
}

/** Options of retryUntilDeadline. */
export interface RetryLoopOptions {
  readonly backoff: Backoff;
  /** Epoch milliseconds: no sleep that would end after it. */
  readonly deadline: number;
  /** Called before each sleep (for the log line). */
  readonly onRetry?: (retry: { readonly attempt: number; readonly delayMs: number; readonly reason: string }) => void;
}

/**
 * Calls `attempt(n)` (n from 1) until it is done, sleeping `backoffDelayMs(backoff, n)` between tries, as long as the
 * sleep ends by the deadline; then throws RetriesExhausted with the last reason. An exception from `attempt` is not
 * retried: it propagates.
 */
export async function retryUntilDeadline<T>(options: RetryLoopOptions, attempt: (n: number) => Promise<Attempt<T>>): Promise<T> {
  for (let n = 1; ; n++) {
    const result = await attempt(n);
    if (result.done) return result.value;
    const delayMs = backoffDelayMs(options.backoff, n);
    if (clock().now() + delayMs > options.deadline) throw new RetriesExhausted(n, result.reason, result.error);
    options.onRetry?.({ attempt: n, delayMs, reason: result.reason });
    await clock().sleep(delayMs);
  }
}
