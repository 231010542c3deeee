/**
 * Git's stderr, translated at the boundary into messages that say what to do. A refused credential
 * or an unknown commit cannot be fixed by retrying; an unreachable host can.
 */
import { ExternalServiceError, TaskFailure } from '../../../protocol/src/task-contract.ts';

export interface GitErrorContext {
  /** The repository as shown to users (no credentials). */
  repository: string;
  sha?: string;
  /** Values to blank out of git's output (tokens). */
  secrets: readonly string[];
}

export function translateGitError(error: unknown, context: GitErrorContext): TaskFailure {
  const raw = error instanceof Error ? error.message : String(error);
  const stderr = redact(raw, context.secrets);
  const detail = lastMeaningfulLine(stderr);
  const { repository, sha } = context;

  if (
    /authentication failed|could not read (username|password)|terminal prompts disabled|http basic: access denied|returned error: 40[13]|invalid username or password|permission denied \(publickey/i.test(
      stderr,
    )
  ) {
    return new TaskFailure(
      `git: the runner's repository credential was refused by ${repository}; check the app's installation token / OSPREY_GIT_URL (git said: ${detail})`,
      { retryable: false, cause: error },
    );
  }
  if (
    /repository not found|does not appear to be a git repository|returned error: 404|no such repository/i.test(
      stderr,
    )
  ) {
    return new TaskFailure(
      `git: repository ${repository} was not found or this runner's credential cannot see it; check the repository URL and that the app is installed on it (git said: ${detail})`,
      { retryable: false, cause: error },
    );
  }
  if (
    sha !== undefined &&
    /not our ref|couldn't find remote ref|unadvertised object|no such remote ref|bad object|invalid refspec/i.test(
      stderr,
    )
  ) {
    return new TaskFailure(`git: commit ${sha} is not in ${repository}; was it force-pushed away?`, {
      retryable: false,
      cause: error,
    });
  }
  if (
    /could not resolve host|connection refused|connection timed out|failed to connect|timed out|network is unreachable|early eof|the remote end hung up/i.test(
      stderr,
    )
  ) {
    return new ExternalServiceError(
      `git: could not reach ${repository}: ${detail}; check the runner's network access to the git host`,
      { cause: error },
    );
  }
  return new ExternalServiceError(`git: reading namespace files from ${repository} failed: ${detail}`, {
    cause: error,
  });
}

export function redact(text: string, secrets: readonly string[]): string {
  let out = text.replace(/(\/\/)[^/@\s]+@/g, '$1');
  for (const s of secrets) if (s !== '') out = out.replaceAll(s, '******');
  return out;
}

function lastMeaningfulLine(text: string): string {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !/^(hint|warning):/i.test(l));
  const fatal = [...lines].reverse().find((l) => /^(fatal|error|remote):/i.test(l));
  return (fatal ?? lines.at(-1) ?? 'no message').slice(0, 300);
}
