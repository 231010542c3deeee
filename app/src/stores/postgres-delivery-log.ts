/**
 * `DeliveryLog` on the database: a webhook delivery id is claimed once (atomically, across
 * replicas) within the retention window — a day by default, like the in-memory log. Old rows are
 * deleted by `purgeDeliveries` of `storage/webhooks.ts`.
 */
import type { DeliveryLog } from '../github/ports.ts';
import type { Executor } from '../storage/database.ts';
import { claimDelivery, releaseDelivery } from '../storage/delivery-claims.ts';

export interface PostgresDeliveryLogOptions {
  /** How long a claimed id stays taken (default 24 hours). */
  ttlMs?: number;
  now?: () => number;
}

export class PostgresDeliveryLog implements DeliveryLog {
  readonly #db: Executor;
  readonly #ttlMs: number;
  readonly #now: () => number;

  constructor(db: Executor, options: PostgresDeliveryLogOptions = {}) {
    this.#db = db;
    this.#ttlMs = options.ttlMs ?? 24 * 60 * 60 * 1000;
    this.#now = options.now ?? Date.now;
  }

  claim(deliveryId: string, event = 'unknown'): Promise<boolean> {
    const now = this.#now();
    return claimDelivery(this.#db, deliveryId, event, new Date(now), new Date(now - this.#ttlMs));
  }

  release(deliveryId: string): Promise<void> {
    return releaseDelivery(this.#db, deliveryId);
  }
}
