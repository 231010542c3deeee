/**
 * Deciding a deployment, with no I/O: given the flows a repository has deployed and the flow files a
 * commit adds, changes or removes, say which flows are added, updated, unchanged, removed or refused,
 * and which triggers get registered or removed. Applying the plan is someone else's job; a pull
 * request runs the same planner to preview what merging would deploy.
 *
 * Rules: an invalid file is refused and the revision deployed from it (if any) stays; a namespace
 * owned by another repository is refused naming the owner; a namespace + id is declared by one file
 * (the file already deployed wins); a file that now declares another id removes the old flow. A
 * flow whose namespace's pluginDefaults (`.osprey.yml`) or included templates changed is updated
 * even if its file is not.
 */
import type { Issue } from '../../../flows-schema/src/issue.ts';
import type { Flow, PluginDefault } from '../../../flows-schema/src/schema/flow.ts';
import type { TemplateDocument } from '../../../flows-schema/src/templates.ts';
import type { Trigger } from '../../../flows-schema/src/triggers/triggers.ts';
import type { FlowFile } from './flow-file.ts';
import { hasErrors } from './flow-file.ts';
import { type RevisionContext, sameRepository } from './ports.ts';

/** A flow currently deployed from the repository (latest non-deleted revision). */
export interface LiveFlow extends RevisionContext {
  namespace: string;
  flowId: string;
  path: string;
  source: string;
  revision: number;
  triggers: readonly Trigger[];
}

export interface DeployInput {
  repository: string;
  live: readonly LiveFlow[];
  /** Flow files read at the commit: the changed ones, or all of them on a full scan. */
  present: readonly FlowFile[];
  /** Flow files deleted (or renamed away) since the deployed commit. */
  removedPaths: readonly string[];
  /** Every flow file of the commit is in `present`: live flows missing from it were removed. */
  fullScan: boolean;
  /** Owner of each namespace the files declare (absent: unowned). */
  owners: ReadonlyMap<string, string>;
  /** `.osprey.yml` `namespaces`: when set, flows outside them are refused. */
  allowedNamespaces?: readonly string[] | undefined;
}

export interface PlannedFlow {
  namespace: string;
  flowId: string;
  path: string;
  source: string;
  /** The namespace's pluginDefaults from `.osprey.yml` (stored with the revision). */
  pluginDefaults: readonly PluginDefault[];
  /** The templates its Template tasks include (stored with the revision). */
  templates: Readonly<Record<string, TemplateDocument>>;
  flow: Flow;
  /** Warnings of the file (it deploys anyway). */
  issues: Issue[];
  previous?: LiveFlow;
}

export interface RemovedFlow {
  namespace: string;
  flowId: string;
  path: string;
  previous: LiveFlow;
}

export interface RefusedFile {
  path: string;
  declared?: { namespace: string; id: string };
  issues: Issue[];
  /** The revision that stays deployed from this path. */
  kept?: LiveFlow;
}

export interface TriggerChange {
  namespace: string;
  flowId: string;
  triggerId: string;
  type: string;
}

export interface DeployPlan {
  added: PlannedFlow[];
  updated: PlannedFlow[];
  unchanged: PlannedFlow[];
  removed: RemovedFlow[];
  refused: RefusedFile[];
  triggers: { registered: TriggerChange[]; removed: TriggerChange[] };
}

export function flowKey(namespace: string, flowId: string): string {
  return `${namespace}.${flowId}`;
}

