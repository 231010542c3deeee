/**
 * SQL of the trigger outbox (`trigger_starts`, see sql/0006_trigger_starts.sql): starts written in
 * the trigger's transaction, claimed by a relay for a lease, deleted once the execution exists.
 */
import type { Executor } from './database.ts';
import { table } from './identifiers.ts';

export interface TriggerStartRow {
  id: string;
  namespace: string;
  flowId: string;
  triggerId: string;
  trig: unknown;
  request: unknown;
  createdAt: Date;
  attempts: number;
}

const COLUMNS = `id, namespace, flow_id AS "flowId", trigger_id AS "triggerId", trig, request,
  created_at AS "createdAt", attempts`;

export async function insertTriggerStart(
  ex: Executor,
  row: Omit<TriggerStartRow, 'attempts'>,
): Promise<void> {
  await ex.query(
    `INSERT INTO ${table(ex, 'trigger_starts')} (id, namespace, flow_id, trigger_id, trig, request, created_at)
     VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7)`,
    [
      row.id,
      row.namespace,
      row.flowId,
      row.triggerId,
      JSON.stringify(row.trig),
      JSON.stringify(row.request),
      row.createdAt,
    ],
  );
}

/** Takes up to `limit` free (or abandoned) starts, oldest first, for this relay until `until`. */
export async function claimTriggerStarts(
  ex: Executor,
  now: Date,
  until: Date,
  limit: number,
): Promise<TriggerStartRow[]> {
  const { rows } = await ex.query<TriggerStartRow & Record<string, unknown>>(
    `UPDATE ${table(ex, 'trigger_starts')} SET claimed_until = $2
     WHERE id IN (
       SELECT id FROM ${table(ex, 'trigger_starts')}
       WHERE claimed_until IS NULL OR claimed_until <= $1
       ORDER BY created_at, id LIMIT $3 FOR UPDATE SKIP LOCKED)
     RETURNING ${COLUMNS}`,
    [now, until, limit],
  );
  return rows.sort((a, b) => new Date(a.createdAt).getTime() - new Date(b.createdAt).getTime());
}

export async function deleteTriggerStart(ex: Executor, id: string): Promise<void> {
  await ex.query(`DELETE FROM ${table(ex, 'trigger_starts')} WHERE id = $1`, [id]);
}

/** Whether the outbox holds the start with this id (its execution does not exist yet). */
export async function isTriggerStartHeld(ex: Executor, id: string): Promise<boolean> {
  const { rows } = await ex.query(`SELECT 1 FROM ${table(ex, 'trigger_starts')} WHERE id = $1`, [id]);
  return rows.length > 0;
}

/** A start that failed for a passing reason (database, network): tried again from `retryAt`. */
export async function postponeTriggerStart(
  ex: Executor,
  id: string,
  retryAt: Date,
  error: string,
): Promise<void> {
  await ex.query(
    `UPDATE ${table(ex, 'trigger_starts')} SET claimed_until = $2, attempts = attempts + 1, last_error = $3 WHERE id = $1`,
    [id, retryAt, error],
  );
}

/** When the earliest claimed start's lease ends (a relay that died holding it), if any. */
export async function nextTriggerStartRetry(ex: Executor): Promise<Date | undefined> {
  const { rows } = await ex.query<{ at: Date | null }>(
    `SELECT min(claimed_until) AS at FROM ${table(ex, 'trigger_starts')}`,
  );
  return rows[0]?.at ?? undefined;
}
