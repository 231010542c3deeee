/**
 * Deploy on push: read the flows a commit changed since the branch's last deployment (compare API;
 * the whole tree on the first deployment, after a force-push or when asked), validate them, plan,
 * then store the new revisions, soft-delete removed flows and (re)register triggers — reported as
 * the `Osprey / deploy` check run on the commit.
 *
 * An older commit never overwrites a newer deployment: a commit behind the deployed one is skipped,
 * and the store applies a deployment only if the branch marker did not move meanwhile.
 */
import type { RepoConfig } from '../../../../flows-schema/src/repo-config.ts';
import type { FlowFile } from '../../deployments/flow-file.ts';
import { liveFlowsOf } from '../../deployments/live-flows.ts';
import { type DeployPlan, planDeploy } from '../../deployments/plan-deploy.ts';
import type { FlowRevision } from '../../deployments/ports.ts';
import { annotationsOf } from '../checks/annotations.ts';
import { CheckName, type CheckRuns } from '../checks/check-runs.ts';
import { renderSummary } from '../checks/render-summary.ts';
import type { HandlerDeps } from '../deps.ts';
import { flowChangesOf, touchesRepoConfig } from '../repository/flow-changes.ts';
import type { GitHubClient } from '../repository/github-client.ts';
import { readAppFiles } from '../repository/read-apps.ts';
import { listFlowFiles, readFlowFiles } from '../repository/read-flows.ts';
import { REPO_CONFIG_PATH } from '../repository/repo-config.ts';
import { RepositoryReader, type TreeFile } from '../repository/repository-reader.ts';
import { appsSummary } from './apps-summary.ts';
import { deployAnnotations, deployConclusion, deployTitle, deployView } from './deploy-view.ts';

export interface DeployRequest {
  client: GitHubClient;
  checks: CheckRuns;
  repository: string;
  branch: string;
  sha: string;
  config: RepoConfig;
  /** Plan from the whole tree even when a comparison is possible. */
  fullScan?: boolean;
}

export type DeployOutcome =
  | { status: 'deployed'; plan: DeployPlan; revisions: FlowRevision[]; checkRunId: number }
  | { status: 'skipped'; reason: string; checkRunId: number };

/** Attempts when another replica deploys the same branch at the same time. */
const MAX_ATTEMPTS = 3;

export async function deployCommit(deps: HandlerDeps, request: DeployRequest): Promise<DeployOutcome> {
  const { checks, repository, branch, sha } = request;
  const checkRunId = await checks.create({
    name: CheckName.deploy,
    head_sha: sha,
    status: 'in_progress',
    started_at: new Date().toISOString(),
    external_id: `deploy:${branch}`,
  });
  try {
    for (let attempt = 1; ; attempt++) {
      const outcome = await attemptDeploy(deps, request, checkRunId);
      if (outcome !== 'conflict') return outcome;
      if (attempt >= MAX_ATTEMPTS)
        throw new Error(
          `deploying ${repository}@${sha.slice(0, 7)}: the branch ${branch} kept moving during ${MAX_ATTEMPTS} attempts; push again`,
        );
    }
  } catch (error) {
    await checks
      .update(
        checkRunId,
        {
          status: 'completed',
          conclusion: 'failure',
          completed_at: new Date().toISOString(),
          output: {
            title: 'Deployment failed',
            summary: `Osprey could not deploy this commit.\n\n${(error as Error).message}\n`,
          },
        },
        CheckName.deploy,
      )
      .catch((reportError: unknown) =>
        deps.log.error({ err: reportError }, 'could not report a failed deployment'),
      );
    throw error;
  }
}

