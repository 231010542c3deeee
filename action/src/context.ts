/**
 * What every command of the Action is handed, and what it hands back: the checked inputs, the
 * workspace and the Osprey repository inside it, the annotator; a job summary (Markdown), step
 * outputs and, when the step must fail, why.
 */
import { relative, resolve, sep } from 'node:path';
import type { Annotator } from './annotations.ts';
import type { ActionInputs } from './inputs.ts';

export interface ActionContext {
  inputs: ActionInputs;
  /** GITHUB_WORKSPACE (absolute): annotation paths are relative to it. */
  workspace: string;
  /** The Osprey repository: `path` inside the workspace. */
  root: string;
  env: Readonly<Record<string, string | undefined>>;
  annotator: Annotator;
  /** Plain log lines (stdout). */
  log(line: string): void;
  /** `::group::` … `::endgroup::` around what `body` logs. */
  group(title: string, body: () => void): void;
}

export interface StepResult {
  /** Markdown for the job summary. */
  summary: string;
  outputs: Record<string, string>;
  /** Set when the step fails: the message of the failure. */
  failure?: string;
}

/** A path relative to the workspace, with `/` (what annotations and summaries show). */
export function workspacePath(ctx: Pick<ActionContext, 'workspace'>, path: string): string {
  return (relative(ctx.workspace, resolve(path)) || path).split(sep).join('/');
}

/** The file at `GITHUB_SHA` on GitHub (and the line), when the job knows its repository. */
export function blobUrl(
  env: Readonly<Record<string, string | undefined>>,
  file: string,
  line?: number,
): string | undefined {
  const server = env['GITHUB_SERVER_URL'];
  const repository = env['GITHUB_REPOSITORY'];
  const sha = env['GITHUB_SHA'];
  if (!server || !repository || !sha) return undefined;
  return `${server}/${repository}/blob/${sha}/${file.split('/').map(encodeURIComponent).join('/')}${line === undefined ? '' : `#L${line}`}`;
}