export function planDeploy(input: DeployInput): DeployPlan {
  const liveByKey = new Map(input.live.map((l) => [flowKey(l.namespace, l.flowId), l]));
  const liveByPath = new Map(input.live.map((l) => [l.path, l]));
  const presentByPath = new Map(input.present.map((f) => [f.path, f]));
  const gone = new Set(input.removedPaths.filter((p) => !presentByPath.has(p)));
  if (input.fullScan) for (const l of input.live) if (!presentByPath.has(l.path)) gone.add(l.path);

  const refused: RefusedFile[] = [];
  const refuse = (file: FlowFile, extra: Issue[] = []) => {
    const kept = liveByPath.get(file.path);
    const stays =
      kept !== undefined &&
      (file.declared === undefined ||
        flowKey(file.declared.namespace, file.declared.id) === flowKey(kept.namespace, kept.flowId));
    refused.push({
      path: file.path,
      ...(file.declared ? { declared: file.declared } : {}),
      issues: [...extra, ...file.issues].sort(
        (a, b) => a.range.start.line - b.range.start.line || a.range.start.col - b.range.start.col,
      ),
      ...(stays ? { kept } : {}),
    });
  };

  // Valid files grouped by the flow they declare; the file already deployed for a key wins.
  const candidates = new Map<string, FlowFile[]>();
  const files = [...input.present].sort((a, b) => a.path.localeCompare(b.path));
  for (const file of files) {
    if (file.flow === undefined || hasErrors(file)) {
      refuse(file);
      continue;
    }
    const { namespace } = file.flow;
    const owner = input.owners.get(namespace);
    if (owner !== undefined && !sameRepository(owner, input.repository)) {
      refuse(file, [
        issueAt(
          file,
          'namespace-owned',
          `namespace ${namespace} belongs to ${owner}; a namespace is deployed from one repository. Move this flow to a namespace ${input.repository} owns, or move the file to ${owner}`,
        ),
      ]);
      continue;
    }
    if (input.allowedNamespaces !== undefined && !input.allowedNamespaces.includes(namespace)) {
      refuse(file, [
        issueAt(
          file,
          'namespace-not-declared',
          `namespace ${namespace} is not in the \`namespaces\` list of .osprey.yml (${input.allowedNamespaces.join(', ') || 'empty'}); add it there or change the flow's namespace`,
        ),
      ]);
      continue;
    }
    const key = flowKey(namespace, file.flow.id);
    candidates.set(key, [...(candidates.get(key) ?? []), file]);
  }

  const accepted = new Map<string, FlowFile>();
  for (const [key, group] of candidates) {
    const live = liveByKey.get(key);
    const elsewhere = live !== undefined && !presentByPath.has(live.path) && !gone.has(live.path);
    const winner = elsewhere ? undefined : (group.find((f) => f.path === live?.path) ?? group[0]);
    for (const file of group) {
      if (file === winner) continue;
      const other = winner?.path ?? live?.path ?? '';
      refuse(file, [
        issueAt(
          file,
          'duplicate-flow',
          `flow ${key} is also declared in ${other}; a namespace and id identify one flow: rename this one or delete one of the files`,
          'id',
        ),
      ]);
    }
    if (winner !== undefined) accepted.set(key, winner);
  }

  const plan: DeployPlan = {
    added: [],
    updated: [],
    unchanged: [],
    removed: [],
    refused,
    triggers: { registered: [], removed: [] },
  };
  for (const [key, file] of accepted) {
    const flow = file.flow as Flow;
    const previous = liveByKey.get(key);
    const planned: PlannedFlow = {
      namespace: flow.namespace,
      flowId: flow.id,
      path: file.path,
      source: file.text,
      pluginDefaults: file.pluginDefaults,
      templates: file.templates,
      flow,
      issues: file.issues,
      ...(previous ? { previous } : {}),
    };
    if (previous === undefined) plan.added.push(planned);
    else if (
      previous.path === file.path &&
      previous.source === file.text &&
      stableJson(previous.pluginDefaults ?? []) === stableJson(file.pluginDefaults) &&
      stableJson(previous.templates ?? {}) === stableJson(file.templates)
    )
      plan.unchanged.push(planned);
    else plan.updated.push(planned);
  }

  for (const live of input.live) {
    const key = flowKey(live.namespace, live.flowId);
    if (accepted.has(key)) continue;
    const file = presentByPath.get(live.path);
    const redeclared =
      file?.declared !== undefined && flowKey(file.declared.namespace, file.declared.id) !== key;
    if (gone.has(live.path) || redeclared)
      plan.removed.push({ namespace: live.namespace, flowId: live.flowId, path: live.path, previous: live });
  }

  for (const p of plan.added) plan.triggers.registered.push(...triggerChanges(p, p.flow.triggers ?? []));
  for (const p of plan.updated) {
    const before = new Map((p.previous?.triggers ?? []).map((t) => [t.id, t]));
    const after = p.flow.triggers ?? [];
    plan.triggers.registered.push(
      ...triggerChanges(
        p,
        after.filter((t) => !sameJson(before.get(t.id), t)),
      ),
    );
    const kept = new Set(after.map((t) => t.id));
    plan.triggers.removed.push(
      ...triggerChanges(
        p,
        [...before.values()].filter((t) => !kept.has(t.id)),
      ),
    );
  }
  for (const r of plan.removed) plan.triggers.removed.push(...triggerChanges(r, r.previous.triggers));

  const byPath = (a: { path: string }, b: { path: string }) => a.path.localeCompare(b.path);
  for (const list of [plan.added, plan.updated, plan.unchanged, plan.removed, plan.refused])
    list.sort(byPath);
  return plan;
}

function triggerChanges(
  flow: { namespace: string; flowId: string },
  triggers: readonly Trigger[],
): TriggerChange[] {
  return triggers.map((t) => ({
    namespace: flow.namespace,
    flowId: flow.flowId,
    triggerId: t.id,
    type: t.type,
  }));
}

function issueAt(
  file: FlowFile,
  code: string,
  message: string,
  field: 'namespace' | 'id' = 'namespace',
): Issue {
  return { code, path: field, message, range: file.rangeOf([field]), severity: 'error' };
}

function sameJson(a: unknown, b: unknown): boolean {
  return a !== undefined && stableJson(a) === stableJson(b);
}

function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([x], [y]) => x.localeCompare(y)),
        )
      : v,
  );
}
