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

/** Appends lines in one statement, in order. */
export async function appendLogs(ex: Executor, lines: readonly NewLog[]): Promise<void> {
  if (lines.length === 0) return;
  const payload = lines.map((l) => ({
    execution_id: l.executionId,
    task_run_id: l.taskRunId ?? null,
    task_id: l.taskId ?? null,
    attempt: l.attempt ?? null,
    level: l.level,
    message: l.message,
    ts: l.ts.toISOString(),
  }));
  await ex.query(
    `INSERT INTO ${table(ex, 'logs')} (execution_id, task_run_id, task_id, attempt, level, message, ts)
     SELECT e->>'execution_id', e->>'task_run_id', e->>'task_id', (e->>'attempt')::integer, e->>'level', e->>'message',
            (e->>'ts')::timestamptz
       FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS x(e, n)
      ORDER BY n`,
    [JSON.stringify(payload)],
  );
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
