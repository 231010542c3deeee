/**
 * A virtual clock for tests: time moves only when `advance` is called, which fires due timers in
 * order and lets the promise chains they start run before moving on.
 */
import type { Clock, TimerHandle } from '../../app/src/execution/clock.ts';

interface FakeTimer extends TimerHandle {
  seq: number;
  fire: () => void;
}

/** Let pending promise chains (in-memory store, fake runner) run to completion. */
export async function flush(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

export class FakeClock implements Clock {
  #now: number;
  #seq = 0;
  #timers = new Set<FakeTimer>();

  constructor(start = Date.UTC(2025, 0, 1)) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimer(at: number, fire: () => void): TimerHandle {
    const t: FakeTimer = { at, fire, seq: this.#seq++ };
    this.#timers.add(t);
    return t;
  }

  clearTimer(handle: TimerHandle): void {
    this.#timers.delete(handle as FakeTimer);
  }

  /** Pending timers, for assertions that nothing is left armed. */
  get pending(): number {
    return this.#timers.size;
  }

  /** Move time forward by `ms`, firing every timer that falls due, earliest first. */
  async advance(ms: number): Promise<void> {
    const target = this.#now + ms;
    await flush();
    for (;;) {
      const next = [...this.#timers]
        .filter((t) => t.at <= target)
        .sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (next === undefined) break;
      this.#timers.delete(next);
      this.#now = Math.max(this.#now, next.at);
      next.fire();
      await flush();
    }
    this.#now = target;
    await flush();
  }
}
