/** SQL of deployed apps, the executions they started and the approvals and rejections given there. */
import type { Executor } from './database.ts';
import { table } from './identifiers.ts';

export interface AppRow {
  namespace: string;
  id: string;
  flowId: string;
  repository: string;
  sha: string;
  path: string;
  source: string;
  deployedAt: Date;
}

const APP_COLUMNS = `namespace, id, flow_id AS "flowId", repository, sha, path, source, deployed_at AS "deployedAt"`;

/**
 * Replaces the apps of `repository` with `apps` (the whole set a deployment found); apps deployed
 * from a path in `keepPaths` (files that failed validation this time) stay as they were.
 */
export async function replaceApps(
  ex: Executor,
  repository: string,
  apps: readonly Omit<AppRow, 'repository' | 'deployedAt'>[],
  keepPaths: readonly string[],
  now: Date,
): Promise<void> {
  await ex.query(
    `DELETE FROM ${table(ex, 'apps')}
      WHERE repository = $1
        AND NOT (namespace || '/' || id = ANY($2::text[]))
        AND NOT (path = ANY($3::text[]))`,
    [repository, apps.map((a) => `${a.namespace}/${a.id}`), [...keepPaths]],
  );
  for (const a of apps) {
    await ex.query(
      `INSERT INTO ${table(ex, 'apps')} (namespace, id, flow_id, repository, sha, path, source, deployed_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (namespace, id) DO UPDATE
         SET flow_id = EXCLUDED.flow_id, repository = EXCLUDED.repository, sha = EXCLUDED.sha,
             path = EXCLUDED.path, source = EXCLUDED.source, deployed_at = EXCLUDED.deployed_at`,
      [a.namespace, a.id, a.flowId, repository, a.sha, a.path, a.source, now],
    );
  }
}

export async function getApp(ex: Executor, namespace: string, id: string): Promise<AppRow | undefined> {
  const { rows } = await ex.query(
    `SELECT ${APP_COLUMNS} FROM ${table(ex, 'apps')} WHERE namespace = $1 AND id = $2`,
    [namespace, id],
  );
  return rows[0] as AppRow | undefined;
}

export async function listApps(ex: Executor): Promise<AppRow[]> {
  const { rows } = await ex.query(`SELECT ${APP_COLUMNS} FROM ${table(ex, 'apps')} ORDER BY namespace, id`);
  return rows as unknown as AppRow[];
}

export interface AppExecutionRow {
  executionId: string;
  namespace: string;
  appId: string;
  createdBy: string | null;
  createdAt: Date;
}

export async function insertAppExecution(ex: Executor, row: AppExecutionRow): Promise<void> {
  await ex.query(
    `INSERT INTO ${table(ex, 'app_executions')} (execution_id, namespace, app_id, created_by, created_at)
     VALUES ($1, $2, $3, $4, $5) ON CONFLICT (execution_id) DO NOTHING`,
    [row.executionId, row.namespace, row.appId, row.createdBy, row.createdAt],
  );
}

/** The row, locked until the transaction ends when `forUpdate` (decisions count under it). */
export async function getAppExecution(
  ex: Executor,
  executionId: string,
  forUpdate = false,
): Promise<AppExecutionRow | undefined> {
  const { rows } = await ex.query(
    `SELECT execution_id AS "executionId", namespace, app_id AS "appId", created_by AS "createdBy", created_at AS "createdAt"
       FROM ${table(ex, 'app_executions')} WHERE execution_id = $1${forUpdate ? ' FOR UPDATE' : ''}`,
    [executionId],
  );
  return rows[0] as AppExecutionRow | undefined;
}

export type Decision = 'APPROVE' | 'REJECT';

export interface DecisionRow {
  actorId: string;
  actorName: string;
  decision: Decision;
  inputs: Record<string, unknown> | null;
  decidedAt: Date;
}

/** Records a decision; false when this actor already decided on this execution. */
export async function insertDecision(ex: Executor, executionId: string, row: DecisionRow): Promise<boolean> {
  const { rowCount } = await ex.query(
    `INSERT INTO ${table(ex, 'app_decisions')} (execution_id, actor_id, actor_name, decision, inputs, decided_at)
     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (execution_id, actor_id) DO NOTHING`,
    [
      executionId,
      row.actorId,
      row.actorName,
      row.decision,
      row.inputs === null ? null : JSON.stringify(row.inputs),
      row.decidedAt,
    ],
  );
  return rowCount > 0;
}

export async function listDecisions(ex: Executor, executionId: string): Promise<DecisionRow[]> {
  const { rows } = await ex.query(
    `SELECT actor_id AS "actorId", actor_name AS "actorName", decision, inputs, decided_at AS "decidedAt"
       FROM ${table(ex, 'app_decisions')} WHERE execution_id = $1 ORDER BY decided_at, actor_id`,
    [executionId],
  );
  return rows as unknown as DecisionRow[];
}

export async function deleteDecision(ex: Executor, executionId: string, actorId: string): Promise<void> {
  await ex.query(`DELETE FROM ${table(ex, 'app_decisions')} WHERE execution_id = $1 AND actor_id = $2`, [
    executionId,
    actorId,
  ]);
}
