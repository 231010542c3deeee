/** Synthetic webhook payloads for events the emulator does not emit (shapes as GitHub sends them). */
import { INSTALLATION_ID } from './emulator.ts';

export function pullRequestPayload(
  action: string,
  repository: string,
  pr: { number: number; headRef: string; headSha: string; baseRef: string; baseSha: string },
  sender = 'alice',
) {
  const repo = { full_name: repository, default_branch: 'main' };
  return {
    action,
    number: pr.number,
    pull_request: {
      number: pr.number,
      head: { ref: pr.headRef, sha: pr.headSha, repo },
      base: { ref: pr.baseRef, sha: pr.baseSha, repo },
    },
    repository: repo,
    installation: { id: INSTALLATION_ID },
    sender: { login: sender },
  };
}

export function pushPayload(
  repository: string,
  branch: string,
  before: string,
  after: string,
  sender = 'alice',
) {
  return {
    ref: `refs/heads/${branch}`,
    before,
    after,
    repository: { full_name: repository, default_branch: 'main' },
    installation: { id: INSTALLATION_ID },
    sender: { login: sender },
  };
}
