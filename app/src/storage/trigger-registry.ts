/**
 * SQL of the trigger registry: the deployed triggers of each flow (`triggers`) joined with what each
 * remembers between evaluations (`trigger_state`, see triggers.ts). Registration writes both in one
 * transaction; the scheduler locks one trigger's row while it evaluates it.
 */
import type { Executor } from './database.ts';
import { table } from './identifiers.ts';
import type { TriggerKey } from './triggers.ts';

export interface RegisteredTriggerRow {
  namespace: string;
  flowId: string;
  triggerId: string;
  type: string;
  kind: string;
  definition: Record<string, unknown>;
  fingerprint: string;
  repository: string;
  sha: string;
  path: string;
  revision: number;
  disabled: boolean;
  problem: string | null;
  registeredAt: Date;
  /** From trigger_state (NULL when the state row is missing). */
  state: Record<string, unknown> | null;
  nextFireAt: Date | null;
  stopped: boolean | null;
}

const COLUMNS = `t.namespace, t.flow_id AS "flowId", t.trigger_id AS "triggerId", t.type, t.kind, t.definition,
  t.fingerprint, t.repository, t.sha, t.path, t.revision, t.disabled, t.problem, t.registered_at AS "registeredAt",
  s.state, s.next_fire_at AS "nextFireAt", s.disabled AS stopped`;

function from(ex: Executor): string {
  return `${table(ex, 'triggers')} t LEFT JOIN ${table(ex, 'trigger_state')} s USING (namespace, flow_id, trigger_id)`;
}

export interface TriggerRowFilter {
  kind?: string | undefined;
  namespace?: string | undefined;
  flowId?: string | undefined;
}

/**
 * Registered triggers (with their state) matching `filter`. `forUpdate` (namespace and flow id
 * required) first locks the flow's registry rows, then reads: the read sees what a transaction that
 * held the locks just committed.
 */
export async function listRegisteredTriggers(
  ex: Executor,
  filter: TriggerRowFilter = {},
  options: { forUpdate?: boolean } = {},
): Promise<RegisteredTriggerRow[]> {
  if (options.forUpdate === true) {
    if (filter.namespace === undefined || filter.flowId === undefined)
      throw new Error('listRegisteredTriggers: forUpdate locks one flow; pass its namespace and flowId');
    await ex.query(
      `SELECT 1 FROM ${table(ex, 'triggers')} WHERE namespace = $1 AND flow_id = $2 FOR UPDATE`,
      [filter.namespace, filter.flowId],
    );
  }
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (column: string, value: string | undefined) => {
    if (value === undefined) return;
    params.push(value);
    where.push(`${column} = $${params.length}`);
  };
  add('t.kind', filter.kind);
  add('t.namespace', filter.namespace);
  add('t.flow_id', filter.flowId);
  const { rows } = await ex.query<RegisteredTriggerRow & Record<string, unknown>>(
    `SELECT ${COLUMNS} FROM ${from(ex)}${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''}
      ORDER BY t.namespace, t.flow_id, t.trigger_id`,
    params,
  );
  return rows;
}

/**
 * One trigger with its state. `forUpdate` locks its registry row until the transaction ends, then
 * reads in a second statement: under READ COMMITTED, a row read by the locking statement itself
 * could be the version from before the lock wait (the state of a joined table is not re-read).
 */
export async function getRegisteredTrigger(
  ex: Executor,
  key: TriggerKey,
  options: { forUpdate?: boolean } = {},
): Promise<RegisteredTriggerRow | undefined> {
  const params = [key.namespace, key.flowId, key.triggerId];
  if (options.forUpdate === true) {
    const { rowCount } = await ex.query(
      `SELECT 1 FROM ${table(ex, 'triggers')} WHERE namespace = $1 AND flow_id = $2 AND trigger_id = $3 FOR UPDATE`,
      params,
    );
    if (rowCount === 0) return undefined;
  }
  const { rows } = await ex.query<RegisteredTriggerRow & Record<string, unknown>>(
    `SELECT ${COLUMNS} FROM ${from(ex)} WHERE t.namespace = $1 AND t.flow_id = $2 AND t.trigger_id = $3`,
    params,
  );
  return rows[0];
}

