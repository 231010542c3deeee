/**
 * SQL of the GitHub App's delivery inbox (`webhook_deliveries`, see sql/0007_delivery_inbox.sql):
 * a delivery id is claimed once, atomically across replicas, with its payload; the claim is a
 * lease renewed while processing; processed deliveries keep their id (without payload) for the
 * retention window so that a redelivery is recognised.
 */
import type { Executor } from './database.ts';
import { table } from './identifiers.ts';

export interface StoredDelivery {
  id: string;
  name: string;
  payload: unknown;
  attempts: number;
}

/**
 * True when this call took the id: it was unknown, its last claim is older than `claimedBefore`
 * (retention passed), or its processing ended unfinished (lease lapsed), or failed (a redelivery is
 * processed at once, not after the retry delay; given up ones too). A concurrent claimer of the
 * same id waits on the row and then finds it taken.
 */
export async function claimDelivery(
  ex: Executor,
  delivery: { id: string; name: string; payload: unknown },
  now: Date,
  leaseUntil: Date,
  claimedBefore: Date,
): Promise<boolean> {
  const { rowCount } = await ex.query(
    `INSERT INTO ${table(ex, 'webhook_deliveries')} AS d (delivery_id, event, received_at, payload, lease_until)
     VALUES ($1, $2, $3, $4::jsonb, $5)
     ON CONFLICT (delivery_id) DO UPDATE
       SET event = EXCLUDED.event, received_at = EXCLUDED.received_at, processed_at = NULL,
           payload = EXCLUDED.payload, lease_until = EXCLUDED.lease_until,
           attempts = CASE WHEN d.received_at < $6 THEN 0 ELSE d.attempts END
       WHERE d.received_at < $6
          OR (d.processed_at IS NULL AND (d.lease_until IS NULL OR d.lease_until <= $3 OR d.attempts > 0))`,
    [delivery.id, delivery.name, now, JSON.stringify(delivery.payload), leaseUntil, claimedBefore],
  );
  return rowCount > 0;
}

/** Processing goes on: the claims are kept until `leaseUntil`. */
export async function extendDeliveries(
  ex: Executor,
  ids: readonly string[],
  leaseUntil: Date,
): Promise<void> {
  await ex.query(
    `UPDATE ${table(ex, 'webhook_deliveries')} SET lease_until = $2
     WHERE delivery_id = ANY($1::text[]) AND processed_at IS NULL AND lease_until IS NOT NULL`,
    [ids, leaseUntil],
  );
}

/** Processed: the payload goes, the id stays taken. */
export async function completeDelivery(ex: Executor, id: string, now: Date): Promise<void> {
  await ex.query(
    `UPDATE ${table(ex, 'webhook_deliveries')} SET processed_at = $2, payload = NULL, lease_until = NULL
     WHERE delivery_id = $1`,
    [id, now],
  );
}

/**
 * Processing failed: claimable again from `retryAt` (by a redelivery or by `takeUnfinishedDeliveries`);
 * after `maxAttempts` failures, kept unclaimable (lease_until NULL) with its last error.
 */
export async function failDelivery(
  ex: Executor,
  id: string,
  retryAt: Date,
  error: string,
  maxAttempts: number,
): Promise<void> {
  await ex.query(
    `UPDATE ${table(ex, 'webhook_deliveries')}
     SET attempts = attempts + 1, last_error = $3,
         lease_until = CASE WHEN attempts + 1 >= $4 THEN NULL ELSE $2::timestamptz END
     WHERE delivery_id = $1 AND processed_at IS NULL`,
    [id, retryAt, error, maxAttempts],
  );
}

/** Claims up to `limit` deliveries whose processing ended unfinished (a dead replica, a failure). */
export async function takeUnfinishedDeliveries(
  ex: Executor,
  now: Date,
  leaseUntil: Date,
  limit: number,
): Promise<StoredDelivery[]> {
  const { rows } = await ex.query<StoredDelivery & Record<string, unknown>>(
    `UPDATE ${table(ex, 'webhook_deliveries')} SET lease_until = $2
     WHERE delivery_id IN (
       SELECT delivery_id FROM ${table(ex, 'webhook_deliveries')}
       WHERE processed_at IS NULL AND lease_until IS NOT NULL AND lease_until <= $1 AND payload IS NOT NULL
       ORDER BY received_at LIMIT $3 FOR UPDATE SKIP LOCKED)
     RETURNING delivery_id AS id, event AS name, payload, attempts`,
    [now, leaseUntil, limit],
  );
  return rows;
}

/** The ids among `ids` that were received (processed or not) since `since`. */
export async function receivedDeliveries(
  ex: Executor,
  ids: readonly string[],
  since: Date,
): Promise<Set<string>> {
  const { rows } = await ex.query<{ id: string }>(
    `SELECT delivery_id AS id FROM ${table(ex, 'webhook_deliveries')}
     WHERE delivery_id = ANY($1::text[]) AND received_at >= $2`,
    [ids, since],
  );
  return new Set(rows.map((r) => r.id));
}

/** Forgets deliveries received before `before` (retention). */
export async function purgeDeliveries(ex: Executor, before: Date): Promise<number> {
  const { rowCount } = await ex.query(
    `DELETE FROM ${table(ex, 'webhook_deliveries')} WHERE received_at < $1 AND (processed_at IS NOT NULL OR lease_until IS NULL)`,
    [before],
  );
  return rowCount;
}
