/**
 * Wake-ups for runners' long-polls, per worker group: a step that dispatched jobs wakes the
 * long-polls of this process right after its commit, and every replica hears the `task_ready`
 * notification announced after that commit. A long-poll notes the group's version before it looks at the
 * queue, so a job sent between that look and the wait still wakes it (no lost wake-up).
 */
import type { Database, Unlisten } from '../storage/database.ts';
import { payloadsOf } from './announcer.ts';
import { TASK_READY } from './commit-step.ts';

export class ClaimSignals {
  readonly #versions = new Map<string, number>();
  readonly #waiters = new Map<string, Set<() => void>>();
  #unlisten: Unlisten | undefined;
  #closed = false;

  /** Hears the commits of every replica. */
  async listen(db: Database): Promise<void> {
    this.#unlisten = await db.listen(TASK_READY, (groups) => {
      for (const g of payloadsOf(groups)) this.wake(g);
    });
  }

  /** The server is stopping: long-polls answer now, with what they have. */
  get closed(): boolean {
    return this.#closed;
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#unlisten?.();
    this.#unlisten = undefined;
    for (const set of this.#waiters.values()) for (const w of [...set]) w();
  }

  /** `''` is the default group. */
  version(group: string): number {
    return this.#versions.get(group) ?? 0;
  }

  wake(group: string): void {
    this.#versions.set(group, this.version(group) + 1);
    const set = this.#waiters.get(group);
    if (set === undefined) return;
    this.#waiters.delete(group);
    for (const w of set) w();
  }

  /** Resolves once the group's version passes `since`, after `ms`, or when `signal` aborts. */
  wait(group: string, since: number, ms: number, signal?: AbortSignal): Promise<void> {
    if (this.#closed || this.version(group) > since || ms <= 0 || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      let set = this.#waiters.get(group);
      if (set === undefined) {
        set = new Set();
        this.#waiters.set(group, set);
      }
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        this.#waiters.get(group)?.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener('abort', done, { once: true });
      set.add(done);
    });
  }
}
