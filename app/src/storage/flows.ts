/**
 * SQL that reads deployed flows and their revisions, and of namespace ownership. Revisions are
 * written by `deployments.ts` (`appendRevision`), in the deployment's transaction.
 */
import type { PluginDefault } from '../../../flows-schema/src/schema/flow.ts';
import type { TemplateDocument } from '../../../flows-schema/src/templates.ts';
import type { Executor } from './database.ts';
import { table } from './identifiers.ts';

export interface FlowRevisionRow {
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

const REVISION = `r.namespace, r.flow_id AS "flowId", r.revision, r.repository, r.branch, r.path, r.sha, r.source,
  r.plugin_defaults AS "pluginDefaults", r.templates, r.deleted, r.deployed_at AS "deployedAt"`;

/** The current revision of a flow (undefined when unknown or removed), or a given revision. */
export async function getFlowRevision(
  ex: Executor,
  namespace: string,
  flowId: string,
  revision?: number,
): Promise<FlowRevisionRow | undefined> {
  const { rows } =
    revision === undefined
      ? await ex.query<FlowRevisionRow & Record<string, unknown>>(
          `SELECT ${REVISION} FROM ${table(ex, 'flows')} f
             JOIN ${table(ex, 'flow_revisions')} r USING (namespace, flow_id, revision)
            WHERE f.namespace = $1 AND f.flow_id = $2 AND NOT f.deleted`,
          [namespace, flowId],
        )
      : await ex.query<FlowRevisionRow & Record<string, unknown>>(
          `SELECT ${REVISION} FROM ${table(ex, 'flow_revisions')} r
            WHERE r.namespace = $1 AND r.flow_id = $2 AND r.revision = $3`,
          [namespace, flowId, revision],
        );
  return rows[0];
}

export interface FlowFilter {
  namespace?: string | undefined;
  /** Include sub-namespaces of `namespace`. */
  withChildren?: boolean | undefined;
  repository?: string | undefined;
}

/** Current, not removed flows. */
export async function listFlows(ex: Executor, filter: FlowFilter = {}): Promise<FlowRevisionRow[]> {
  const { rows } = await ex.query<FlowRevisionRow & Record<string, unknown>>(
    `SELECT ${REVISION} FROM ${table(ex, 'flows')} f
       JOIN ${table(ex, 'flow_revisions')} r USING (namespace, flow_id, revision)
      WHERE NOT f.deleted
        AND ($1::text IS NULL OR f.namespace = $1 OR ($2 AND starts_with(f.namespace, $1 || '.')))
        AND ($3::text IS NULL OR f.repository = $3)
      ORDER BY f.namespace, f.flow_id`,
    [filter.namespace ?? null, filter.withChildren ?? false, filter.repository ?? null],
  );
  return rows;
}

export async function listFlowRevisions(
  ex: Executor,
  namespace: string,
  flowId: string,
): Promise<FlowRevisionRow[]> {
  const { rows } = await ex.query<FlowRevisionRow & Record<string, unknown>>(
    `SELECT ${REVISION} FROM ${table(ex, 'flow_revisions')} r WHERE r.namespace = $1 AND r.flow_id = $2 ORDER BY r.revision`,
    [namespace, flowId],
  );
  return rows;
}

/**
 * Claims a namespace for a repository. Returns the owner after the call: the caller's repository
 * when it was free (or already its own), another repository otherwise. One upsert that returns the
 * row as it stands: a concurrent claimant waits for the winner's row and reads its owner. (A read in
 * the same statement as an `ON CONFLICT DO NOTHING` insert would see a snapshot from before the
 * winner's commit, so a loser could believe it had won.)
 */
export async function claimNamespace(
  ex: Executor,
  namespace: string,
  repository: string,
  now: Date,
): Promise<string> {
  const { rows } = await ex.query<{ repository: string }>(
    `INSERT INTO ${table(ex, 'namespace_owners')} AS o (namespace, repository, claimed_at) VALUES ($1, $2, $3)
     ON CONFLICT (namespace) DO UPDATE SET repository = o.repository
     RETURNING o.repository`,
    [namespace, repository, now],
  );
  const owner = rows[0]?.repository;
  if (owner === undefined) throw new Error(`claiming namespace ${namespace} returned no owner`);
  return owner;
}

export async function getNamespaceOwner(ex: Executor, namespace: string): Promise<string | undefined> {
  const { rows } = await ex.query<{ repository: string }>(
    `SELECT repository FROM ${table(ex, 'namespace_owners')} WHERE namespace = $1`,
    [namespace],
  );
  return rows[0]?.repository;
}

/** Frees a namespace (its repository removed its last flow there). */
export async function releaseNamespace(
  ex: Executor,
  namespace: string,
  repository: string,
): Promise<boolean> {
  const { rowCount } = await ex.query(
    `DELETE FROM ${table(ex, 'namespace_owners')} WHERE namespace = $1 AND repository = $2`,
    [namespace, repository],
  );
  return rowCount > 0;
}

/** Every owned namespace with its repository. */
export async function listNamespaceOwners(ex: Executor): Promise<Map<string, string>> {
  const { rows } = await ex.query<{ namespace: string; repository: string }>(
    `SELECT namespace, repository FROM ${table(ex, 'namespace_owners')}`,
  );
  return new Map(rows.map((r) => [r.namespace, r.repository]));
}
