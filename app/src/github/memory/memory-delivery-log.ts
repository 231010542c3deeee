/**
 * In-memory `DeliveryLog`: the same claim, lease and retry rules as the database inbox; ids kept for
 * a day (GitHub redelivers within days only on request) and at most `maxEntries` of them, oldest
 * forgotten first.
 */
import { type Delivery, type DeliveryLog, MAX_DELIVERY_ATTEMPTS } from '../ports.ts';

interface Entry {
  receivedAt: number;
  delivery?: Delivery;
  /** Claimed (processing, or failed and waiting) until then; undefined once processed or given up. */
  leaseUntil?: number;
  processed: boolean;
  attempts: number;
}

export class MemoryDeliveryLog implements DeliveryLog {
  readonly #seen = new Map<string, Entry>();
  readonly #ttlMs: number;
  readonly #max: number;
  readonly #now: () => number;

  constructor(options: { ttlMs?: number; maxEntries?: number; now?: () => number } = {}) {
    this.#ttlMs = options.ttlMs ?? 24 * 60 * 60 * 1000;
    this.#max = options.maxEntries ?? 100_000;
    this.#now = options.now ?? Date.now;
  }

  async claim(delivery: Delivery, leaseMs: number): Promise<boolean> {
    const now = this.#now();
    const known = this.#seen.get(delivery.id);
    const expired = known !== undefined && now - known.receivedAt >= this.#ttlMs;
    const unfinished =
      known !== undefined && !known.processed && ((known.leaseUntil ?? now) <= now || known.attempts > 0);
    if (known !== undefined && !expired && !unfinished) return false;
    this.#seen.delete(delivery.id);
    this.#seen.set(delivery.id, {
      receivedAt: now,
      delivery,
      leaseUntil: now + leaseMs,
      processed: false,
      attempts: expired || known === undefined ? 0 : known.attempts,
    });
    while (this.#seen.size > this.#max) {
      const oldest = this.#seen.keys().next().value;
      if (oldest === undefined) break;
      this.#seen.delete(oldest);
    }
    return true;
  }

  async extend(ids: readonly string[], leaseMs: number): Promise<void> {
    for (const id of ids) {
      const e = this.#seen.get(id);
      if (e !== undefined && !e.processed && e.leaseUntil !== undefined) e.leaseUntil = this.#now() + leaseMs;
    }
  }

  async complete(id: string): Promise<void> {
    const e = this.#seen.get(id);
    if (e === undefined) return;
    e.processed = true;
    delete e.delivery;
    delete e.leaseUntil;
  }

  async fail(id: string, retryMs: number, _error: string): Promise<void> {
    const e = this.#seen.get(id);
    if (e === undefined || e.processed) return;
    e.attempts++;
    if (e.attempts >= MAX_DELIVERY_ATTEMPTS) delete e.leaseUntil;
    else e.leaseUntil = this.#now() + retryMs;
  }

  async takeUnfinished(limit: number, leaseMs: number): Promise<Array<Delivery & { attempts: number }>> {
    const now = this.#now();
    const taken: Array<Delivery & { attempts: number }> = [];
    for (const e of this.#seen.values()) {
      if (taken.length >= limit) break;
      if (e.processed || e.delivery === undefined || e.leaseUntil === undefined || e.leaseUntil > now)
        continue;
      e.leaseUntil = now + leaseMs;
      taken.push({ ...e.delivery, attempts: e.attempts });
    }
    return taken;
  }

  async received(ids: readonly string[]): Promise<Set<string>> {
    const now = this.#now();
    return new Set(
      ids.filter((id) => {
        const e = this.#seen.get(id);
        return e !== undefined && now - e.receivedAt < this.#ttlMs;
      }),
    );
  }
}
