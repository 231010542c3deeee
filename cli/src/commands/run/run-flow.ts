/**
 * The work of `osprey run`: validate the flow file, start an execution on the local execution
 * service, show progress, wait for the end and print the outcome. Exit codes: 0 SUCCESS/WARNING,
 * 1 any other end state, 2 when nothing could start (invalid flow, refused inputs), 3 when the
 * execution is PAUSED with nothing to resume it (a Pause without delay, not in a terminal).
 */

import { readFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import {
  type ExecutionDocument,
  type ExecutionEvent,
  type ExecutionService,
  InputsRefused,
  type LogEntry,
} from '../../../../app/src/execution/contract.ts';
import { openRepository, repositoryContext } from '../../../../app/src/local/local-repository.ts';
import { formatIssue } from '../../../../flows-schema/src/issue.ts';
import { validateFlowSource } from '../../../../flows-schema/src/validate/validate-flow.ts';
import { installedPlugins } from '../../../../runner/src/plugins/installed.ts';
import { collectInputs, UsageError } from './inputs.ts';
import { createLocalService } from './local-service.ts';
import { watchForPause } from './paused.ts';
import { type ProgressView, plainProgress, ttyProgress } from './progress.ts';
import { elapsed, formatElapsed } from './task-tree.ts';

export interface RunFlowOptions {
  file: string;
  inputs: readonly string[];
  inputsFile?: string | undefined;
  flowsDir?: string | undefined;
  storageDir?: string | undefined;
  json: boolean;
  stdout?: NodeJS.WriteStream;
  stderr?: NodeJS.WriteStream;
}

const PASSING = new Set(['SUCCESS', 'WARNING']);

export async function runFlow(options: RunFlowOptions): Promise<number> {
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  const path = resolve(options.file);
  const shown = relative(process.cwd(), path) || options.file;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new UsageError(
      `cannot read ${shown} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); pass the path of a flow YAML file`,
    );
  }
  let repository: ReturnType<typeof openRepository>;
  try {
    repository = openRepository(dirname(path));
  } catch (e) {
    throw new UsageError((e as Error).message);
  }

  const plugins = installedPlugins();
  const { flow, issues } = validateFlowSource(text, undefined, {
    pluginVersion: (type, version) => plugins.problem(type, version),
    ...repositoryContext(repository),
  });
  for (const issue of issues) stderr.write(`${formatIssue(shown, issue)}\n`);
  if (flow === undefined) {
    stderr.write(
      `osprey run: ${shown} is not a valid flow; fix the problems above (osprey validate ${shown} checks it again)\n`,
    );
    return 2;
  }
  const inputs = await collectInputs(options.inputs, options.inputsFile);

  const service = createLocalService(repository, {
    flowsDir: options.flowsDir,
    storageDir: options.storageDir,
    plugins,
  });
  const view: ProgressView | undefined = options.json
    ? undefined
    : stdout.isTTY
      ? ttyProgress(stdout)
      : plainProgress(stdout);
  try {
    const interactive = !options.json && process.stdin.isTTY === true && stdout.isTTY === true;
    const execution = await startAndWait(service.executions, view, stderr, interactive, {
      flow,
      inputs,
      source: { path: relative(repository.root, path).split('\\').join('/') },
    });
    if (execution === undefined) return 2;
    if (options.json) {
      const logs = (await service.executions.logs(execution.id)).map(jsonLog);
      stdout.write(`${JSON.stringify({ ...execution, logs }, null, 2)}\n`);
    } else {
      const took = formatElapsed(elapsed(execution.state, Date.now()));
      const verb = execution.state.current === 'PAUSED' ? 'stopped' : 'ended';
      stdout.write(
        `Execution ${execution.id} of ${execution.namespace}.${execution.flowId} ${verb} ${execution.state.current}${took === '' ? '' : ` in ${took}`}\n`,
      );
    }
    if (execution.state.current === 'PAUSED') return 3;
    return PASSING.has(execution.state.current) ? 0 : 1;
  } finally {
    await service.close();
  }
}

