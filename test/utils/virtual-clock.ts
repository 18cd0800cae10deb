/**
 * A virtual clock for the handlers' retry loops (lambda/shared/clock.ts): `sleep(ms)` returns at once (after one turn
 * of the event loop, so loopback I/O goes on) and moves `now()` forward by `ms`; nothing else moves it. Install it in
 * a bundle that exports `setClock` (access-check, kb-sync, oss-index): the handler then waits no real time between
 * retries, and how many attempts fit before a deadline depends only on the backoff, not on the machine's load.
 */
export class VirtualClock {
  /** Every sleep the handler asked for, in milliseconds, in order. */
  public readonly sleeps: number[] = [];
  private elapsed = 0;

  /** @param start epoch milliseconds `now()` starts at (default: the real time at construction). */
  constructor(private readonly start = Date.now()) {}

  now(): number {
    return this.start + this.elapsed;
  }

  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    this.sleeps.push(ms);
    if (!signal?.aborted) this.elapsed += Math.max(0, ms);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/** A loaded bundle that lets tests replace its clock. */
export interface ClockedBundle {
  setClock(clock: { now(): number; sleep(ms: number, signal?: AbortSignal): Promise<void> } | undefined): void;
}

/** Gives `bundle` a fresh VirtualClock and returns it. */
export function useVirtualClock(bundle: ClockedBundle): VirtualClock {
  const clock = new VirtualClock();
  bundle.setClock(clock);
  return clock;
}
