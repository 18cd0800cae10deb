/**
 * A virtual clock for the handlers (lambda/shared/clock.ts). Only the test moves it: `advance(ms)` moves `now()` and
 * fires the timers that come due (a handler's deadline); a handler's `sleep(ms)` (retry backoff) is recorded and
 * advances the clock by `ms` at once, after one turn of the event loop so that loopback I/O goes on. Install it in a
 * loaded bundle (every handler exports `setClock`): the handler then waits no real time for backoffs or deadlines,
 * and what happens before a deadline depends only on the scripted replies, not on how busy the machine is. Per-request
 * socket timeouts and the SDK's own retry sleeps stay real.
 */
export class VirtualClock {
  /** Every sleep the handler asked for, in milliseconds, in order. */
  public readonly sleeps: number[] = [];
  private elapsed = 0;
  private readonly timers: { at: number; fn: () => void }[] = [];

  /** @param start epoch milliseconds `now()` starts at (default: the real time at construction). */
  constructor(private readonly start = Date.now()) {}

  now(): number {
    return this.start + this.elapsed;
  }

  /** Timers set and not yet fired or cancelled. */
  get pendingTimers(): number {
    return this.timers.length;
  }

  /** Moves the clock forward by `ms`, firing the timers that come due, in order. */
  advance(ms: number): void {
    const until = this.now() + Math.max(0, ms);
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at);
      const next = this.timers[0];
      if (!next || next.at > until) break;
      this.timers.shift();
      this.elapsed = Math.max(this.elapsed, next.at - this.start);
      next.fn();
    }
    this.elapsed = until - this.start;
  }

  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    this.sleeps.push(ms);
    if (!signal?.aborted) this.advance(ms);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }

  setTimer(ms: number, fn: () => void): () => void {
    const timer = { at: this.now() + Math.max(0, ms), fn };
    this.timers.push(timer);
    return () => {
      const i = this.timers.indexOf(timer);
      if (i >= 0) this.timers.splice(i, 1);
    };
  }
}

/** A loaded bundle that lets tests replace its clock. */
export interface ClockedBundle {
  setClock(clock: Pick<VirtualClock, 'now' | 'sleep' | 'setTimer'> | undefined): void;
}

/** Gives `bundle` a fresh VirtualClock and returns it. */
export function useVirtualClock(bundle: ClockedBundle): VirtualClock {
  const clock = new VirtualClock();
  bundle.setClock(clock);
  return clock;
}

/**
 * Resolves once `condition()` holds, checking after each turn of the event loop (no timers); fails after `limit`
 * turns, naming `what`. For waiting until a handler's request has reached a loopback fake.
 */
export async function until(condition: () => boolean, what: string, limit = 100_000): Promise<void> {
  for (let i = 0; i < limit; i++) {
    if (condition()) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  throw new Error(`gave up waiting for ${what}`);
}

/** Lets `n` turns of the event loop pass (no timers): time for an abort to reach a handler's result. */
export async function turns(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** Tracks whether a promise has settled (without changing its outcome). */
export function settledFlag(p: Promise<unknown>): () => boolean {
  let settled = false;
  p.then(() => { settled = true; }, () => { settled = true; });
  return () => settled;
}