async function attemptDeploy(
  deps: HandlerDeps,
  request: DeployRequest,
  checkRunId: number,
): Promise<DeployOutcome | 'conflict'> {
  const { checks, repository, branch, sha, config } = request;
  const reader = new RepositoryReader(request.client, repository, deps.blobs);
  const marker = await deps.store.latestDeployment(repository, branch);

  let files: TreeFile[];
  let removedPaths: string[] = [];
  let fullScan = request.fullScan === true || marker === undefined;
  if (!fullScan && marker !== undefined) {
    if (marker.sha === sha)
      return skip(
        checks,
        checkRunId,
        `${repository}@${branch} is already deployed at ${short(sha)}; nothing to do.`,
      );
    const comparison = await reader.compare(marker.sha, sha);
    if (comparison.status === 'behind' || comparison.status === 'identical') {
      return skip(
        checks,
        checkRunId,
        `This commit is older than the deployed one (${short(marker.sha)}), so it is not deployed: an older commit never overwrites a newer deployment.`,
      );
    }
    fullScan =
      comparison.status === 'diverged' || !comparison.complete || touchesRepoConfig(comparison.files, config);
    if (!fullScan) {
      const changes = flowChangesOf(comparison.files, config);
      files = changes.present;
      removedPaths = changes.removed;
    }
  }
  files ??= await listFlowFiles(reader, sha, config);

  const present = await readFlowFiles(reader, sha, files, config, deps.flowFiles);
  const live = liveFlowsOf(await deps.store.liveFlows(repository));
  const owners = await claimNamespaces(deps, repository, present, config);
  const plan = planDeploy({
    repository,
    live,
    present,
    removedPaths,
    fullScan,
    owners,
    allowedNamespaces: config.namespaces,
  });

  const applied = await deps.store.apply({
    repository,
    branch,
    sha,
    expectedSha: marker?.sha,
    upserts: [...plan.added, ...plan.updated].map((p) => ({
      namespace: p.namespace,
      flowId: p.flowId,
      path: p.path,
      source: p.source,
      pluginDefaults: p.pluginDefaults,
      templates: p.templates,
    })),
    deletions: plan.removed.map((r) => ({ namespace: r.namespace, flowId: r.flowId })),
  });
  if (applied.status === 'conflict') return 'conflict';

  for (const r of applied.revisions) {
    if (r.deleted) continue;
    const planned = [...plan.added, ...plan.updated].find(
      (p) => p.namespace === r.namespace && p.flowId === r.flowId,
    );
    if (planned) {
      await deps.triggers.replace(
        { namespace: r.namespace, flowId: r.flowId, repository, sha, path: r.path, revision: r.revision },
        planned.flow.triggers ?? [],
      );
    }
  }
  for (const r of plan.removed) await deps.triggers.remove(r.namespace, r.flowId);
  await releaseNamespaces(deps, repository, plan, config);
  const apps =
    deps.apps === undefined
      ? undefined
      : await deps.apps.deploy(repository, sha, await readAppFiles(reader, sha, config));

  const summary = await renderSummary(
    'deploy',
    deployView({ repository, branch, sha, fullScan }, plan, applied.revisions),
  );
  await checks.update(
    checkRunId,
    {
      status: 'completed',
      conclusion: apps?.refused.length ? 'failure' : deployConclusion(plan),
      completed_at: new Date().toISOString(),
      output: {
        title:
          deployTitle(plan) + (apps?.refused.length ? ` · ${apps.refused.length} app file(s) refused` : ''),
        summary: summary + appsSummary(apps),
        annotations: [
          ...deployAnnotations(plan),
          ...(apps?.refused ?? []).flatMap((r) => annotationsOf(r.path, r.issues)),
        ],
      },
    },
    CheckName.deploy,
  );
  deps.log.info(
    {
      repository,
      branch,
      sha,
      added: plan.added.length,
      updated: plan.updated.length,
      removed: plan.removed.length,
      refused: plan.refused.length,
    },
    'deployed',
  );
  return { status: 'deployed', plan, revisions: applied.revisions, checkRunId };
}

/** Namespaces the valid files declare, plus those `.osprey.yml` lists, are claimed for the repository. */
async function claimNamespaces(
  deps: HandlerDeps,
  repository: string,
  present: readonly FlowFile[],
  config: RepoConfig,
): Promise<Map<string, string>> {
  const namespaces = new Set<string>(config.namespaces ?? []);
  for (const f of present) if (f.flow !== undefined) namespaces.add(f.flow.namespace);
  const owners = new Map<string, string>();
  for (const ns of namespaces) owners.set(ns, await deps.ownership.claim(ns, repository));
  return owners;
}

/** A namespace the repository no longer deploys any flow into (and does not list) is given up. */
async function releaseNamespaces(
  deps: HandlerDeps,
  repository: string,
  plan: DeployPlan,
  config: RepoConfig,
): Promise<void> {
  if (plan.removed.length === 0) return;
  const stillUsed = new Set((await deps.store.liveFlows(repository)).map((r) => r.namespace));
  for (const ns of new Set(plan.removed.map((r) => r.namespace))) {
    if (!stillUsed.has(ns) && !(config.namespaces ?? []).includes(ns))
      await deps.ownership.release(ns, repository);
  }
}

async function skip(checks: CheckRuns, checkRunId: number, reason: string): Promise<DeployOutcome> {
  await checks.update(
    checkRunId,
    {
      status: 'completed',
      conclusion: 'neutral',
      completed_at: new Date().toISOString(),
      output: { title: 'Not deployed', summary: `${reason}\n` },
    },
    CheckName.deploy,
  );
  return { status: 'skipped', reason, checkRunId };
}

/** `.osprey.yml` is invalid: nothing is deployed; the annotations point at the problems. */
export async function refuseConfig(
  checks: CheckRuns,
  sha: string,
  issues: Parameters<typeof annotationsOf>[1],
): Promise<void> {
  await checks.create({
    name: CheckName.deploy,
    head_sha: sha,
    status: 'completed',
    conclusion: 'failure',
    completed_at: new Date().toISOString(),
    output: {
      title: `${REPO_CONFIG_PATH} is invalid`,
      summary: `Nothing was deployed: ${REPO_CONFIG_PATH} says where flows live and which branches deploy, and it has ${issues.length} problem(s). Fix them and push again.\n`,
      annotations: annotationsOf(REPO_CONFIG_PATH, issues),
    },
  });
}

function short(sha: string): string {
  return sha.slice(0, 7);
}
