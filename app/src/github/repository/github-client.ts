/**
 * The slice of Octokit that Osprey's GitHub code calls: `request` with GitHub's typed routes. An
 * installation-authenticated Probot Octokit satisfies it (with throttling and retry in production).
 */
import type { ProbotOctokit } from 'probot';

export type GitHubClient = Pick<InstanceType<typeof ProbotOctokit>, 'request'>;

/** `owner/name` split into the two route parameters. */
export function repoParams(fullName: string): { owner: string; repo: string } {
  const slash = fullName.indexOf('/');
  if (slash <= 0 || slash === fullName.length - 1)
    throw new Error(`'${fullName}' is not a repository full name; expected owner/name`);
  return { owner: fullName.slice(0, slash), repo: fullName.slice(slash + 1) };
}
