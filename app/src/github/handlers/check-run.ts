/**
 * `check_run` rerequested (the "Re-run" link) or requested_action "Run again": an execution check run
 * re-runs that execution's flow at the same commit, with the same inputs; `Osprey / deploy`
 * re-deploys the commit reading every flow file; `Osprey / validate` validates the pull request again.
 */
import { formatIssue } from '../../../../flows-schema/src/issue.ts';
import type { FlowFile } from '../../deployments/flow-file.ts';
import { toFlowFile } from '../../deployments/flow-file.ts';
import type { ExecutionDocument } from '../../execution/contract.ts';
import { InputsRefused } from '../../execution/contract.ts';
import { annotationsOf } from '../checks/annotations.ts';
import { CheckName, CheckRuns, EXECUTION_CHECK_PREFIX, RERUN_ACTION } from '../checks/check-runs.ts';
import { deployCommit } from '../deploy/deploy-commit.ts';
import type { HandlerDeps } from '../deps.ts';
import { callGitHub } from '../github-errors.ts';
import { CheckRunPayload, PullRequest, parsePayload } from '../payloads.schema.ts';
import { findFlowFile } from '../repository/find-flow.ts';
import { type GitHubClient, repoParams } from '../repository/github-client.ts';
import { readTemplates } from '../repository/read-flows.ts';
import { RepositoryReader } from '../repository/repository-reader.ts';
import { validatePullRequest } from '../validate/validate-pull-request.ts';

export async function handleCheckRun(
  deps: HandlerDeps,
  client: GitHubClient,
  raw: unknown,
  delivery?: string,
): Promise<void> {
  const payload = parsePayload(CheckRunPayload, raw, 'check_run');
  const asked =
    payload.action === 'rerequested' ||
    (payload.action === 'requested_action' &&
      payload.requested_action?.identifier === RERUN_ACTION.identifier);
  if (!asked) return;
  const run = payload.check_run;
  const repository = payload.repository.full_name;
  const checks = new CheckRuns(client, repository);
  const externalId = run.external_id ?? '';

  if (run.name === CheckName.deploy) {
    const branch = externalId.startsWith('deploy:')
      ? externalId.slice('deploy:'.length)
      : run.check_suite?.head_branch;
    if (!branch) return;
    await deps.serial.run(`${repository}#${branch}`, async () => {
      const loaded = await new RepositoryReader(client, repository, deps.blobs).config(run.head_sha);
      if (!loaded.ok) return;
      await deployCommit(deps, {
        client,
        checks,
        repository,
        branch,
        sha: run.head_sha,
        config: loaded.config,
        fullScan: true,
      });
    });
    return;
  }
  if (run.name === CheckName.validate) {
    const number = Number(externalId.startsWith('pr:') ? externalId.slice('pr:'.length) : Number.NaN);
    if (!Number.isInteger(number)) return;
    const { data } = await callGitHub(`reading pull request #${number} of ${repository}`, () =>
      client.request('GET /repos/{owner}/{repo}/pulls/{pull_number}', {
        ...repoParams(repository),
        pull_number: number,
      }),
    );
    const pr = PullRequest.parse(data);
    await deps.serial.run(`${repository}#pr${number}`, () =>
      validatePullRequest(deps, {
        client,
        checks,
        repository,
        number,
        headSha: run.head_sha,
        baseSha: pr.base.sha,
      }),
    );
    return;
  }
  if (run.name.startsWith(EXECUTION_CHECK_PREFIX))
    await rerunExecution(deps, client, checks, payload, delivery);
}

async function rerunExecution(
  deps: HandlerDeps,
  client: GitHubClient,
  checks: CheckRuns,
  payload: CheckRunPayload,
  delivery: string | undefined,
): Promise<void> {
  const run = payload.check_run;
  const repository = payload.repository.full_name;
  const sha = run.head_sha;
  const original: ExecutionDocument | undefined = run.external_id
    ? await deps.executions.get(run.external_id)
    : undefined;
  const target = original ? { namespace: original.namespace, flowId: original.flowId } : parseName(run.name);
  if (target === undefined) return;
  const name = `${target.namespace}.${target.flowId}`;
  const reader = new RepositoryReader(client, repository, deps.blobs);
  let file: FlowFile | undefined;
  const loaded = await reader.config(sha);
  const path = original?.source?.sha === sha ? original.source.path : undefined;
  if (path !== undefined && loaded.ok) {
    const found = await reader.file(path, sha);
    if (found !== undefined)
      file = toFlowFile(
        path,
        found.blobSha,
        found.text,
        loaded.config,
        await readTemplates(reader, sha, loaded.config),
      );
  }
  if (
    file === undefined ||
    file.declared?.namespace !== target.namespace ||
    file.declared.id !== target.flowId
  ) {
    file = loaded.ok ? await findFlowFile(reader, sha, loaded.config, target, deps.flowFiles) : undefined;
  }
  const refuse = (
    summary: string,
    annotations = file
      ? annotationsOf(
          file.path,
          file.issues.filter((i) => i.severity === 'error'),
        )
      : [],
  ) =>
    checks.create({
      name: `${EXECUTION_CHECK_PREFIX}${name}`,
      head_sha: sha,
      status: 'completed',
      conclusion: 'failure',
      completed_at: new Date().toISOString(),
      output: { title: 'Not re-run', summary, annotations },
    });
  if (file === undefined)
    return void (await refuse(
      `No flow \`${name}\` exists at ${sha.slice(0, 7)}, so it cannot run again there.\n`,
    ));
  if (file.flow === undefined) {
    const lines = file.issues
      .filter((i) => i.severity === 'error')
      .map((i) => `- ${formatIssue(file.path, i)}`);
    return void (await refuse(`\`${name}\` is invalid at ${sha.slice(0, 7)}:\n\n${lines.join('\n')}\n`));
  }
  try {
    const execution = await deps.launcher.launch({
      repository,
      installationId: payload.installation.id,
      sha,
      path: file.path,
      ...(delivery !== undefined ? { occurrence: delivery } : {}),
      flow: file.flow,
      ...(original
        ? { inputs: original.inputs, labels: original.labels.filter((l) => !l.key.startsWith('system.')) }
        : {}),
      trigger: original?.trigger ?? {
        id: 'rerun',
        type: 'io.osprey.github.Rerun',
        variables: { sender: payload.sender?.login ?? '' },
      },
    });
    deps.log.info(
      { repository, flow: name, execution: execution.id, original: original?.id, sha },
      're-ran an execution',
    );
  } catch (error) {
    if (!(error instanceof InputsRefused)) throw error;
    await refuse(
      `The inputs of the original execution were refused:\n\n${error.problems.map((p) => `- \`${p.input}\`: ${p.message}`).join('\n')}\n`,
    );
  }
}

function parseName(checkName: string): { namespace: string; flowId: string } | undefined {
  const full = checkName.slice(EXECUTION_CHECK_PREFIX.length);
  const dot = full.lastIndexOf('.');
  return dot > 0 ? { namespace: full.slice(0, dot), flowId: full.slice(dot + 1) } : undefined;
}
