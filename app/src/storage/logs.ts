/** SQL of execution logs: batched appends (a runner streams many lines) and ordered reads by cursor. */
import type { Executor } from './database.ts';
import { table } from './identifiers.ts';

export const LOG_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface NewLog {
  executionId: string;
  taskRunId?: string | undefined;
  taskId?: string | undefined;
  attempt?: number | undefined;
  level: LogLevel;
  message: string;
  ts: Date;
}

export interface LogRow {
  /** Increasing per database; a cursor for "lines after this one". */
  id: number;
  executionId: string;
  taskRunId: string | null;
  taskId: string | null;
  attempt: number | null;
  level: LogLevel;
  message: string;
  ts: Date;
}

/** A line as the JSON element `appendLogsSql` reads. */
export function logPayload(l: NewLog): Record<string, unknown> {
  return {
    execution_id: l.executionId,
    task_run_id: l.taskRunId ?? null,
    task_id: l.taskId ?? null,
    attempt: l.attempt ?? null,
    level: l.level,
    message: l.message,
    ts: l.ts.toISOString(),
  };
}

/**
 * The INSERT of the lines of the JSON array `source` (elements of `logPayload`), in order, keeping
 * only the elements for which `where` (over `x.e`) holds.
 */
export function appendLogsSql(ex: Executor, source: string, where = 'true'): string {
  return `INSERT INTO ${table(ex, 'logs')} (execution_id, task_run_id, task_id, attempt, level, message, ts)
     SELECT e->>'execution_id', e->>'task_run_id', e->>'task_id', (e->>'attempt')::integer, e->>'level', e->>'message',
            (e->>'ts')::timestamptz
       FROM jsonb_array_elements(${source}) WITH ORDINALITY AS x(e, n)
      WHERE ${where}
      ORDER BY n`;
}

/** Appends lines in one statement, in order. */
export async function appendLogs(ex: Executor, lines: readonly NewLog[]): Promise<void> {
  if (lines.length === 0) return;
  await ex.query(appendLogsSql(ex, '$1::jsonb'), [JSON.stringify(lines.map(logPayload))]);
}

export interface LogQuery {
  /** Only lines after this cursor. */
  afterId?: number | undefined;
  taskRunId?: string | undefined;
  /** Lowest level included (INFO includes WARN and ERROR). */
  minLevel?: LogLevel | undefined;
  limit?: number | undefined;
}

export async function executionLogs(
  ex: Executor,
  executionId: string,
  query: LogQuery = {},
): Promise<LogRow[]> {
  const min = LOG_LEVELS.indexOf(query.minLevel ?? 'TRACE');
  const { rows } = await ex.query<Record<string, unknown>>(
    `SELECT id::text AS id, execution_id AS "executionId", task_run_id AS "taskRunId", task_id AS "taskId", attempt,
            level, message, ts
       FROM ${table(ex, 'logs')}
      WHERE execution_id = $1 AND id > $2
        AND ($3::text IS NULL OR task_run_id = $3)
        AND level = ANY($4::text[])
      ORDER BY id
      LIMIT $5`,
    [executionId, query.afterId ?? 0, query.taskRunId ?? null, LOG_LEVELS.slice(min), query.limit ?? 10_000],
  );
  return rows.map((r) => ({ ...(r as unknown as LogRow), id: Number(r.id) }));
}

/** Deletes lines older than `before`; returns how many. */
export async function purgeLogs(ex: Executor, before: Date): Promise<number> {
  const { rowCount } = await ex.query(`DELETE FROM ${table(ex, 'logs')} WHERE ts < $1`, [before]);
  return rowCount;
}

/** A log line with the flow it belongs to, as a log shipper exports it. */
export interface ShippableLog extends LogRow {
  namespace: string;
  flowId: string;
}

