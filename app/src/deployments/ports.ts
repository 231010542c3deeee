/**
 * The deployment domain's contracts: flow revisions pinned to the commit they came from, the one
 * repository each namespace is deployed from, and trigger registration on deploy. The GitHub App
 * (push to the default branch) and `osprey dev` (a local folder) deploy through these; each has a
 * Postgres/PGlite implementation (production) and an in-memory one (tests) in this folder. Every
 * method is safe to call from several app replicas: the ones that decide (claim, apply) are atomic
 * compare-and-set operations.
 */
import type { PluginDefault } from '../../../flows-schema/src/schema/flow.ts';
import type { TemplateDocument } from '../../../flows-schema/src/templates.ts';
import type { Trigger } from '../../../flows-schema/src/triggers/triggers.ts';

/** GitHub names are case-insensitive; stores may keep them lower-cased. */
export function sameRepository(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** What a revision is deployed with besides its file, read at the same commit (absent: none). */
export interface RevisionContext {
  /** The pluginDefaults `.osprey.yml` gives the flow's namespace (and its parents). */
  pluginDefaults?: readonly PluginDefault[];
  /** The templates its Template tasks include, by "namespace/id". */
  templates?: Readonly<Record<string, TemplateDocument>>;
}

/** One stored revision of a flow, pinned to the commit it was deployed from. */
export interface FlowRevision extends RevisionContext {
  namespace: string;
  flowId: string;
  /** 1 for the first deployment of namespace + id, then +1 per change (deletions included). */
  revision: number;
  /** `owner/name`. */
  repository: string;
  branch: string;
  /** File path in the repository, e.g. `flows/etl/daily.yaml`. */
  path: string;
  /** The commit the revision was read at. */
  sha: string;
  /** The YAML text as committed. */
  source: string;
  /** True for the revision that records the flow's removal from git (soft delete). */
  deleted: boolean;
  deployedAt: string;
}

/** The latest commit deployed from a repository's branch: the out-of-order guard. */
export interface DeploymentMarker {
  repository: string;
  branch: string;
  sha: string;
  deployedAt: string;
}

export interface DeploymentChanges {
  repository: string;
  branch: string;
  sha: string;
  /**
   * Compare-and-set: apply only if the branch's marker is still this SHA (undefined: never deployed).
   * Two replicas deploying the same branch cannot both win; the loser re-plans.
   */
  expectedSha: string | undefined;
  /** New revisions (added or changed flows). */
  upserts: ReadonlyArray<
    RevisionContext & { namespace: string; flowId: string; path: string; source: string }
  >;
  /** Flows removed from git: a deleted revision is recorded, history is kept. */
  deletions: ReadonlyArray<{ namespace: string; flowId: string }>;
}

export type ApplyResult =
  | { status: 'applied'; revisions: FlowRevision[] }
  | { status: 'conflict'; currentSha: string | undefined };

export interface FlowRevisionStore {
  latestDeployment(repository: string, branch: string): Promise<DeploymentMarker | undefined>;
  /** Latest non-deleted revision of every flow deployed from the repository. */
  liveFlows(repository: string): Promise<FlowRevision[]>;
  /** Latest revision of a flow (possibly a deleted one). */
  latest(namespace: string, flowId: string): Promise<FlowRevision | undefined>;
  /** All revisions of a flow, oldest first. */
  history(namespace: string, flowId: string): Promise<FlowRevision[]>;
  /** Writes the revisions, deletions and the new marker in one transaction. */
  apply(changes: DeploymentChanges): Promise<ApplyResult>;
}

/** Namespace → the one repository its flows are deployed from. */
export interface NamespaceOwnership {
  /** Owns the namespace for `repository` if nobody does; returns the owner after the call (atomic). */
  claim(namespace: string, repository: string): Promise<string>;
  ownerOf(namespace: string): Promise<string | undefined>;
  /** Gives the namespace up, only if `repository` owns it. */
  release(namespace: string, repository: string): Promise<void>;
}

export interface DeployedFlowRef {
  namespace: string;
  flowId: string;
  repository: string;
  sha: string;
  path: string;
  revision: number;
}

/** Trigger registration on deploy (schedules, flow triggers, webhooks, Git triggers). */
export interface TriggerRegistry {
  /** Replaces every trigger of the flow with `triggers` (an empty list removes them all). */
  replace(flow: DeployedFlowRef, triggers: readonly Trigger[]): Promise<void>;
  remove(namespace: string, flowId: string): Promise<void>;
}
