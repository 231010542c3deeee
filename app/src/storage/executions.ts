/**
 * Retention of the `executions` table: ended executions past the cutoff go, with their logs (by
 * cascade). The durable engine's reads and writes of executions are in `execution-steps.ts`.
 */
import type { Executor } from './database.ts';
import { table } from './identifiers.ts';

/** An execution `purgeExecutions` deleted: where its internal-storage files are. */
export type PurgedExecution = {
  id: string;
  namespace: string;
  flowId: string;
};

/**
 * Deletes up to `limit` executions that ended before `before`, oldest first, with (by cascade) their
 * logs, task jobs and affinities, and their check-run links; returns them (their files go next).
 */
export async function purgeExecutions(ex: Executor, before: Date, limit = 1000): Promise<PurgedExecution[]> {
  const executions = table(ex, 'executions');
  const { rows } = await ex.query<PurgedExecution>(
    `WITH gone AS (
       DELETE FROM ${executions} WHERE id IN (
         SELECT id FROM ${executions} WHERE ended_at IS NOT NULL AND ended_at < $1 ORDER BY ended_at LIMIT $2)
       RETURNING id, namespace, flow_id AS "flowId"),
     links AS (DELETE FROM ${table(ex, 'check_run_links')} WHERE execution_id IN (SELECT id FROM gone)),
     reporters AS (DELETE FROM ${table(ex, 'check_run_reporters')} WHERE execution_id IN (SELECT id FROM gone))
     SELECT id, namespace, "flowId" FROM gone`,
    [before, limit],
  );
  return rows;
}

/** Which executions `PurgeExecutions` deletes: ended ones, started in [`startDate`, `endDate`). */
export interface ExecutionPurgeFilter {
  /** These namespaces and those under them (any of them when absent). */
  namespaces?: readonly string[] | undefined;
  /** One flow of `namespaces[0]` exactly. */
  flowId?: string | undefined;
  startDate?: Date | undefined;
  endDate: Date;
  states?: readonly string[] | undefined;
}

/** An ended execution matching the filter, with where to read the next page from. */
export type PurgeableExecution = PurgedExecution & { createdAt: Date };

const IN_NAMESPACES = (n: number, f: number) => `($${n}::text[] IS NULL OR EXISTS (
  SELECT 1 FROM unnest($${n}::text[]) AS s(ns)
   WHERE namespace = s.ns OR ($${f}::text IS NULL AND starts_with(namespace, s.ns || '.'))))`;

/** Up to `limit` ended executions matching `f` after the keyset `after`, oldest first. */
export async function purgeableExecutions(
  ex: Executor,
  f: ExecutionPurgeFilter,
  limit: number,
  after?: { createdAt: Date; id: string },
): Promise<PurgeableExecution[]> {
  const { rows } = await ex.query<PurgeableExecution>(
    `SELECT id, namespace, flow_id AS "flowId", created_at AS "createdAt"
       FROM ${table(ex, 'executions')}
      WHERE ended_at IS NOT NULL
        AND created_at < $1 AND ($2::timestamptz IS NULL OR created_at >= $2)
        AND ${IN_NAMESPACES(3, 4)}
        AND ($4::text IS NULL OR flow_id = $4)
        AND ($5::text[] IS NULL OR state = ANY($5::text[]))
        AND ($6::timestamptz IS NULL OR (created_at, id) > ($6, $7))
      ORDER BY created_at, id
      LIMIT $8`,
    [
      f.endDate,
      f.startDate ?? null,
      f.namespaces ?? null,
      f.flowId ?? null,
      f.states ?? null,
      after?.createdAt ?? null,
      after?.id ?? '',
      limit,
    ],
  );
  return rows;
}

/** Deletes these ended executions with (by cascade) their logs, task jobs and check-run links. */
export async function deleteEndedExecutions(ex: Executor, ids: readonly string[]): Promise<number> {
  const executions = table(ex, 'executions');
  const { rows } = await ex.query<{ n: number }>(
    `WITH gone AS (DELETE FROM ${executions} WHERE id = ANY($1::text[]) AND ended_at IS NOT NULL RETURNING id),
     links AS (DELETE FROM ${table(ex, 'check_run_links')} WHERE execution_id IN (SELECT id FROM gone)),
     reporters AS (DELETE FROM ${table(ex, 'check_run_reporters')} WHERE execution_id IN (SELECT id FROM gone))
     SELECT count(*)::int AS n FROM gone`,
    [ids],
  );
  return rows[0]?.n ?? 0;
}
