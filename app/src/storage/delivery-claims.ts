/**
 * SQL of the GitHub App's `DeliveryLog` on the `webhook_deliveries` table: a delivery id is claimed
 * once within the retention window, atomically, so two replicas receiving the same redelivery
 * cannot both process it.
 */
import type { Executor } from './database.ts';
import { table } from './identifiers.ts';

/**
 * True when this call took the id: it was unknown, or its last claim is older than `claimedBefore`
 * (retention passed). A concurrent claimer of the same id waits on the row and then finds it taken.
 */
export async function claimDelivery(
  ex: Executor,
  deliveryId: string,
  event: string,
  now: Date,
  claimedBefore: Date,
): Promise<boolean> {
  const { rowCount } = await ex.query(
    `INSERT INTO ${table(ex, 'webhook_deliveries')} AS d (delivery_id, event, received_at) VALUES ($1, $2, $3)
     ON CONFLICT (delivery_id) DO UPDATE
       SET event = EXCLUDED.event, received_at = EXCLUDED.received_at, processed_at = NULL
       WHERE d.received_at < $4`,
    [deliveryId, event, now, claimedBefore],
  );
  return rowCount > 0;
}

/** Forgets a claim (processing failed), so a redelivery is processed again. */
export async function releaseDelivery(ex: Executor, deliveryId: string): Promise<void> {
  await ex.query(`DELETE FROM ${table(ex, 'webhook_deliveries')} WHERE delivery_id = $1`, [deliveryId]);
}