type StartRequest = Parameters<ExecutionService['start']>[0];

/** Start, follow and wait; undefined when the inputs were refused (already reported). */
async function startAndWait(
  executions: ExecutionService,
  view: ProgressView | undefined,
  stderr: NodeJS.WriteStream,
  interactive: boolean,
  request: StartRequest,
): Promise<ExecutionDocument | undefined> {
  try {
    return await followExecution(executions, request, { view, stderr, interactive });
  } catch (e) {
    if (!(e instanceof InputsRefused)) throw e;
    for (const p of e.problems) stderr.write(`osprey run: input '${p.input}': ${p.message}\n`);
    stderr.write(
      'osprey run: no execution was created; pass inputs with --input key=value or --inputs-file\n',
    );
    return undefined;
  }
}

export interface FollowOptions {
  view?: ProgressView | undefined;
  /** Where the Ctrl-C messages go. */
  stderr: NodeJS.WritableStream;
  /** When it aborts (a timeout), the execution is killed and followed to its end. */
  signal?: AbortSignal | undefined;
  /**
   * A terminal: a Pause without delay waits for Enter to resume. Otherwise the execution is
   * returned PAUSED (with how to resume printed on `stderr`).
   */
  interactive?: boolean;
}

/**
 * Start an execution on `executions`, show every change on the view and resolve with its final
 * document. Ctrl-C kills it (twice quits at once); so does `signal`. Throws `InputsRefused` when
 * the inputs were refused (nothing was created). Shared by `osprey run` and the GitHub Action.
 */
export async function followExecution(
  executions: ExecutionService,
  request: StartRequest,
  options: FollowOptions,
): Promise<ExecutionDocument> {
  const { view, stderr, signal } = options;
  // Events may arrive before `start` returns the id: keep them until it is known.
  let id: string | undefined;
  const early: ExecutionEvent[] = [];
  const unsubscribe = executions.subscribe((event) => {
    if (id === undefined) early.push(event);
    else if (event.execution.id === id) view?.update(event.execution, event.logs ?? []);
  });
  const kill = (why: string) => {
    if (id === undefined) return;
    stderr.write(why);
    executions
      .kill(id)
      .catch((e: Error) => stderr.write(`osprey: could not kill execution ${id}: ${e.message}\n`));
  };
  let interrupts = 0;
  const onInterrupt = () => {
    interrupts += 1;
    if (interrupts > 1 || id === undefined) process.exit(130);
    kill('\nKilling the execution (press Ctrl-C again to quit at once)...\n');
  };
  const onAbort = () => kill(`Killing execution ${id}: ${String(signal?.reason ?? 'aborted')}\n`);
  process.on('SIGINT', onInterrupt);
  try {
    const started = await executions.start(request);
    id = started.id;
    for (const event of early) if (event.execution.id === id) view?.update(event.execution, event.logs ?? []);
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
    const paused = watchForPause(executions, id, stderr, options.interactive ?? false);
    try {
      const final = await Promise.race([executions.waitForTerminal(id), paused.stuck]);
      view?.finish(final);
      return final;
    } finally {
      paused.stop();
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    unsubscribe();
    process.off('SIGINT', onInterrupt);
  }
}

/** The log fields `--json` promises: taskId, taskRunId (absent for execution-level lines), level, message, timestamp. */
function jsonLog(l: LogEntry): Pick<LogEntry, 'taskId' | 'taskRunId' | 'level' | 'message' | 'timestamp'> {
  return {
    ...(l.taskId === undefined ? {} : { taskId: l.taskId }),
    ...(l.taskRunId === undefined ? {} : { taskRunId: l.taskRunId }),
    level: l.level,
    message: l.message,
    timestamp: l.timestamp,
  };
}
