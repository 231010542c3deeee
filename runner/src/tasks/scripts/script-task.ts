/**
 * What every script task does, whatever its language: refuse task runners it cannot honour, prepare
 * the working directory (namespace files, input files), run `beforeCommands` then the commands in
 * one shell (`interpreter`, default `/bin/sh -c`; `set -e` first unless `failFast: false`), stream
 * the logs, upload `outputFiles`, and return Kestra's script outputs: `vars` (from the output
 * protocol), `exitCode` and `outputFiles`. A non-zero exit fails the task; stderr output makes it
 * WARNING only with `warningOnStdErr: true`.
 */
import { randomBytes } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import {
  type RunnableTask,
  type TaskContext,
  TaskFailure,
  type TaskLogger,
  type TaskResult,
} from '../../../../protocol/src/task-contract.ts';
import { prepareWorkspace, type Workspace } from '../../workspace/working-directory.ts';
import { propertiesOf } from '../support/properties.ts';
import { envProperty, processEnv, withPythonShim } from './process-env.ts';
import { exitFailure, runProcess } from './process-runner.ts';
import { checkTaskRunner } from './task-runner.ts';

export interface ScriptRun {
  type: string;
  /**
   * The commands to run after `beforeCommands`, given the prepared working directory and the task's
   * context with `{{ workingDir }}` resolved to it.
   */
  commands(workspace: Workspace, ctx: TaskContext): Promise<string[]>;
  /** Variables the plugin adds over the task's `env` (may use the working directory's scratch folder). */
  env?(workspace: Workspace): Record<string, string>;
  /** Make `python` resolve to `python3` when only that exists. */
  python?: boolean;
  /** `warningOnStdErr` when the task does not set it (false for script tasks). */
  warningOnStdErr?: boolean;
  /** Where logs go (a plugin may wrap ctx.logger to mask more values). */
  logger?: TaskLogger;
  /** Appended to the failure message of a non-zero exit (e.g. how to install a missing tool). */
  failureHint?(exitCode: number | null): string;
  /** Called when the process has ended, before outputFiles are collected (remove helper files). */
  afterProcess?(): Promise<void>;
}

const DEFAULT_INTERPRETER = ['/bin/sh', '-c'];
const POSIX_SHELLS = new Set(['sh', 'bash', 'dash', 'zsh', 'ksh', 'ash', 'busybox']);

export async function runScriptTask(given: TaskContext, run: ScriptRun): Promise<TaskResult> {
  let ctx = given;
  let p = propertiesOf(run.type, ctx);
  const what = `task '${ctx.run.taskId}'`;
  const logger = run.logger ?? ctx.logger;
  checkTaskRunner(ctx.properties, logger, what);
  const interpreter = stringList(p.raw('interpreter'), `${what}: interpreter`);
  const shell = interpreter.length === 0 ? DEFAULT_INTERPRETER : interpreter;
  const failFast = p.boolean('failFast', true);
  const warningOnStdErr = p.boolean('warningOnStdErr', run.warningOnStdErr ?? false);
  if (p.has('dependencies')) {
    logger.log(
      'WARN',
      'dependencies are not installed by the process runner; install them in beforeCommands',
    );
  }

  const workspace = await prepareWorkspace(ctx, {
    namespaceFiles: p.raw('namespaceFiles'),
    inputFiles: p.raw('inputFiles'),
  });
  try {
    ctx = workspace.resolve(ctx);
    p = propertiesOf(run.type, ctx);
    const body = [
      ...(failFast && POSIX_SHELLS.has(basename(shell[0] as string)) ? ['set -e'] : []),
      ...stringList(p.raw('beforeCommands'), `${what}: beforeCommands`),
      ...(await run.commands(workspace, ctx)),
    ];
    let env = processEnv({ ...envProperty(p.raw('env'), `${what}: env`), ...run.env?.(workspace) });
    if (run.python) env = await withPythonShim(env, workspace.scratch);
    const result = await runProcess({
      command: shell[0] as string,
      args: [...shell.slice(1), body.join('\n')],
      cwd: workspace.path,
      env,
      logger,
      signal: ctx.signal,
      what,
    });
    await run.afterProcess?.();
    if (result.exitCode !== 0) throw exitFailure(what, result, run.failureHint?.(result.exitCode));
    const outputs: Record<string, unknown> = { vars: result.vars, exitCode: 0 };
    if (p.has('outputFiles'))
      outputs['outputFiles'] = await workspace.collectOutputFiles(p.raw('outputFiles'));
    const warn = warningOnStdErr && result.stderrLines > 0;
    if (warn)
      logger.log('WARN', `The process wrote ${result.stderrLines} line(s) to stderr (warningOnStdErr)`);
    return { state: warn ? 'WARNING' : 'SUCCESS', outputs };
  } finally {
    await workspace.dispose();
  }
}

export type ScriptLanguage = 'shell' | 'python' | 'node';

const RUNTIMES = {
  shell: { program: undefined, extension: '.sh' },
  python: { program: 'python', extension: '.py' },
  node: { program: 'node', extension: '.js' },
} as const;

/** `io.kestra.plugin.scripts.<language>.Commands`: `commands` run in the shell. */
export function commandsTask(language: ScriptLanguage): RunnableTask {
  const type = `io.kestra.plugin.scripts.${language}.Commands`;
  return {
    type,
    run: (ctx) =>
      runScriptTask(ctx, {
        type,
        python: language === 'python',
        commands: async (_workspace, resolved) => {
          const commands = stringList(
            propertiesOf(type, resolved).required('commands'),
            `task '${ctx.run.taskId}': commands`,
          );
          if (commands.length === 0)
            throw new TaskFailure(`task '${ctx.run.taskId}': commands is empty; list at least one command`, {
              retryable: false,
            });
          return commands;
        },
      }),
  };
}

/**
 * `io.kestra.plugin.scripts.<language>.Script`: `script` written to a hidden file in the working
 * directory (so imports of namespace files work as in Kestra) and run with `python` / `node`; a
 * shell script is the shell's body itself.
 */
export function scriptTask(language: ScriptLanguage): RunnableTask {
  const type = `io.kestra.plugin.scripts.${language}.Script`;
  const { program, extension } = RUNTIMES[language];
  return {
    type,
    run: (ctx) => {
      let file: string | undefined;
      const removeFile = async () => {
        if (file !== undefined) await rm(file, { force: true });
      };
      return runScriptTask(ctx, {
        type,
        python: language === 'python',
        commands: async (workspace, resolved) => {
          const script = propertiesOf(type, resolved).string('script');
          if (program === undefined) return [script];
          file = join(workspace.path, `.osprey-script-${randomBytes(6).toString('hex')}${extension}`);
          await writeFile(file, script);
          return [`${program} ${shellQuote(file)}`];
        },
        afterProcess: removeFile,
      }).finally(removeFile);
    },
  };
}

export function stringList(raw: unknown, where: string): string[] {
  if (raw === undefined || raw === null) return [];
  if (typeof raw === 'string') return [raw];
  if (Array.isArray(raw)) return raw.map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
  throw new TaskFailure(`${where} must be a string or a list of strings`, { retryable: false });
}

export function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}
