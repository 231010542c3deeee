/** Whether a user may start executions from comments: write access to the repository (or more). */

import { callGitHub } from '../github-errors.ts';
import { type GitHubClient, repoParams } from '../repository/github-client.ts';

const WRITE_LEVELS = new Set(['admin', 'maintain', 'write', 'push']);

/** The user's permission (`admin`, `write`, `read`, `none`, …); `none` for non-collaborators. */
export async function permissionOf(client: GitHubClient, repository: string, login: string): Promise<string> {
  try {
    const { data } = await client.request('GET /repos/{owner}/{repo}/collaborators/{username}/permission', {
      ...repoParams(repository),
      username: login,
    });
    const role = (data as { role_name?: string }).role_name;
    return WRITE_LEVELS.has(role ?? '') ? (role as string) : data.permission;
  } catch (error) {
    if ((error as { status?: unknown }).status === 404) return 'none';
    return callGitHub(`reading ${login}'s permission on ${repository}`, () => Promise.reject(error));
  }
}

export function canWrite(permission: string): boolean {
  return WRITE_LEVELS.has(permission);
}