export interface ShippableLogQuery {
  /** Only lines after this cursor (the shipper's offset). */
  afterId: number;
  /** On a first run (no offset): lines logged since then. */
  since?: Date | undefined;
  minLevel: LogLevel;
  /** This namespace and those under it. */
  namespace?: string | undefined;
  flowId?: string | undefined;
  executionId?: string | undefined;
  /** Only lines written at least this long ago, so a slow transaction's lines are not skipped. */
  settledMs: number;
  limit: number;
}

/** Every execution's lines after a cursor, oldest first: what log shippers read. */
export async function shippableLogs(ex: Executor, q: ShippableLogQuery): Promise<ShippableLog[]> {
  const min = LOG_LEVELS.indexOf(q.minLevel);
  const { rows } = await ex.query<Record<string, unknown>>(
    `SELECT l.id::text AS id, l.execution_id AS "executionId", l.task_run_id AS "taskRunId", l.task_id AS "taskId",
            l.attempt, l.level, l.message, l.ts, e.namespace, e.flow_id AS "flowId"
       FROM ${table(ex, 'logs')} l JOIN ${table(ex, 'executions')} e ON e.id = l.execution_id
      WHERE l.id > $1
        AND ($2::timestamptz IS NULL OR l.ts >= $2)
        AND l.level = ANY($3::text[])
        AND ($4::text IS NULL OR e.namespace = $4 OR e.namespace LIKE $4 || '.%')
        AND ($5::text IS NULL OR e.flow_id = $5)
        AND ($6::text IS NULL OR l.execution_id = $6)
        AND l.written_at <= now() - make_interval(secs => $7::integer / 1000.0)
      ORDER BY l.id
      LIMIT $8`,
    [
      q.afterId,
      q.since ?? null,
      LOG_LEVELS.slice(min),
      q.namespace ?? null,
      q.flowId ?? null,
      q.executionId ?? null,
      q.settledMs,
      q.limit,
    ],
  );
  return rows.map((r) => ({ ...(r as unknown as ShippableLog), id: Number(r.id) }));
}

/** Which lines `PurgeLogs` deletes: written in [`startDate`, `endDate`). */
export interface LogPurgeFilter {
  /** Lines of executions of these namespaces and those under them (any when absent). */
  namespaces?: readonly string[] | undefined;
  /** Lines of one flow of `namespaces[0]` exactly. */
  flowId?: string | undefined;
  executionId?: string | undefined;
  /** Only executions among these (PurgeExecutions' `purgeLog` on executions it keeps). */
  executionIds?: readonly string[] | undefined;
  levels?: readonly LogLevel[] | undefined;
  startDate?: Date | undefined;
  endDate?: Date | undefined;
}

/** Deletes the lines matching `f`; returns how many. */
export async function purgeMatchingLogs(ex: Executor, f: LogPurgeFilter): Promise<number> {
  const { rowCount } = await ex.query(
    `DELETE FROM ${table(ex, 'logs')} l USING ${table(ex, 'executions')} e
      WHERE e.id = l.execution_id
        AND ($1::timestamptz IS NULL OR l.ts < $1) AND ($2::timestamptz IS NULL OR l.ts >= $2)
        AND ($3::text[] IS NULL OR EXISTS (
              SELECT 1 FROM unnest($3::text[]) AS s(ns)
               WHERE e.namespace = s.ns OR ($4::text IS NULL AND starts_with(e.namespace, s.ns || '.'))))
        AND ($4::text IS NULL OR e.flow_id = $4)
        AND ($5::text IS NULL OR l.execution_id = $5)
        AND ($6::text[] IS NULL OR l.execution_id = ANY($6::text[]))
        AND ($7::text[] IS NULL OR l.level = ANY($7::text[]))`,
    [
      f.endDate ?? null,
      f.startDate ?? null,
      f.namespaces ?? null,
      f.flowId ?? null,
      f.executionId ?? null,
      f.executionIds ?? null,
      f.levels ?? null,
    ],
  );
  return rowCount;
}
