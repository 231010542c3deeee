/**
 * One step of the Action: read the inputs, run the command, then write what GitHub shows (step
 * outputs, the job summary with the annotations past the per-step cap) and fail the step when the
 * command says so. `core` is @actions/core: the workflow commands and the runner's files.
 */
import { resolve } from 'node:path';
import type * as Core from '@actions/core';
import { Annotator, type Problem, SHOWN_PER_STEP } from './annotations.ts';
import type { ActionContext, StepResult } from './context.ts';
import { InputError, readInputs } from './inputs.ts';
import { cell, code, plural, table } from './markdown.ts';
import { runCommand } from './run.ts';
import { testCommand } from './test-command.ts';
import { triggerCommand } from './trigger.ts';
import { validateCommand } from './validate.ts';

const COMMAND = { validate: validateCommand, run: runCommand, trigger: triggerCommand, test: testCommand };

type CoreApi = Pick<
  typeof Core,
  | 'getInput'
  | 'setSecret'
  | 'setOutput'
  | 'setFailed'
  | 'error'
  | 'warning'
  | 'info'
  | 'startGroup'
  | 'endGroup'
  | 'summary'
>;

export async function runAction(
  core: CoreApi,
  env: Readonly<Record<string, string | undefined>>,
): Promise<void> {
  const annotator = new Annotator(core);
  let result: StepResult;
  try {
    const inputs = readInputs((name) => core.getInput(name));
    if (inputs.token !== undefined) core.setSecret(inputs.token);
    maskSecrets(core, env);
    const workspace = resolve(env['GITHUB_WORKSPACE'] || process.cwd());
    const ctx: ActionContext = {
      inputs,
      workspace,
      root: resolve(workspace, inputs.path || '.'),
      env,
      annotator,
      log: (line) => core.info(line),
      group: (title, body) => {
        core.startGroup(title);
        try {
          body();
        } finally {
          core.endGroup();
        }
      },
    };
    result = await COMMAND[inputs.command](ctx);
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    result = { summary: `## Osprey\n\n❌ ${e.message}\n`, outputs: {}, failure: e.message };
  }
  for (const [name, value] of Object.entries(result.outputs)) core.setOutput(name, value);
  const summary = result.summary + overflowSection(annotator.overflow);
  if (env['GITHUB_STEP_SUMMARY']) await core.summary.addRaw(summary, true).write();
  if (result.failure !== undefined) core.setFailed(result.failure);
}

/** Values of SECRET_* variables (base64, as flows read them) are masked in the job log too. */
function maskSecrets(core: CoreApi, env: Readonly<Record<string, string | undefined>>): void {
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith('SECRET_') || !value) continue;
    core.setSecret(value);
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    if (decoded !== '') core.setSecret(decoded);
  }
}

/** Problems GitHub would not show as annotations: listed in the summary. */
export function overflowSection(overflow: readonly Problem[]): string {
  if (overflow.length === 0) return '';
  const errors = overflow.filter((p) => p.level === 'error').length;
  return [
    '',
    '### Not shown as annotations',
    '',
    `GitHub shows ${SHOWN_PER_STEP} error and ${SHOWN_PER_STEP} warning annotations per step; these ${overflow.length} more (${plural(errors, 'error')}, ${plural(overflow.length - errors, 'warning')}) are listed here and in the log.`,
    '',
    table(
      ['where', 'severity', 'problem'],
      overflow.map((p) => [
        p.file === undefined
          ? '—'
          : code(
              `${p.file}${p.line === undefined ? '' : `:${p.line}`}${p.col === undefined ? '' : `:${p.col}`}`,
            ),
        p.level,
        cell(p.title === undefined ? p.message : `${p.message} [${p.title}]`),
      ]),
    ),
    '',
  ].join('\n');
}
