/**
 * Time as the handlers' retry loops see it: `now()` for deadlines and `sleep()` for backoff. In Lambda it is the
 * system clock. The handlers that wait between retries export `setClock` so that tests can drive them with a virtual
 * clock (test/utils/virtual-clock.ts) instead of sleeping for real; nothing else changes it.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms` milliseconds, or as soon as `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) => new Promise<void>((resolve) => {
    if (ms <= 0 || signal?.aborted) { resolve(); return; }
    const done = () => { clearTimeout(timer); signal?.removeEventListener('abort', done); resolve(); };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  }),
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
