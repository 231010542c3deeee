/**
 * SQL of deployments from git, as the GitHub App's `FlowRevisionStore` needs it: a branch marker
 * moved by compare-and-set, and one revision appended per changed or removed flow. Every changed
 * flow gets a revision (the planner sends only changes, so a moved file with the same YAML is one
 * too); `flows` keeps pointing at each flow's latest revision, so `listFlows` of `flows.ts` and
 * these functions agree.
 */
import type { PluginDefault } from '../../../flows-schema/src/schema/flow.ts';
import type { TemplateDocument } from '../../../flows-schema/src/templates.ts';
import type { Executor } from './database.ts';
import { table } from './identifiers.ts';

export interface DeploymentMarkerRow {
  repository: string;
  branch: string;
  sha: string;
  deployedAt: Date;
}

export async function getDeploymentMarker(
  ex: Executor,
  repository: string,
  branch: string,
): Promise<DeploymentMarkerRow | undefined> {
  const { rows } = await ex.query<DeploymentMarkerRow & Record<string, unknown>>(
    `SELECT repository, branch, sha, deployed_at AS "deployedAt"
       FROM ${table(ex, 'repository_deployments')} WHERE repository = $1 AND branch = $2`,
    [repository, branch],
  );
  return rows[0];
}

export interface MarkerMove {
  repository: string;
  branch: string;
  /** The marker the caller planned from; undefined: the branch was never deployed. */
  expectedSha: string | undefined;
  sha: string;
}

/**
 * Moves the branch marker to `sha` only if it is still `expectedSha`; false otherwise. A concurrent
 * mover waits on the row (or on the unique key for a first deployment) and then finds the marker
 * moved, so of two movers with the same expectation exactly one wins.
 */
export async function moveDeploymentMarker(ex: Executor, move: MarkerMove, now: Date): Promise<boolean> {
  const { rowCount } =
    move.expectedSha === undefined
      ? await ex.query(
          `INSERT INTO ${table(ex, 'repository_deployments')} (repository, branch, sha, deployed_at)
           VALUES ($1, $2, $3, $4) ON CONFLICT (repository, branch) DO NOTHING`,
          [move.repository, move.branch, move.sha, now],
        )
      : await ex.query(
          `UPDATE ${table(ex, 'repository_deployments')} SET sha = $3, deployed_at = $4
            WHERE repository = $1 AND branch = $2 AND sha = $5`,
          [move.repository, move.branch, move.sha, now, move.expectedSha],
        );
  return rowCount > 0;
}

export interface RevisionRow {
  namespace: string;
  flowId: string;
  revision: number;
  repository: string | null;
  branch: string | null;
  path: string | null;
  sha: string | null;
  source: string;
  /** The namespace's pluginDefaults from `.osprey.yml` at the commit. */
  pluginDefaults: PluginDefault[];
  /** The templates its Template tasks include, by "namespace/id". */
  templates: Record<string, TemplateDocument>;
  deleted: boolean;
  deployedAt: Date;
}

const REVISION = `namespace, flow_id AS "flowId", revision, repository, branch, path, sha, source,
  plugin_defaults AS "pluginDefaults", templates, deleted, deployed_at AS "deployedAt"`;

/** The latest revision of a flow, a deleted one included. */
export async function getLatestRevision(
  ex: Executor,
  namespace: string,
  flowId: string,
  options: { forUpdate?: boolean } = {},
): Promise<RevisionRow | undefined> {
  if (options.forUpdate === true) {
    // Serialises appends to one flow: the head row is locked until the transaction ends.
    await ex.query(`SELECT 1 FROM ${table(ex, 'flows')} WHERE namespace = $1 AND flow_id = $2 FOR UPDATE`, [
      namespace,
      flowId,
    ]);
  }
  const { rows } = await ex.query<RevisionRow & Record<string, unknown>>(
    `SELECT ${REVISION} FROM ${table(ex, 'flow_revisions')}
      WHERE namespace = $1 AND flow_id = $2 ORDER BY revision DESC LIMIT 1`,
    [namespace, flowId],
  );
  return rows[0];
}

export interface NewRevision {
  namespace: string;
  flowId: string;
  repository: string;
  branch: string;
  path: string;
  sha: string;
  source: string;
  /** Absent: none. */
  pluginDefaults?: readonly PluginDefault[];
  /** Absent: none. */
  templates?: Readonly<Record<string, TemplateDocument>>;
  deleted: boolean;
}

/** Appends the next revision of a flow and points `flows` at it. Call inside a transaction. */
export async function appendRevision(ex: Executor, revision: NewRevision, now: Date): Promise<RevisionRow> {
  const { rows } = await ex.query<RevisionRow & Record<string, unknown>>(
    `INSERT INTO ${table(ex, 'flow_revisions')}
       (namespace, flow_id, revision, repository, branch, path, sha, source, deleted, deployed_at, plugin_defaults, templates)
     SELECT $1::text, $2::text, COALESCE(max(revision), 0) + 1, $3::text, $4::text, $5::text, $6::text, $7::text,
            $8::boolean, $9::timestamptz, $10::jsonb, $11::jsonb
       FROM ${table(ex, 'flow_revisions')} WHERE namespace = $1 AND flow_id = $2
     RETURNING ${REVISION}`,
    [
      revision.namespace,
      revision.flowId,
      revision.repository,
      revision.branch,
      revision.path,
      revision.sha,
      revision.source,
      revision.deleted,
      now,
      JSON.stringify(revision.pluginDefaults ?? []),
      JSON.stringify(revision.templates ?? {}),
    ],
  );
  const row = rows[0];
  if (row === undefined) throw new Error(`no revision recorded for ${revision.namespace}.${revision.flowId}`);
  await ex.query(
    `INSERT INTO ${table(ex, 'flows')} (namespace, flow_id, revision, deleted, repository, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (namespace, flow_id) DO UPDATE
       SET revision = EXCLUDED.revision, deleted = EXCLUDED.deleted, repository = EXCLUDED.repository,
           updated_at = EXCLUDED.updated_at`,
    [row.namespace, row.flowId, row.revision, row.deleted, row.repository, now],
  );
  return row;
}

/** The latest, not deleted revision of every flow whose latest revision came from `repository`. */
export async function liveRevisionsOf(ex: Executor, repository: string): Promise<RevisionRow[]> {
  const { rows } = await ex.query<RevisionRow & Record<string, unknown>>(
    `SELECT r.namespace, r.flow_id AS "flowId", r.revision, r.repository, r.branch, r.path, r.sha, r.source,
            r.plugin_defaults AS "pluginDefaults", r.templates, r.deleted, r.deployed_at AS "deployedAt"
       FROM ${table(ex, 'flows')} f
       JOIN ${table(ex, 'flow_revisions')} r USING (namespace, flow_id, revision)
      WHERE f.repository = $1 AND NOT f.deleted
      ORDER BY r.path, r.namespace, r.flow_id`,
    [repository],
  );
  return rows;
}
