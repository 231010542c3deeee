/**
 * Validate the flows a pull request changes, at its head commit: the `Osprey / validate` check run,
 * failing when any flow file has an error, with annotations on the PR's lines. The same planner as
 * a deployment previews what merging would change (compared with what is deployed).
 */

import { checkAppFiles } from '../../apps/app-store.ts';
import type { FlowFile } from '../../deployments/flow-file.ts';
import { liveFlowsOf } from '../../deployments/live-flows.ts';
import { type DeployPlan, planDeploy } from '../../deployments/plan-deploy.ts';
import { annotationsOf } from '../checks/annotations.ts';
import { CheckName, type CheckRuns } from '../checks/check-runs.ts';
import { renderSummary } from '../checks/render-summary.ts';
import { appsSummary } from '../deploy/apps-summary.ts';
import type { HandlerDeps } from '../deps.ts';
import { flowChangesOf, touchesRepoConfig } from '../repository/flow-changes.ts';
import type { GitHubClient } from '../repository/github-client.ts';
import { isAppPath, readAppFiles } from '../repository/read-apps.ts';
import { listFlowFiles, readFlowFiles } from '../repository/read-flows.ts';
import { REPO_CONFIG_PATH } from '../repository/repo-config.ts';
import { RepositoryReader, type TreeFile } from '../repository/repository-reader.ts';
import { validateAnnotations, validateTitle, validateView } from './validate-view.ts';

export interface ValidateRequest {
  client: GitHubClient;
  checks: CheckRuns;
  repository: string;
  number: number;
  headSha: string;
  baseSha: string;
}

export interface ValidateOutcome {
  checkRunId: number;
  conclusion: 'success' | 'failure';
  plan?: DeployPlan;
}

export async function validatePullRequest(
  deps: HandlerDeps,
  request: ValidateRequest,
): Promise<ValidateOutcome> {
  const { checks, headSha } = request;
  const checkRunId = await checks.create({
    name: CheckName.validate,
    head_sha: headSha,
    status: 'in_progress',
    started_at: new Date().toISOString(),
    external_id: `pr:${request.number}`,
  });
  const complete = (
    conclusion: 'success' | 'failure',
    output: Parameters<CheckRuns['update']>[1]['output'],
  ) =>
    checks.update(
      checkRunId,
      {
        status: 'completed',
        conclusion,
        completed_at: new Date().toISOString(),
        ...(output ? { output } : {}),
      },
      CheckName.validate,
    );
  try {
    const reader = new RepositoryReader(request.client, request.repository, deps.blobs);
    const loaded = await reader.config(headSha);
    if (!loaded.ok) {
      await complete('failure', {
        title: `${REPO_CONFIG_PATH} is invalid`,
        summary: `${REPO_CONFIG_PATH} says where flows live and which branches deploy; it has ${loaded.issues.length} problem(s), shown as annotations.\n`,
        annotations: annotationsOf(REPO_CONFIG_PATH, loaded.issues),
      });
      return { checkRunId, conclusion: 'failure' };
    }
    const config = loaded.config;
    const comparison = await reader.compare(request.baseSha, headSha);
    let present: TreeFile[];
    let removed: string[];
    if (comparison.complete && !touchesRepoConfig(comparison.files, config)) {
      ({ present, removed } = flowChangesOf(comparison.files, config));
    } else {
      present = await listFlowFiles(reader, headSha, config);
      const atHead = new Set(present.map((f) => f.path));
      removed = (await listFlowFiles(reader, request.baseSha, config))
        .map((f) => f.path)
        .filter((p) => !atHead.has(p));
    }
    const files = await readFlowFiles(reader, headSha, present, config, deps.flowFiles);
    const plan = planDeploy({
      repository: request.repository,
      live: liveFlowsOf(await deps.store.liveFlows(request.repository)),
      present: files,
      removedPaths: removed,
      fullScan: false,
      owners: await currentOwners(deps, files),
      allowedNamespaces: config.namespaces,
    });
    // App files are read only when the pull request touches one (or the comparison is incomplete).
    const appsTouched = !comparison.complete || comparison.files.some((f) => isAppPath(f.path, config));
    const apps = appsTouched ? checkAppFiles(await readAppFiles(reader, headSha, config)) : undefined;
    const appsRefused = apps?.refused ?? [];
    const conclusion = plan.refused.length > 0 || appsRefused.length > 0 ? 'failure' : 'success';
    const summary = await renderSummary(
      'validate',
      validateView({ repository: request.repository, number: request.number, sha: headSha }, plan, files),
    );
    await complete(conclusion, {
      title:
        validateTitle(plan) + (appsRefused.length > 0 ? ` · ${appsRefused.length} app file(s) invalid` : ''),
      summary:
        summary +
        appsSummary(
          apps === undefined
            ? undefined
            : {
                deployed: apps.valid.map((v) => ({ path: v.path, namespace: v.app.namespace, id: v.app.id })),
                refused: appsRefused,
              },
        ),
      annotations: [
        ...validateAnnotations(plan),
        ...appsRefused.flatMap((r) => annotationsOf(r.path, r.issues)),
      ],
    });
    deps.log.info(
      { repository: request.repository, pr: request.number, sha: headSha, conclusion, files: files.length },
      'validated pull request',
    );
    return { checkRunId, conclusion, plan };
  } catch (error) {
    await complete('failure', {
      title: 'Validation could not run',
      summary: `${(error as Error).message}\n`,
    }).catch((reportError: unknown) =>
      deps.log.error({ err: reportError }, 'could not report a failed validation'),
    );
    throw error;
  }
}

/** Owners as they are now; a pull request does not claim namespaces. */
async function currentOwners(deps: HandlerDeps, files: readonly FlowFile[]): Promise<Map<string, string>> {
  const owners = new Map<string, string>();
  for (const ns of new Set(files.flatMap((f) => (f.flow ? [f.flow.namespace] : [])))) {
    const owner = await deps.ownership.ownerOf(ns);
    if (owner !== undefined) owners.set(ns, owner);
  }
  return owners;
}
