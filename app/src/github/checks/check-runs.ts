/**
 * Creating and updating check runs on one repository. Texts are cut to GitHub's 65 535 characters and
 * annotations are sent 50 per request, as the API requires; every failure is explained.
 */

import { callGitHub } from '../github-errors.ts';
import { type GitHubClient, repoParams } from '../repository/github-client.ts';
import { ANNOTATIONS_PER_REQUEST, type Annotation } from './annotations.ts';

export const CheckName = { deploy: 'Osprey / deploy', validate: 'Osprey / validate' } as const;
/** Execution check runs are named `osprey: <namespace>.<flowId>`. */
export const EXECUTION_CHECK_PREFIX = 'osprey: ';

export type CheckStatus = 'queued' | 'in_progress' | 'completed';
export type CheckConclusion =
  | 'success'
  | 'failure'
  | 'neutral'
  | 'cancelled'
  | 'skipped'
  | 'timed_out'
  | 'action_required';

export interface CheckOutput {
  title: string;
  summary: string;
  text?: string;
  annotations?: Annotation[];
}

export interface CheckAction {
  label: string;
  description: string;
  identifier: string;
}

export interface CheckRunFields {
  status?: CheckStatus;
  conclusion?: CheckConclusion;
  started_at?: string;
  completed_at?: string;
  external_id?: string;
  details_url?: string;
  output?: CheckOutput;
  actions?: CheckAction[];
}

export interface NewCheckRun extends CheckRunFields {
  name: string;
  head_sha: string;
}

/** The "Run again" button on execution check runs (`check_run.requested_action`). */
export const RERUN_ACTION: CheckAction = {
  label: 'Run again',
  description: 'Run this flow again at this commit',
  identifier: 'rerun',
};

const MAX_TEXT = 65_535;

export class CheckRuns {
  readonly #client: GitHubClient;
  readonly repository: string;
  readonly #params: { owner: string; repo: string };

  constructor(client: GitHubClient, repository: string) {
    this.#client = client;
    this.repository = repository;
    this.#params = repoParams(repository);
  }

  async create(run: NewCheckRun): Promise<number> {
    const { output, rest } = splitAnnotations(run.output);
    const { data } = await callGitHub(
      `creating check run '${run.name}' on ${this.repository}@${run.head_sha.slice(0, 7)}`,
      () =>
        this.#client.request('POST /repos/{owner}/{repo}/check-runs', {
          ...this.#params,
          ...run,
          ...(output ? { output } : {}),
        }),
    );
    const id = Number(data.id);
    await this.#moreAnnotations(id, run.output, rest, run.name);
    return id;
  }

  async update(id: number, fields: CheckRunFields, nameForMessages = `#${id}`): Promise<void> {
    const { output, rest } = splitAnnotations(fields.output);
    await callGitHub(`updating check run '${nameForMessages}' on ${this.repository}`, () =>
      this.#client.request('PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}', {
        ...this.#params,
        check_run_id: id,
        ...fields,
        ...(output ? { output } : {}),
      }),
    );
    await this.#moreAnnotations(id, fields.output, rest, nameForMessages);
  }

  async #moreAnnotations(
    id: number,
    output: CheckOutput | undefined,
    rest: Annotation[],
    name: string,
  ): Promise<void> {
    for (let i = 0; i < rest.length; i += ANNOTATIONS_PER_REQUEST) {
      const annotations = rest.slice(i, i + ANNOTATIONS_PER_REQUEST);
      await callGitHub(`adding annotations to check run '${name}' on ${this.repository}`, () =>
        this.#client.request('PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}', {
          ...this.#params,
          check_run_id: id,
          output: {
            title: clip(output?.title ?? '', 255),
            summary: clip(output?.summary ?? ''),
            annotations,
          },
        }),
      );
    }
  }
}

function splitAnnotations(output: CheckOutput | undefined): { output?: CheckOutput; rest: Annotation[] } {
  if (output === undefined) return { rest: [] };
  const all = output.annotations ?? [];
  const clipped: CheckOutput = {
    title: clip(output.title, 255),
    summary: clip(output.summary),
    ...(output.text !== undefined ? { text: clip(output.text) } : {}),
    ...(all.length > 0 ? { annotations: all.slice(0, ANNOTATIONS_PER_REQUEST) } : {}),
  };
  return { output: clipped, rest: all.slice(ANNOTATIONS_PER_REQUEST) };
}

/** Cut to GitHub's limit, saying so. */
export function clip(text: string, max = MAX_TEXT): string {
  if (text.length <= max) return text;
  const note = '\n\n… (cut: GitHub limits this text to 65 535 characters)';
  return max > note.length * 2 ? text.slice(0, max - note.length) + note : text.slice(0, max);
}
