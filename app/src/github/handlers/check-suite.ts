/**
 * `check_suite` rerequested ("Re-run all checks" on GitHub): the latest Osprey check run of each
 * name on the suite's commit (what GitHub lists by default, and shows in the suite) is handled as
 * if it had been re-requested on its own — deploy re-deploys, validate re-validates, an execution
 * runs again at the same commit.
 */

import { CheckName, EXECUTION_CHECK_PREFIX } from '../checks/check-runs.ts';
import type { HandlerDeps } from '../deps.ts';
import { callGitHub } from '../github-errors.ts';
import { CheckSuitePayload, parsePayload } from '../payloads.schema.ts';
import { type GitHubClient, repoParams } from '../repository/github-client.ts';
import { handleCheckRun } from './check-run.ts';

interface ListedRun {
  id: number;
  name: string;
  head_sha: string;
  external_id?: string | null;
  check_suite?: { id?: number; head_branch?: string | null } | null;
}

export async function handleCheckSuite(
  deps: HandlerDeps,
  client: GitHubClient,
  raw: unknown,
  delivery?: string,
): Promise<void> {
  const payload = parsePayload(CheckSuitePayload, raw, 'check_suite');
  if (payload.action !== 'rerequested') return;
  const { repository, installation, check_suite: suite } = payload;
  const { data } = await callGitHub(
    `listing the check runs of ${repository.full_name}@${suite.head_sha.slice(0, 7)}`,
    () =>
      client.request('GET /repos/{owner}/{repo}/commits/{ref}/check-runs', {
        ...repoParams(repository.full_name),
        ref: suite.head_sha,
        per_page: 100,
      }),
  );
  const runs = ((data as { check_runs?: ListedRun[] }).check_runs ?? []).filter(
    (r) =>
      (r.check_suite?.id === undefined || r.check_suite.id === suite.id) &&
      (r.name === CheckName.deploy ||
        r.name === CheckName.validate ||
        r.name.startsWith(EXECUTION_CHECK_PREFIX)),
  );
  // One failing re-run (e.g. a flow now invalid) must not keep the others from running.
  const failures: string[] = [];
  for (const run of runs) {
    try {
      await handleCheckRun(
        deps,
        client,
        {
          action: 'rerequested',
          check_run: { ...run, check_suite: { head_branch: suite.head_branch ?? null } },
          repository,
          installation,
          ...(payload.sender ? { sender: payload.sender } : {}),
        },
        delivery === undefined ? undefined : `${delivery}/${run.id}`,
      );
    } catch (e) {
      failures.push(`${run.name}: ${(e as Error).message}`);
    }
  }
  if (failures.length > 0)
    throw new Error(`re-running the checks of ${suite.head_sha.slice(0, 7)}: ${failures.join('; ')}`);
}
