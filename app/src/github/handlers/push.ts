/**
 * `push`: deploy when the branch is a deploy branch (default: the repository's default branch, or
 * `.osprey.yml` `deploy.branches` globs), and start flows whose Git trigger matches — at the pushed
 * commit. Pushes of one branch are handled one at a time, in arrival order.
 */
import picomatch from 'picomatch';
import { CheckRuns } from '../checks/check-runs.ts';
import { deployCommit, refuseConfig } from '../deploy/deploy-commit.ts';
import type { HandlerDeps } from '../deps.ts';
import { fireGitTriggers } from '../git-triggers/fire-git-triggers.ts';
import { flowsWithGitTriggers } from '../git-triggers/flows-with-git-triggers.ts';
import { PushPayload, parsePayload } from '../payloads.schema.ts';
import { changedPaths } from '../repository/flow-changes.ts';
import type { GitHubClient } from '../repository/github-client.ts';
import { isZeroSha, RepositoryReader } from '../repository/repository-reader.ts';
import { defaultBranchOf } from './repository-info.ts';

/** A commit message containing this re-reads every flow file (rather than the changed ones). */
export const FULL_DEPLOY_MARKER = /\[osprey deploy all\]/i;

export async function handlePush(
  deps: HandlerDeps,
  client: GitHubClient,
  raw: unknown,
  delivery?: string,
): Promise<void> {
  const payload = parsePayload(PushPayload, raw, 'push');
  if (!payload.ref.startsWith('refs/heads/') || payload.deleted === true || isZeroSha(payload.after)) return;
  const branch = payload.ref.slice('refs/heads/'.length);
  const repository = payload.repository.full_name;
  const sha = payload.after;
  await deps.serial.run(`${repository}#${branch}`, async () => {
    const reader = new RepositoryReader(client, repository, deps.blobs);
    const checks = new CheckRuns(client, repository);
    const defaultBranch = await defaultBranchOf(client, payload.repository);
    const loaded = await reader.config(sha);
    if (!loaded.ok) {
      if (branch === defaultBranch) await refuseConfig(checks, sha, loaded.issues);
      return;
    }
    const config = loaded.config;
    const deployBranches = config.deploy.branches ?? [defaultBranch];
    const deploys = picomatch.isMatch(branch, deployBranches);

    const triggered = (async () => {
      const flows = await flowsWithGitTriggers(deps, reader, sha, config);
      if (flows.length === 0) return;
      const base = isZeroSha(payload.before) ? defaultBranch : payload.before;
      const changedFiles = base === branch ? undefined : await changedFilesBetween(reader, base, sha);
      await fireGitTriggers(deps, checks, flows, {
        repository,
        installationId: payload.installation.id,
        sha,
        ...(delivery !== undefined ? { delivery } : {}),
        event: { name: 'push', branch, ...(changedFiles ? { changedFiles } : {}) },
        variables: {
          event: 'push',
          ref: payload.ref,
          branch,
          sha,
          before: payload.before,
          repository,
          sender: payload.sender?.login ?? '',
          changedFiles: changedFiles ?? [],
        },
      });
    })();
    const deployed = deploys
      ? deployCommit(deps, {
          client,
          checks,
          repository,
          branch,
          sha,
          config,
          fullScan: FULL_DEPLOY_MARKER.test(payload.head_commit?.message ?? ''),
        })
      : Promise.resolve(undefined);
    const [d, t] = await Promise.allSettled([deployed, triggered]);
    if (d.status === 'rejected') throw d.reason;
    if (t.status === 'rejected') throw t.reason;
  });
}

/** Paths changed from `base` to `head`, or undefined when GitHub cannot say (unknown base, capped list). */
export async function changedFilesBetween(
  reader: RepositoryReader,
  base: string,
  head: string,
): Promise<string[] | undefined> {
  try {
    const comparison = await reader.compare(base, head);
    return comparison.complete ? changedPaths(comparison.files) : undefined;
  } catch {
    return undefined;
  }
}
