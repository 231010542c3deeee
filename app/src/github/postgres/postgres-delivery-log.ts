/**
 * `DeliveryLog` on the database (the inbox of sql/0007_delivery_inbox.sql): a webhook delivery id
 * is claimed once (atomically, across replicas) within the retention window — a day by default,
 * like the in-memory log; its payload is kept until it is processed. Old rows go with
 * `purgeDeliveries`.
 */

import type { Executor } from '../../storage/database.ts';
import {
  claimDelivery,
  completeDelivery,
  extendDeliveries,
  failDelivery,
  receivedDeliveries,
  takeUnfinishedDeliveries,
} from '../../storage/delivery-claims.ts';
import { type Delivery, type DeliveryLog, MAX_DELIVERY_ATTEMPTS } from '../ports.ts';

export interface PostgresDeliveryLogOptions {
  /** How long a claimed id stays taken (default 24 hours). */
  ttlMs?: number;
  now?: () => number;
}

/** How long a claimed delivery id stays taken by default; retention purges rows older than this. */
export const DELIVERY_TTL_MS = 24 * 60 * 60 * 1000;

export class PostgresDeliveryLog implements DeliveryLog {
  readonly #db: Executor;
  readonly #ttlMs: number;
  readonly #now: () => number;

  constructor(db: Executor, options: PostgresDeliveryLogOptions = {}) {
    this.#db = db;
    this.#ttlMs = options.ttlMs ?? DELIVERY_TTL_MS;
    this.#now = options.now ?? Date.now;
  }

  claim(delivery: Delivery, leaseMs: number): Promise<boolean> {
    const now = this.#now();
    return claimDelivery(
      this.#db,
      delivery,
      new Date(now),
      new Date(now + leaseMs),
      new Date(now - this.#ttlMs),
    );
  }

  extend(ids: readonly string[], leaseMs: number): Promise<void> {
    return extendDeliveries(this.#db, ids, new Date(this.#now() + leaseMs));
  }

  complete(id: string): Promise<void> {
    return completeDelivery(this.#db, id, new Date(this.#now()));
  }

  fail(id: string, retryMs: number, error: string): Promise<void> {
    return failDelivery(this.#db, id, new Date(this.#now() + retryMs), error, MAX_DELIVERY_ATTEMPTS);
  }

  takeUnfinished(limit: number, leaseMs: number): Promise<Array<Delivery & { attempts: number }>> {
    const now = this.#now();
    return takeUnfinishedDeliveries(this.#db, new Date(now), new Date(now + leaseMs), limit);
  }

  received(ids: readonly string[]): Promise<Set<string>> {
    return receivedDeliveries(this.#db, ids, new Date(this.#now() - this.#ttlMs));
  }
}
