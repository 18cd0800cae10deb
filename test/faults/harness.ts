/**
 * Fault-injection harness: loads a bundled invoker (test/utils/bundled-handler.ts) against the loopback fakes with a
 * virtual clock (test/utils/virtual-clock.ts), so backoff sleeps and deadlines take no real time and every time bound
 * is stated on that clock, in the handler's own budget (remaining time - DEADLINE_MARGIN_MS).
 */
import { loadBundledHandler, outerRealm, setEnv, type LoadOptions } from '../utils/bundled-handler';
import { lambdaContext } from '../utils/lambda-context';
import { settledFlag, turns, until, type VirtualClock } from '../utils/virtual-clock';

export { until, turns, settledFlag };

/** The deadline margin the handlers keep (lambda/shared/sdk.ts DEADLINE_MARGIN_MS default). */
export const MARGIN_MS = 500;

/** A Lambda context whose remaining time is measured on `clock` (so the budget is the virtual clock's). */
export function virtualContext(clock: VirtualClock, remainingMs: number, requestId?: string): ReturnType<typeof lambdaContext> {
  const start = clock.now();
  const ctx = lambdaContext({ remainingMs });
  return { ...ctx, ...(requestId ? { awsRequestId: requestId } : {}), getRemainingTimeInMillis: () => Math.max(0, remainingMs - (clock.now() - start)) };
}

/** What a run ended with, and when on the virtual clock (ms after it started). */
export interface Outcome<T = any> {
  readonly value?: T;
  readonly error?: any;
  readonly elapsedMs: number;
}

/** Runs `fn` and records its outcome and the virtual time it took. */
export async function timed<T = any>(clock: VirtualClock, fn: () => Promise<T>): Promise<Outcome<T>> {
  const start = clock.now();
  try {
    const value = await fn();
    return { value, elapsedMs: clock.now() - start };
  } catch (error) {
    return { error, elapsedMs: clock.now() - start };
  }
}

/** Pins Math.random in the bundles' realm (full-jitter backoff) for the test's duration; returns the restore function. */
export function pinRandom(value: number): () => void {
  const realm = outerRealm();
  const real = realm.Math.random;
  realm.Math.random = () => value;
  return () => { realm.Math.random = real; };
}

/** Loads a fresh bundle (a new execution environment) with extra env vars; returns it and a restore function. */
export function freshBundle(name: string, env: Record<string, string | undefined> = {}, options: LoadOptions = {}): { mod: any; restore: () => void } {
  const restore = setEnv(env);
  const mod = loadBundledHandler(name, options);
  return { mod, restore };
}
