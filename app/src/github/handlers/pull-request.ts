/**
 * `pull_request`: on opened / synchronize / reopened, validate the flows the pull request changes at
 * its head commit; and start flows whose Git trigger matches (flows as they are at the head commit,
 * never for pull requests from forks: their code would run on our runners).
 */

import { CheckRuns } from '../checks/check-runs.ts';
import type { HandlerDeps } from '../deps.ts';
import { fireGitTriggers } from '../git-triggers/fire-git-triggers.ts';
import { flowsWithGitTriggers } from '../git-triggers/flows-with-git-triggers.ts';
import { PullRequestPayload, parsePayload } from '../payloads.schema.ts';
import type { GitHubClient } from '../repository/github-client.ts';
import { RepositoryReader } from '../repository/repository-reader.ts';
import { validatePullRequest } from '../validate/validate-pull-request.ts';
import { changedFilesBetween } from './push.ts';

const VALIDATED_ACTIONS = new Set(['opened', 'synchronize', 'reopened']);
const TRIGGER_ACTIONS = new Set(['opened', 'synchronize', 'reopened', 'closed']);

export async function handlePullRequest(
  deps: HandlerDeps,
  client: GitHubClient,
  raw: unknown,
  delivery?: string,
): Promise<void> {
  const payload = parsePayload(PullRequestPayload, raw, 'pull_request');
  const pr = payload.pull_request;
  const repository = payload.repository.full_name;
  const checks = new CheckRuns(client, repository);
  const work: Array<Promise<unknown>> = [];
  if (VALIDATED_ACTIONS.has(payload.action)) {
    work.push(
      deps.serial.run(`${repository}#pr${pr.number}`, () =>
        validatePullRequest(deps, {
          client,
          checks,
          repository,
          number: pr.number,
          headSha: pr.head.sha,
          baseSha: pr.base.sha,
        }),
      ),
    );
  }
  if (TRIGGER_ACTIONS.has(payload.action)) work.push(triggerFlows(deps, client, checks, payload, delivery));
  const results = await Promise.allSettled(work);
  for (const r of results) if (r.status === 'rejected') throw r.reason;
}

async function triggerFlows(
  deps: HandlerDeps,
  client: GitHubClient,
  checks: CheckRuns,
  payload: PullRequestPayload,
  delivery: string | undefined,
): Promise<void> {
  const pr = payload.pull_request;
  const repository = payload.repository.full_name;
  const headRepository = pr.head.repo?.full_name;
  if (headRepository !== undefined && headRepository !== repository) {
    deps.log.info(
      { repository, pr: pr.number, from: headRepository },
      'git triggers skipped for a pull request from a fork',
    );
    return;
  }
  const reader = new RepositoryReader(client, repository, deps.blobs);
  const loaded = await reader.config(pr.head.sha);
  if (!loaded.ok) return;
  const flows = await flowsWithGitTriggers(deps, reader, pr.head.sha, loaded.config);
  if (flows.length === 0) return;
  const changedFiles = await changedFilesBetween(reader, pr.base.sha, pr.head.sha);
  await fireGitTriggers(deps, checks, flows, {
    repository,
    installationId: payload.installation.id,
    sha: pr.head.sha,
    ...(delivery !== undefined ? { delivery } : {}),
    event: {
      name: 'pull_request',
      action: payload.action,
      baseBranch: pr.base.ref,
      ...(changedFiles ? { changedFiles } : {}),
    },
    variables: {
      event: 'pull_request',
      ref: `refs/pull/${pr.number}/head`,
      branch: pr.head.ref,
      sha: pr.head.sha,
      number: pr.number,
      action: payload.action,
      baseBranch: pr.base.ref,
      headBranch: pr.head.ref,
      repository,
      sender: payload.sender?.login ?? '',
      changedFiles: changedFiles ?? [],
    },
  });
}
