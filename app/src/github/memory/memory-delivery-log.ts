/**
 * In-memory `DeliveryLog`: ids kept for a day (GitHub redelivers within days only on request) and at
 * most `maxEntries` of them, oldest forgotten first.
 */
import type { DeliveryLog } from '../ports.ts';

export class MemoryDeliveryLog implements DeliveryLog {
  readonly #seen = new Map<string, number>();
  readonly #ttlMs: number;
  readonly #max: number;
  readonly #now: () => number;

  constructor(options: { ttlMs?: number; maxEntries?: number; now?: () => number } = {}) {
    this.#ttlMs = options.ttlMs ?? 24 * 60 * 60 * 1000;
    this.#max = options.maxEntries ?? 100_000;
    this.#now = options.now ?? Date.now;
  }

  async claim(deliveryId: string, _event?: string): Promise<boolean> {
    const now = this.#now();
    const at = this.#seen.get(deliveryId);
    if (at !== undefined && now - at < this.#ttlMs) return false;
    this.#seen.delete(deliveryId);
    this.#seen.set(deliveryId, now);
    while (this.#seen.size > this.#max) {
      const oldest = this.#seen.keys().next().value;
      if (oldest === undefined) break;
      this.#seen.delete(oldest);
    }
    return true;
  }

  async release(deliveryId: string): Promise<void> {
    this.#seen.delete(deliveryId);
  }
}
