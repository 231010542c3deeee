/** SQL of the audit log: who did what, when and from where. Rows are append-only. */
import type { Executor } from './database.ts';
import { table } from './identifiers.ts';

export interface NewAuditEntry {
  at: Date;
  /** `admin`, `api` (a named token), `user` (an app visitor signed in), `anonymous`. */
  actorKind: string;
  actorId?: string | undefined;
  actorName?: string | undefined;
  /** CREATE, UPDATE, DELETE, LOGIN, LOGOUT, APPROVE, REJECT, REFUSED. */
  action: string;
  /** EXECUTION, FLOW, KV, SECRET, APP, SESSION, TOKEN, ... */
  resourceType: string;
  resourceId?: string | undefined;
  namespace?: string | undefined;
  method?: string | undefined;
  path?: string | undefined;
  status?: number | undefined;
  ip?: string | undefined;
  userAgent?: string | undefined;
  details?: Record<string, unknown> | undefined;
}

export interface AuditEntry extends Omit<NewAuditEntry, 'at'> {
  id: number;
  at: string;
}

export async function insertAuditEntry(ex: Executor, e: NewAuditEntry): Promise<void> {
  await ex.query(
    `INSERT INTO ${table(ex, 'audit_logs')}
       (at, actor_kind, actor_id, actor_name, action, resource_type, resource_id, namespace, method, path, status, ip, user_agent, details)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
    [
      e.at,
      e.actorKind,
      e.actorId ?? null,
      e.actorName ?? null,
      e.action,
      e.resourceType,
      e.resourceId ?? null,
      e.namespace ?? null,
      e.method ?? null,
      e.path ?? null,
      e.status ?? null,
      e.ip ?? null,
      e.userAgent ?? null,
      e.details === undefined ? null : JSON.stringify(e.details),
    ],
  );
}

export interface AuditQuery {
  actor?: string | undefined;
  action?: string | undefined;
  resourceTypes?: readonly string[] | undefined;
  namespace?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  /** Only entries after this id (a shipper's cursor). */
  afterId?: number | undefined;
  /** Only rows written at least this long ago (a shipper's settle window). */
  settledMs?: number | undefined;
  /** Oldest first when true (shippers); newest first otherwise (the API). */
  ascending?: boolean | undefined;
  limit: number;
  offset?: number | undefined;
}

const COLUMNS = `id::text AS id, at, actor_kind AS "actorKind", actor_id AS "actorId", actor_name AS "actorName", action,
  resource_type AS "resourceType", resource_id AS "resourceId", namespace, method, path, status, ip,
  user_agent AS "userAgent", details`;

export async function queryAuditEntries(
  ex: Executor,
  q: AuditQuery,
): Promise<{ entries: AuditEntry[]; total: number }> {
  const where = `WHERE ($1::text IS NULL OR actor_id = $1 OR actor_name = $1)
       AND ($2::text IS NULL OR action = $2)
       AND ($3::text[] IS NULL OR resource_type = ANY($3::text[]))
       AND ($4::text IS NULL OR namespace = $4 OR namespace LIKE $4 || '.%')
       AND ($5::timestamptz IS NULL OR at >= $5)
       AND ($6::timestamptz IS NULL OR at < $6)
       AND id > $7
       AND ($8::integer IS NULL OR written_at <= now() - make_interval(secs => $8::integer / 1000.0))`;
  const params = [
    q.actor ?? null,
    q.action ?? null,
    q.resourceTypes === undefined || q.resourceTypes.length === 0 ? null : [...q.resourceTypes],
    q.namespace ?? null,
    q.from ?? null,
    q.to ?? null,
    q.afterId ?? 0,
    q.settledMs ?? null,
  ];
  const { rows } = await ex.query<Record<string, unknown>>(
    `SELECT ${COLUMNS} FROM ${table(ex, 'audit_logs')} ${where}
      ORDER BY ${table(ex, 'audit_logs')}.id ${q.ascending === true ? 'ASC' : 'DESC'} LIMIT $9 OFFSET $10`,
    [...params, q.limit, q.offset ?? 0],
  );
  const counted = await ex.query<{ n: string }>(
    `SELECT count(*)::text AS n FROM ${table(ex, 'audit_logs')} ${where}`,
    params,
  );
  return {
    entries: rows.map((r) => {
      const out: Record<string, unknown> = { id: Number(r.id), at: (r.at as Date).toISOString() };
      for (const [k, v] of Object.entries(r)) if (v !== null && k !== 'id' && k !== 'at') out[k] = v;
      return out as unknown as AuditEntry;
    }),
    total: Number(counted.rows[0]?.n ?? 0),
  };
}
