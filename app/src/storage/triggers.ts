/** SQL of trigger state: what each trigger of each flow remembers between evaluations. */
import type { Executor } from './database.ts';
import { table } from './identifiers.ts';

export interface TriggerStateRow<S = Record<string, unknown>> {
  namespace: string;
  flowId: string;
  triggerId: string;
  state: S;
  nextFireAt: Date | null;
  disabled: boolean;
  updatedAt: Date;
}

const COLUMNS = `namespace, flow_id AS "flowId", trigger_id AS "triggerId", state, next_fire_at AS "nextFireAt",
  disabled, updated_at AS "updatedAt"`;

export interface TriggerKey {
  namespace: string;
  flowId: string;
  triggerId: string;
}

export async function getTriggerState<S = Record<string, unknown>>(
  ex: Executor,
  key: TriggerKey,
  options: { forUpdate?: boolean } = {},
): Promise<TriggerStateRow<S> | undefined> {
  const { rows } = await ex.query<TriggerStateRow<S> & Record<string, unknown>>(
    `SELECT ${COLUMNS} FROM ${table(ex, 'trigger_state')} WHERE namespace = $1 AND flow_id = $2 AND trigger_id = $3${
      options.forUpdate === true ? ' FOR UPDATE' : ''
    }`,
    [key.namespace, key.flowId, key.triggerId],
  );
  return rows[0];
}

export async function putTriggerState<S>(
  ex: Executor,
  key: TriggerKey,
  value: { state: S; nextFireAt?: Date | null | undefined; disabled?: boolean | undefined },
  now: Date,
): Promise<void> {
  await ex.query(
    `INSERT INTO ${table(ex, 'trigger_state')} (namespace, flow_id, trigger_id, state, next_fire_at, disabled, updated_at)
     VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7)
     ON CONFLICT (namespace, flow_id, trigger_id) DO UPDATE
       SET state = EXCLUDED.state, next_fire_at = EXCLUDED.next_fire_at, disabled = EXCLUDED.disabled, updated_at = EXCLUDED.updated_at`,
    [
      key.namespace,
      key.flowId,
      key.triggerId,
      JSON.stringify(value.state),
      value.nextFireAt ?? null,
      value.disabled ?? false,
      now,
    ],
  );
}

/**
 * Triggers due at `now`, locked for the caller's transaction; rows another replica has locked are
 * skipped, so replicas evaluating at once split the work.
 */
export async function claimDueTriggers<S = Record<string, unknown>>(
  ex: Executor,
  now: Date,
  limit: number,
): Promise<TriggerStateRow<S>[]> {
  const { rows } = await ex.query<TriggerStateRow<S> & Record<string, unknown>>(
    `SELECT ${COLUMNS} FROM ${table(ex, 'trigger_state')}
      WHERE NOT disabled AND next_fire_at IS NOT NULL AND next_fire_at <= $1
      ORDER BY next_fire_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
    [now, limit],
  );
  return rows;
}

/** Removes the state of a flow's triggers not in `keep` (triggers removed from the flow). */
export async function deleteTriggerStates(
  ex: Executor,
  namespace: string,
  flowId: string,
  keep: readonly string[] = [],
): Promise<number> {
  const { rowCount } = await ex.query(
    `DELETE FROM ${table(ex, 'trigger_state')} WHERE namespace = $1 AND flow_id = $2 AND NOT (trigger_id = ANY($3::text[]))`,
    [namespace, flowId, [...keep]],
  );
  return rowCount;
}
