/**
 * Retention of the `executions` table: ended executions past the cutoff go, with their logs (by
 * cascade). The durable engine's reads and writes of executions are in `execution-steps.ts`.
 */
import type { Executor } from './database.ts';
import { table } from './identifiers.ts';

/** Deletes ended executions (and, by cascade, their logs) older than `before`; returns how many. */
export async function purgeExecutions(ex: Executor, before: Date): Promise<number> {
  const { rowCount } = await ex.query(
    `DELETE FROM ${table(ex, 'executions')} WHERE ended_at IS NOT NULL AND ended_at < $1`,
    [before],
  );
  return rowCount;
}
