/** In-memory `FlowRevisionStore` (tests): the reference the Postgres store must match (ports contract). */

import type {
  ApplyResult,
  DeploymentChanges,
  DeploymentMarker,
  FlowRevision,
  FlowRevisionStore,
} from './ports.ts';
import { sameRepository } from './ports.ts';

export class MemoryFlowRevisionStore implements FlowRevisionStore {
  readonly #revisions = new Map<string, FlowRevision[]>();
  readonly #markers = new Map<string, DeploymentMarker>();
  readonly #now: () => Date;

  constructor(now: () => Date = () => new Date()) {
    this.#now = now;
  }

  async latestDeployment(repository: string, branch: string): Promise<DeploymentMarker | undefined> {
    return this.#markers.get(`${repository.toLowerCase()}#${branch}`);
  }

  async liveFlows(repository: string): Promise<FlowRevision[]> {
    const out: FlowRevision[] = [];
    for (const history of this.#revisions.values()) {
      const last = history.at(-1);
      if (last !== undefined && !last.deleted && sameRepository(last.repository, repository)) out.push(last);
    }
    return out.sort((a, b) => a.path.localeCompare(b.path));
  }

  async latest(namespace: string, flowId: string): Promise<FlowRevision | undefined> {
    return this.#revisions.get(key(namespace, flowId))?.at(-1);
  }

  async history(namespace: string, flowId: string): Promise<FlowRevision[]> {
    return [...(this.#revisions.get(key(namespace, flowId)) ?? [])];
  }

  async apply(changes: DeploymentChanges): Promise<ApplyResult> {
    const markerKey = `${changes.repository.toLowerCase()}#${changes.branch}`;
    const current = this.#markers.get(markerKey)?.sha;
    if (current !== changes.expectedSha) return { status: 'conflict', currentSha: current };
    const deployedAt = this.#now().toISOString();
    const revisions: FlowRevision[] = [];
    const append = (
      namespace: string,
      flowId: string,
      fields: Pick<FlowRevision, 'path' | 'source' | 'deleted' | 'pluginDefaults' | 'templates'>,
    ) => {
      const history = this.#revisions.get(key(namespace, flowId)) ?? [];
      const revision: FlowRevision = {
        namespace,
        flowId,
        revision: (history.at(-1)?.revision ?? 0) + 1,
        repository: changes.repository,
        branch: changes.branch,
        sha: changes.sha,
        deployedAt,
        ...fields,
      };
      history.push(revision);
      this.#revisions.set(key(namespace, flowId), history);
      revisions.push(revision);
    };
    for (const u of changes.upserts)
      append(u.namespace, u.flowId, {
        path: u.path,
        source: u.source,
        deleted: false,
        ...(u.pluginDefaults !== undefined && u.pluginDefaults.length > 0
          ? { pluginDefaults: u.pluginDefaults }
          : {}),
        ...(u.templates !== undefined && Object.keys(u.templates).length > 0
          ? { templates: u.templates }
          : {}),
      });
    for (const d of changes.deletions) {
      const last = this.#revisions.get(key(d.namespace, d.flowId))?.at(-1);
      if (last === undefined || last.deleted) continue;
      append(d.namespace, d.flowId, {
        path: last.path,
        source: last.source,
        deleted: true,
        ...(last.pluginDefaults !== undefined ? { pluginDefaults: last.pluginDefaults } : {}),
        ...(last.templates !== undefined ? { templates: last.templates } : {}),
      });
    }
    this.#markers.set(markerKey, {
      repository: changes.repository,
      branch: changes.branch,
      sha: changes.sha,
      deployedAt,
    });
    return { status: 'applied', revisions };
  }
}

function key(namespace: string, flowId: string): string {
  return `${namespace}\u0000${flowId}`;
}
