/**
 * `FlowRevisionStore` on the database (Postgres or PGlite), with the contract of the in-memory one:
 * `apply` is a compare-and-set on the branch marker, and the marker, the new revisions and the
 * deletions are written in one transaction, so two replicas deploying the same branch cannot both
 * win and a loser leaves nothing behind.
 */

import type { Database } from '../storage/database.ts';
import {
  appendRevision,
  getDeploymentMarker,
  getLatestRevision,
  liveRevisionsOf,
  moveDeploymentMarker,
  type RevisionRow,
} from '../storage/deployments.ts';
import { listFlowRevisions, listFlows } from '../storage/flows.ts';
import type {
  ApplyResult,
  DeploymentChanges,
  DeploymentMarker,
  FlowRevision,
  FlowRevisionStore,
} from './ports.ts';

export interface PostgresFlowRevisionStoreOptions {
  now?: () => Date;
}

export class PostgresFlowRevisionStore implements FlowRevisionStore {
  readonly #db: Database;
  readonly #now: () => Date;

  constructor(db: Database, options: PostgresFlowRevisionStoreOptions = {}) {
    this.#db = db;
    this.#now = options.now ?? (() => new Date());
  }

  async latestDeployment(repository: string, branch: string): Promise<DeploymentMarker | undefined> {
    const row = await getDeploymentMarker(this.#db, repository, branch);
    return row === undefined
      ? undefined
      : { repository: row.repository, branch: row.branch, sha: row.sha, deployedAt: iso(row.deployedAt) };
  }

  async liveFlows(repository: string): Promise<FlowRevision[]> {
    const rows = await liveRevisionsOf(this.#db, repository);
    // The same order as the in-memory store, whatever the database's collation.
    return rows.map(toRevision).sort((a, b) => a.path.localeCompare(b.path));
  }

  async latest(namespace: string, flowId: string): Promise<FlowRevision | undefined> {
    const row = await getLatestRevision(this.#db, namespace, flowId);
    return row === undefined ? undefined : toRevision(row);
  }

  async history(namespace: string, flowId: string): Promise<FlowRevision[]> {
    return (await listFlowRevisions(this.#db, namespace, flowId)).map(toRevision);
  }

  /** The latest, not deleted revision of every flow of exactly `namespace`, by flow id (REST API). */
  async inNamespace(namespace: string): Promise<FlowRevision[]> {
    return (await listFlows(this.#db, { namespace })).map(toRevision);
  }

  async list(namespace?: string): Promise<FlowRevision[]> {
    return (await listFlows(this.#db, { namespace, withChildren: true })).map(toRevision);
  }

  async apply(changes: DeploymentChanges): Promise<ApplyResult> {
    const now = this.#now();
    const outcome = await this.#db.transaction(async (tx): Promise<ApplyResult> => {
      const moved = await moveDeploymentMarker(
        tx,
        {
          repository: changes.repository,
          branch: changes.branch,
          expectedSha: changes.expectedSha,
          sha: changes.sha,
        },
        now,
      );
      // Nothing was written: the marker statement is the first one.
      if (!moved) {
        const current = await getDeploymentMarker(tx, changes.repository, changes.branch);
        return { status: 'conflict', currentSha: current?.sha };
      }
      const base = { repository: changes.repository, branch: changes.branch, sha: changes.sha };
      const revisions: FlowRevision[] = [];
      for (const u of changes.upserts) {
        await getLatestRevision(tx, u.namespace, u.flowId, { forUpdate: true });
        const row = await appendRevision(
          tx,
          {
            ...base,
            namespace: u.namespace,
            flowId: u.flowId,
            path: u.path,
            source: u.source,
            pluginDefaults: u.pluginDefaults ?? [],
            templates: u.templates ?? {},
            deleted: false,
          },
          now,
        );
        revisions.push(toRevision(row));
      }
      for (const d of changes.deletions) {
        const last = await getLatestRevision(tx, d.namespace, d.flowId, { forUpdate: true });
        if (last === undefined || last.deleted) continue;
        const row = await appendRevision(
          tx,
          {
            ...base,
            namespace: d.namespace,
            flowId: d.flowId,
            path: last.path ?? '',
            source: last.source,
            pluginDefaults: last.pluginDefaults,
            templates: last.templates,
            deleted: true,
          },
          now,
        );
        revisions.push(toRevision(row));
      }
      return { status: 'applied', revisions };
    });
    return outcome;
  }
}

/** Flows not deployed from git (none through this store) have no repository: shown as ''. */
function toRevision(row: RevisionRow): FlowRevision {
  return {
    namespace: row.namespace,
    flowId: row.flowId,
    revision: row.revision,
    repository: row.repository ?? '',
    branch: row.branch ?? '',
    path: row.path ?? '',
    sha: row.sha ?? '',
    source: row.source,
    ...(row.pluginDefaults.length > 0 ? { pluginDefaults: row.pluginDefaults } : {}),
    ...(Object.keys(row.templates).length > 0 ? { templates: row.templates } : {}),
    deleted: row.deleted,
    deployedAt: iso(row.deployedAt),
  };
}

function iso(date: Date | string): string {
  return new Date(date).toISOString();
}
