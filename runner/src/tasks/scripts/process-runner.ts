/**
 * Running a task's process: spawned in its own process group in the working directory, stdout and
 * stderr streamed to the task logger line by line (stdout at INFO, stderr at `stderrLevel`), the
 * output protocol parsed on the way, and the exit code returned. On abort (timeout, kill) the whole
 * group gets SIGTERM, then SIGKILL after a grace period; when the main process exits, processes it
 * left running in the background are killed too, so nothing outlives its task.
 */
import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { type LogLevel, TaskFailure, type TaskLogger } from '../../../../protocol/src/task-contract.ts';
import { parseProtocolLine } from './output-protocol.ts';

export interface ProcessSpec {
  command: string;
  args: readonly string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  logger: TaskLogger;
  signal: AbortSignal;
  /** Level of stderr lines (WARN unless the caller says otherwise). */
  stderrLevel?: LogLevel;
  /** Prefix of failure messages, e.g. `task 'hello'`. */
  what: string;
  /** Milliseconds between SIGTERM and SIGKILL on abort (default 2000). */
  killGraceMs?: number;
}

export interface ProcessResult {
  exitCode: number | null;
  /** The signal that ended the process when it did not exit by itself. */
  exitSignal: NodeJS.Signals | null;
  /** Outputs set through the protocol, merged in order. */
  vars: Record<string, unknown>;
  stderrLines: number;
  lastStderr: string | undefined;
}

const MAX_LINE = 1 << 20;

export function runProcess(spec: ProcessSpec): Promise<ProcessResult> {
  const { logger } = spec;
  const stderrLevel = spec.stderrLevel ?? 'WARN';
  const vars: Record<string, unknown> = {};
  let stderrLines = 0;
  let lastStderr: string | undefined;
  let metricsNoted = false;

  const onLine = (line: string, stream: 'stdout' | 'stderr') => {
    const message = parseProtocolLine(line);
    if (message !== undefined) {
      if (message.outputs !== undefined) Object.assign(vars, message.outputs);
      for (const l of message.logs ?? []) logger.log(l.level, l.message);
      if (message.metrics !== undefined && !metricsNoted) {
        metricsNoted = true;
        logger.log('DEBUG', 'Metrics sent through the output protocol are not recorded by Osprey; skipped');
      }
      return;
    }
    if (stream === 'stdout') {
      logger.log('INFO', line);
      return;
    }
    stderrLines++;
    if (line.trim() !== '') lastStderr = line.trim();
    logger.log(stderrLevel, line);
  };

  return new Promise<ProcessResult>((resolve, reject) => {
    if (spec.signal.aborted) {
      reject(spec.signal.reason ?? new Error('aborted'));
      return;
    }
    const child = spawn(spec.command, [...spec.args], {
      cwd: spec.cwd,
      env: spec.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const killGroup = (signal: NodeJS.Signals) => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, signal);
      } catch {
        // Already gone.
      }
    };
    let hardKill: ReturnType<typeof setTimeout> | undefined;
    const onAbort = () => {
      killGroup('SIGTERM');
      hardKill = setTimeout(() => killGroup('SIGKILL'), spec.killGraceMs ?? 2000);
    };
    spec.signal.addEventListener('abort', onAbort, { once: true });
    const stdout = lines(child.stdout, (l) => onLine(l, 'stdout'));
    const stderr = lines(child.stderr, (l) => onLine(l, 'stderr'));

    child.once('error', (error: NodeJS.ErrnoException) => {
      spec.signal.removeEventListener('abort', onAbort);
      if (error.code === 'ENOENT') {
        reject(
          new TaskFailure(
            `${spec.what}: cannot run '${spec.command}': it is not installed on this runner (not found on PATH); install it or set the task's interpreter`,
            { retryable: false, cause: error },
          ),
        );
      } else reject(error);
    });
    // Leftover background processes would hold the pipes open: end them with the main process.
    child.once('exit', () => killGroup('SIGKILL'));
    child.once('close', (code, signal) => {
      spec.signal.removeEventListener('abort', onAbort);
      if (hardKill !== undefined) clearTimeout(hardKill);
      stdout.flush();
      stderr.flush();
      if (spec.signal.aborted) {
        reject(spec.signal.reason ?? new Error('aborted'));
        return;
      }
      resolve({ exitCode: code, exitSignal: signal, vars, stderrLines, lastStderr });
    });
  });
}

/** The failure for a process that did not exit with 0, naming the code and the last stderr line. */
export function exitFailure(what: string, result: ProcessResult, hint = ''): TaskFailure {
  const cause =
    result.exitCode === null
      ? `the process was killed by ${result.exitSignal ?? 'a signal'}`
      : `the command exited with code ${result.exitCode}`;
  const notFound =
    result.exitCode === 127 ? ' (command not found: install it on the runner or fix PATH)' : '';
  const last = result.lastStderr === undefined ? '' : `: ${result.lastStderr}`;
  return new TaskFailure(`${what}: ${cause}${notFound}${last}${hint}`);
}

/** Split a stream into lines (`\n` or `\r\n`), decoding UTF-8 across chunk boundaries. */
function lines(stream: Readable, onLine: (line: string) => void): { flush(): void } {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  const emit = (text: string) => onLine(text.endsWith('\r') ? text.slice(0, -1) : text);
  stream.on('data', (chunk: Buffer) => {
    pending += decoder.write(chunk);
    let nl = pending.indexOf('\n');
    while (nl >= 0) {
      emit(pending.slice(0, nl));
      pending = pending.slice(nl + 1);
      nl = pending.indexOf('\n');
    }
    if (pending.length > MAX_LINE) {
      emit(pending);
      pending = '';
    }
  });
  return {
    flush() {
      pending += decoder.end();
      if (pending !== '') emit(pending);
      pending = '';
    },
  };
}
