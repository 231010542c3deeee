/**
 * `osprey dev`'s deploy: the flows folder of a local repository is the source of truth, as the
 * default branch is for the GitHub App. Every change re-reads the folder, plans with the same
 * planner as a push (invalid files refused, the rest deployed, removed files soft-deleted) and
 * applies the plan to the same stores and trigger registry.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename, relative, sep } from 'node:path';
import type { RepoConfig } from '../../../flows-schema/src/repo-config.ts';
import { type FlowFile, toFlowFile } from '../deployments/flow-file.ts';
import { liveFlowsOf } from '../deployments/live-flows.ts';
import { type DeployPlan, planDeploy } from '../deployments/plan-deploy.ts';
import type {
  FlowRevision,
  FlowRevisionStore,
  NamespaceOwnership,
  TriggerRegistry,
} from '../deployments/ports.ts';
import { collectFlowFiles, localTemplates } from '../local/local-repository.ts';

export interface LocalDeployerDeps {
  /** Repository root (holds the flows folder). */
  root: string;
  config: RepoConfig;
  store: FlowRevisionStore;
  ownership: NamespaceOwnership;
  triggers: TriggerRegistry;
}

export interface LocalDeployment {
  /** Content hash of the deployed flow files: local runs are pinned to it instead of a commit. */
  sha: string;
  plan: DeployPlan;
  revisions: FlowRevision[];
  /** Files read, for messages. */
  files: FlowFile[];
}

export const LOCAL_BRANCH = 'local';

/** The repository name local deployments are recorded under, e.g. `local/my-flows`. */
export function localRepositoryName(root: string): string {
  return `local/${basename(root)}`;
}

export async function deployLocalFlows(deps: LocalDeployerDeps): Promise<LocalDeployment> {
  const repository = localRepositoryName(deps.root);
  const flowsDir = `${deps.root}${sep}${deps.config.flows}`;
  const { files: paths } = collectFlowFiles([flowsDir]);
  // The namespaces' pluginDefaults and the templates are part of what is deployed.
  const templates = localTemplates(deps.root, deps.config);
  const hash = createHash('sha1')
    .update(JSON.stringify(deps.config.pluginDefaults))
    .update('\0')
    .update(templates.fingerprint)
    .update('\0');
  const files: FlowFile[] = [];
  for (const path of paths) {
    const text = await readFile(path, 'utf8');
    const rel = relative(deps.root, path).split(sep).join('/');
    hash.update(rel).update('\0').update(text).update('\0');
    files.push(toFlowFile(rel, createHash('sha1').update(text).digest('hex'), text, deps.config, templates));
  }
  const sha = hash.digest('hex');
  for (let attempt = 1; ; attempt++) {
    const marker = await deps.store.latestDeployment(repository, LOCAL_BRANCH);
    const owners = new Map<string, string>();
    for (const f of files) {
      if (f.flow === undefined || owners.has(f.flow.namespace)) continue;
      owners.set(f.flow.namespace, await deps.ownership.claim(f.flow.namespace, repository));
    }
    const plan = planDeploy({
      repository,
      live: liveFlowsOf(await deps.store.liveFlows(repository)),
      present: files,
      removedPaths: [],
      fullScan: true,
      owners,
      allowedNamespaces: deps.config.namespaces,
    });
    const upserted = [...plan.added, ...plan.updated];
    const applied = await deps.store.apply({
      repository,
      branch: LOCAL_BRANCH,
      sha,
      expectedSha: marker?.sha,
      upserts: upserted.map((p) => ({
        namespace: p.namespace,
        flowId: p.flowId,
        path: p.path,
        source: p.source,
        pluginDefaults: p.pluginDefaults,
        templates: p.templates,
      })),
      deletions: plan.removed.map((r) => ({ namespace: r.namespace, flowId: r.flowId })),
    });
    if (applied.status === 'conflict') {
      if (attempt >= 3)
        throw new Error(
          `the local deployment of ${repository} kept changing; is another osprey dev running on it?`,
        );
      continue;
    }
    for (const r of applied.revisions) {
      const planned = upserted.find((p) => p.namespace === r.namespace && p.flowId === r.flowId);
      if (planned === undefined || r.deleted) continue;
      const ref = {
        namespace: r.namespace,
        flowId: r.flowId,
        repository,
        sha,
        path: r.path,
        revision: r.revision,
      };
      await deps.triggers.replace(ref, planned.flow.triggers ?? []);
    }
    for (const r of plan.removed) await deps.triggers.remove(r.namespace, r.flowId);
    return { sha, plan, revisions: applied.revisions, files };
  }
}

/** One line per change, for the terminal: `+ company.team.hello (flows/hello.yaml)`. */
export function describeDeployment(d: LocalDeployment): string[] {
  const lines: string[] = [];
  for (const p of d.plan.added) lines.push(`+ ${p.namespace}.${p.flowId} (${p.path})`);
  for (const p of d.plan.updated) lines.push(`~ ${p.namespace}.${p.flowId} (${p.path})`);
  for (const r of d.plan.removed) lines.push(`- ${r.namespace}.${r.flowId} (${r.path})`);
  for (const f of d.plan.refused) {
    lines.push(`! ${f.path} refused${f.kept ? ' (the previous revision stays deployed)' : ''}:`);
    for (const i of f.issues.filter((x) => x.severity === 'error')) {
      lines.push(`    ${f.path}:${i.range.start.line}:${i.range.start.col}: ${i.message} [${i.code}]`);
    }
  }
  return lines;
}
