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
