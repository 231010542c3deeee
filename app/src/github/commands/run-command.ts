/**
 * `issue_comment` → `/osprey run <namespace>.<flowId> [k=v ...]` on a pull request: a user with write
 * access starts the flow as it is at the PR's head commit (not the deployed revision); the execution
 * is reported as a check run on that commit. Everyone gets a reply: what started, or why not.
 */
import { formatIssue } from '../../../../flows-schema/src/issue.ts';
import { sameRepository } from '../../deployments/ports.ts';
import { InputsRefused } from '../../execution/contract.ts';
import { EXECUTION_CHECK_PREFIX } from '../checks/check-runs.ts';
import type { HandlerDeps } from '../deps.ts';
import { callGitHub } from '../github-errors.ts';
import { IssueCommentPayload, PullRequest, parsePayload } from '../payloads.schema.ts';
import { findFlowFile } from '../repository/find-flow.ts';
import { type GitHubClient, repoParams } from '../repository/github-client.ts';
import { RepositoryReader } from '../repository/repository-reader.ts';
import { parseCommand, RUN_USAGE } from './parse-command.ts';
import { canWrite, permissionOf } from './permissions.ts';

export async function handleIssueComment(
  deps: HandlerDeps,
  client: GitHubClient,
  raw: unknown,
  delivery?: string,
): Promise<void> {
  const payload = parsePayload(IssueCommentPayload, raw, 'issue_comment');
  if (payload.action !== 'created') return;
  const command = parseCommand(payload.comment.body);
  if (command === undefined || payload.comment.user.type === 'Bot') return;
  const repository = payload.repository.full_name;
  const login = payload.comment.user.login;
  const number = payload.issue.number;
  const reply = (text: string) => postComment(client, repository, number, `@${login} ${text}`);

  const pr = await pullRequest(client, repository, number);
  if (pr === undefined)
    return reply(
      '`/osprey run` works in pull-request comments only: it runs the flow as it is in the pull request.',
    );
  const permission = await permissionOf(client, repository, login);
  if (!canWrite(permission)) {
    return reply(
      `\`/osprey run\` needs write access to ${repository} (you have ${permission === 'none' ? 'no access' : `\`${permission}\``}), because it runs code from this pull request on Osprey's runners. Ask someone with write access to comment the command.`,
    );
  }
  if (command.kind === 'invalid') return reply(command.message);

  const sha = pr.head.sha;
  const name = `${command.namespace}.${command.flowId}`;
  const reader = new RepositoryReader(client, repository, deps.blobs);
  const loaded = await reader.config(sha);
  if (!loaded.ok)
    return reply(
      `.osprey.yml is invalid at ${sha.slice(0, 7)}, so flows cannot be found: ${loaded.issues.map((i) => formatIssue('.osprey.yml', i)).join('; ')}`,
    );
  const file = await findFlowFile(reader, sha, loaded.config, command, deps.flowFiles);
  if (file === undefined) {
    return reply(
      `no flow \`${name}\` at ${sha.slice(0, 7)} (looked in \`${loaded.config.flows}/\`). Check the namespace and id; usage: ${RUN_USAGE}`,
    );
  }
  if (file.flow === undefined) {
    const errors = file.issues
      .filter((i) => i.severity === 'error')
      .map((i) => `- ${formatIssue(file.path, i)}`);
    return reply(
      `\`${name}\` is invalid at ${sha.slice(0, 7)}, so it was not started:\n\n${errors.join('\n')}`,
    );
  }
  const owner = await deps.ownership.ownerOf(command.namespace);
  if (owner !== undefined && !sameRepository(owner, repository)) {
    return reply(
      `namespace \`${command.namespace}\` belongs to ${owner}; flows in it run from that repository only.`,
    );
  }
  try {
    const execution = await deps.launcher.launch({
      repository,
      installationId: payload.installation.id,
      sha,
      path: file.path,
      ...(delivery !== undefined ? { occurrence: delivery } : {}),
      flow: file.flow,
      inputs: command.inputs,
      labels: [{ key: 'github.pull_request', value: String(number) }],
      trigger: {
        id: 'comment',
        type: 'io.osprey.github.Comment',
        variables: {
          event: 'issue_comment',
          sha,
          number,
          sender: login,
          repository,
          branch: pr.head.ref,
          baseBranch: pr.base.ref,
        },
      },
    });
    deps.log.info(
      { repository, pr: number, flow: name, execution: execution.id, sender: login },
      'comment started an execution',
    );
    return reply(
      `started \`${name}\` at ${sha.slice(0, 7)} (execution \`${execution.id}\`). Follow it in the check run \`${EXECUTION_CHECK_PREFIX}${name}\`.`,
    );
  } catch (error) {
    if (error instanceof InputsRefused) {
      return reply(
        `\`${name}\` was not started; its inputs were refused:\n\n${error.problems.map((p) => `- \`${p.input}\`: ${p.message}`).join('\n')}`,
      );
    }
    throw error;
  }
}

/** The pull request behind an issue number, or undefined for a plain issue. */
async function pullRequest(client: GitHubClient, repository: string, number: number) {
  try {
    const { data } = await client.request('GET /repos/{owner}/{repo}/pulls/{pull_number}', {
      ...repoParams(repository),
      pull_number: number,
    });
    return PullRequest.parse(data);
  } catch (error) {
    if ((error as { status?: unknown }).status === 404) return undefined;
    return callGitHub(`reading pull request #${number} of ${repository}`, () => Promise.reject(error));
  }
}

async function postComment(
  client: GitHubClient,
  repository: string,
  number: number,
  body: string,
): Promise<void> {
  await callGitHub(`replying on #${number} of ${repository}`, () =>
    client.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', {
      ...repoParams(repository),
      issue_number: number,
      body,
    }),
  );
}
