/**
 * Per-request state of the invoker handlers, kept with the request (AsyncLocalStorage) instead of in module globals:
 * the deadline and its AbortSignal, the request's logger (Lambda context, correlation ID, `modelId` and other keys)
 * and its metrics. Two requests that overlap in one process (Lambda Managed Instances run concurrent Node.js requests in
 * one process; so does anyone who calls a handler module in-process) each see their own state: a throttled request
 * retries against its own deadline, and every log line carries its own request's IDs.
 *
 * `inRequestScope(fn)` runs `fn` with a fresh, empty state; `deadlineFor`, `beginInvocation` (lambda/shared/sdk.ts,
 * observability.ts) fill it in. Outside a scope (module initialisation, a test calling a helper directly) there is no
 * request state: no deadline, and the module's base logger and metrics.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';

export interface RequestState {
  /** Epoch milliseconds (clock()) by which the work must end; +Infinity when the context gives no remaining time. */
  deadline: number;
  /** Fires at the deadline. */
  signal?: AbortSignal;
  /** Milliseconds granted to the work at the start of the request. */
  budgetMs?: number;
  /** The request's own logger (a child of the module's), when the request has begun. */
  logger?: Logger;
  /** The request's own metrics, flushed at its end. */
  metrics?: Metrics;
}

const storage = new AsyncLocalStorage<RequestState>();

/** Runs `fn` with a new request state (no deadline yet). */
export function inRequestScope<T>(fn: () => T, state: RequestState = { deadline: Number.POSITIVE_INFINITY }): T {
  return storage.run(state, fn);
}

/** The current request's state, or undefined outside a request. */
export function requestState(): RequestState | undefined {
  return storage.getStore();
}
