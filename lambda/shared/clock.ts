/**
 * Time as the handlers see it: `now()` for deadlines, `sleep()` for backoff and `setTimer()` for the deadline that
 * aborts outstanding calls. In Lambda it is the system clock. Every handler exports `setClock` so that tests can drive
 * it with a virtual clock (test/utils/virtual-clock.ts) instead of waiting for real; nothing else changes it. (The AWS
 * SDK's own timers, e.g. per-request socket timeouts, stay on the system clock; the invokers' retry sleeps go through
 * this clock, lambda/shared/sdk.ts.)
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms` milliseconds, or as soon as `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Calls `fn` once after `ms` milliseconds; returns the function that cancels it. */
  setTimer(ms: number, fn: () => void): () => void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) => new Promise<void>((resolve) => {
    if (ms <= 0 || signal?.aborted) { resolve(); return; }
    const done = () => { clearTimeout(timer); signal?.removeEventListener('abort', done); resolve(); };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  }),
  setTimer: (ms, fn) => {
    const timer = setTimeout(fn, ms);
    timer.unref?.(); // a pending deadline never keeps the process alive on its own
    return () => clearTimeout(timer);
  },
};

let current: Clock = systemClock;

/** The clock in use. */
export function clock(): Clock {
  return current;
}

/** Test seam: replaces the clock; `undefined` restores the system clock. */
export function setClock(replacement: Clock | undefined): void {
  current = replacement ?? systemClock;
}