export interface RegisterTrigger {
  namespace: string;
  flowId: string;
  triggerId: string;
  type: string;
  kind: string;
  definition: unknown;
  fingerprint: string;
  repository: string;
  sha: string;
  path: string;
  revision: number;
  disabled: boolean;
  problem: string | undefined;
  registeredAt: Date;
}

export async function upsertRegisteredTrigger(ex: Executor, t: RegisterTrigger, now: Date): Promise<void> {
  await ex.query(
    `INSERT INTO ${table(ex, 'triggers')} (namespace, flow_id, trigger_id, type, kind, definition, fingerprint,
       repository, sha, path, revision, disabled, problem, registered_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9, $10, $11, $12, $13, $14, $15)
     ON CONFLICT (namespace, flow_id, trigger_id) DO UPDATE SET
       type = EXCLUDED.type, kind = EXCLUDED.kind, definition = EXCLUDED.definition,
       fingerprint = EXCLUDED.fingerprint, repository = EXCLUDED.repository, sha = EXCLUDED.sha,
       path = EXCLUDED.path, revision = EXCLUDED.revision, disabled = EXCLUDED.disabled,
       problem = EXCLUDED.problem, registered_at = EXCLUDED.registered_at, updated_at = EXCLUDED.updated_at`,
    [
      t.namespace,
      t.flowId,
      t.triggerId,
      t.type,
      t.kind,
      JSON.stringify(t.definition),
      t.fingerprint,
      t.repository,
      t.sha,
      t.path,
      t.revision,
      t.disabled,
      t.problem ?? null,
      t.registeredAt,
      now,
    ],
  );
}

/** Removes a flow's triggers not in `keep`, with their state. */
export async function deleteRegisteredTriggers(
  ex: Executor,
  namespace: string,
  flowId: string,
  keep: readonly string[] = [],
): Promise<number> {
  const params = [namespace, flowId, [...keep]];
  await ex.query(
    `DELETE FROM ${table(ex, 'trigger_state')} WHERE namespace = $1 AND flow_id = $2 AND NOT (trigger_id = ANY($3::text[]))`,
    params,
  );
  const { rowCount } = await ex.query(
    `DELETE FROM ${table(ex, 'triggers')} WHERE namespace = $1 AND flow_id = $2 AND NOT (trigger_id = ANY($3::text[]))`,
    params,
  );
  return rowCount;
}

const ACTIVE = `NOT t.disabled AND t.problem IS NULL AND NOT s.disabled AND s.next_fire_at IS NOT NULL`;

/** Earliest next fire time among active triggers. */
export async function nextTriggerFireAt(ex: Executor): Promise<Date | undefined> {
  const { rows } = await ex.query<{ at: Date | null }>(
    `SELECT min(s.next_fire_at) AS at FROM ${table(ex, 'trigger_state')} s
       JOIN ${table(ex, 'triggers')} t USING (namespace, flow_id, trigger_id) WHERE ${ACTIVE}`,
  );
  return rows[0]?.at ?? undefined;
}

/** Active triggers due at `now`, earliest first. */
export async function dueTriggerKeys(ex: Executor, now: Date, limit: number): Promise<TriggerKey[]> {
  const { rows } = await ex.query<TriggerKey & Record<string, unknown>>(
    `SELECT s.namespace, s.flow_id AS "flowId", s.trigger_id AS "triggerId" FROM ${table(ex, 'trigger_state')} s
       JOIN ${table(ex, 'triggers')} t USING (namespace, flow_id, trigger_id)
      WHERE ${ACTIVE} AND s.next_fire_at <= $1 ORDER BY s.next_fire_at LIMIT $2`,
    [now, limit],
  );
  return rows;
}
