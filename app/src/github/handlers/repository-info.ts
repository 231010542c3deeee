/** Facts about a repository that payloads usually carry, with an API call when they do not. */

import { callGitHub } from '../github-errors.ts';
import { type GitHubClient, repoParams } from '../repository/github-client.ts';

export async function defaultBranchOf(
  client: GitHubClient,
  repository: { full_name: string; default_branch?: string | undefined },
): Promise<string> {
  if (repository.default_branch !== undefined) return repository.default_branch;
  const { data } = await callGitHub(`reading the default branch of ${repository.full_name}`, () =>
    client.request('GET /repos/{owner}/{repo}', repoParams(repository.full_name)),
  );
  return data.default_branch;
}
