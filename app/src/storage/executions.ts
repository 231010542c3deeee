/**
 * SQL of executions. The execution (task runs included) is stored whole as JSONB and replaced whole
 * under a version check: the engine computes a new execution from the old one, so a concurrent step
 * on the same execution is detected (`updateExecution` returns undefined) instead of lost. Task
 * runs are not normalised into their own table: nothing queries them across executions, and one
 * document keeps every step a single-row write.
 */
import type { Executor } from './database.ts';
import { table } from './identifiers.ts';

export interface ExecutionRow<D = unknown> {
  id: string;
  namespace: string;
  flowId: string;
  flowRevision: number | null;
  state: string;
  repository: string | null;
  sha: string | null;
  parentId: string | null;
  document: D;
  version: number;
  createdAt: Date;
  updatedAt: Date;
  endedAt: Date | null;
}

const COLUMNS = `id, namespace, flow_id AS "flowId", flow_revision AS "flowRevision", state, repository, sha,
  parent_id AS "parentId", document, version, created_at AS "createdAt", updated_at AS "updatedAt", ended_at AS "endedAt"`;

export interface NewExecution<D = unknown> {
  id: string;
  namespace: string;
  flowId: string;
  flowRevision?: number | undefined;
  state: string;
  repository?: string | undefined;
  sha?: string | undefined;
  parentId?: string | undefined;
  document: D;
  endedAt?: Date | undefined;
}

/** Inserts an execution at version 1. */
export async function insertExecution<D>(ex: Executor, execution: NewExecution<D>, now: Date): Promise<void> {
  await ex.query(
    `INSERT INTO ${table(ex, 'executions')}
       (id, namespace, flow_id, flow_revision, state, repository, sha, parent_id, document, version, created_at, updated_at, ended_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, 1, $10, $10, $11)`,
    [
      execution.id,
      execution.namespace,
      execution.flowId,
      execution.flowRevision ?? null,
      execution.state,
      execution.repository ?? null,
      execution.sha ?? null,
      execution.parentId ?? null,
      JSON.stringify(execution.document),
      now,
      execution.endedAt ?? null,
    ],
  );
}

export async function getExecution<D = unknown>(
  ex: Executor,
  id: string,
  options: { forUpdate?: boolean } = {},
): Promise<ExecutionRow<D> | undefined> {
  const { rows } = await ex.query<ExecutionRow<D> & Record<string, unknown>>(
    `SELECT ${COLUMNS} FROM ${table(ex, 'executions')} WHERE id = $1${options.forUpdate === true ? ' FOR UPDATE' : ''}`,
    [id],
  );
  return rows[0];
}

export interface ExecutionUpdate<D = unknown> {
  id: string;
  /** The version read; the update happens only if nobody wrote since. */
  expectedVersion: number;
  state: string;
  document: D;
  endedAt?: Date | undefined;
}

/** Replaces the document; returns the new version, or undefined when the version moved on. */
export async function updateExecution<D>(
  ex: Executor,
  update: ExecutionUpdate<D>,
  now: Date,
): Promise<number | undefined> {
  const { rows } = await ex.query<{ version: number }>(
    `UPDATE ${table(ex, 'executions')}
        SET state = $3, document = $4::jsonb, version = version + 1, updated_at = $5, ended_at = $6
      WHERE id = $1 AND version = $2
      RETURNING version`,
    [
      update.id,
      update.expectedVersion,
      update.state,
      JSON.stringify(update.document),
      now,
      update.endedAt ?? null,
    ],
  );
  return rows[0]?.version;
}

export interface ExecutionFilter {
  namespace?: string | undefined;
  flowId?: string | undefined;
  states?: readonly string[] | undefined;
  /** Only executions not ended yet. */
  unfinished?: boolean | undefined;
  /** Created strictly before (paging, newest first). */
  before?: Date | undefined;
  limit?: number | undefined;
}

/** Newest first, without the documents' task runs trimmed: callers page with `before` + `limit`. */
export async function listExecutions<D = unknown>(
  ex: Executor,
  filter: ExecutionFilter = {},
): Promise<ExecutionRow<D>[]> {
  const { rows } = await ex.query<ExecutionRow<D> & Record<string, unknown>>(
    `SELECT ${COLUMNS} FROM ${table(ex, 'executions')}
      WHERE ($1::text IS NULL OR namespace = $1)
        AND ($2::text IS NULL OR flow_id = $2)
        AND ($3::text[] IS NULL OR state = ANY($3::text[]))
        AND (NOT $4 OR ended_at IS NULL)
        AND ($5::timestamptz IS NULL OR created_at < $5)
      ORDER BY created_at DESC, id DESC
      LIMIT $6`,
    [
      filter.namespace ?? null,
      filter.flowId ?? null,
      filter.states === undefined ? null : [...filter.states],
      filter.unfinished ?? false,
      filter.before ?? null,
      filter.limit ?? 100,
    ],
  );
  return rows;
}

/** How many executions of a flow are not ended (concurrency limits). */
export async function countUnfinished(ex: Executor, namespace: string, flowId: string): Promise<number> {
  const { rows } = await ex.query<{ count: number }>(
    `SELECT count(*)::int AS count FROM ${table(ex, 'executions')} WHERE namespace = $1 AND flow_id = $2 AND ended_at IS NULL`,
    [namespace, flowId],
  );
  return rows[0]?.count ?? 0;
}

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
