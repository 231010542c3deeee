/** SQL of webhook deliveries: GitHub redelivers, so each delivery id is processed once. */
import type { Executor } from './database.ts';
import { table } from './identifiers.ts';

/** Records a delivery; true the first time the id is seen, false for a redelivery. */
export async function recordDelivery(
  ex: Executor,
  deliveryId: string,
  event: string,
  now: Date,
): Promise<boolean> {
  const { rowCount } = await ex.query(
    `INSERT INTO ${table(ex, 'webhook_deliveries')} (delivery_id, event, received_at) VALUES ($1, $2, $3)
     ON CONFLICT (delivery_id) DO NOTHING`,
    [deliveryId, event, now],
  );
  return rowCount > 0;
}

/** Marks a delivery processed; true when it was recorded and not processed yet. */
export async function markDeliveryProcessed(ex: Executor, deliveryId: string, now: Date): Promise<boolean> {
  const { rowCount } = await ex.query(
    `UPDATE ${table(ex, 'webhook_deliveries')} SET processed_at = $2 WHERE delivery_id = $1 AND processed_at IS NULL`,
    [deliveryId, now],
  );
  return rowCount > 0;
}

export async function purgeDeliveries(ex: Executor, before: Date): Promise<number> {
  const { rowCount } = await ex.query(
    `DELETE FROM ${table(ex, 'webhook_deliveries')} WHERE received_at < $1`,
    [before],
  );
  return rowCount;
}
