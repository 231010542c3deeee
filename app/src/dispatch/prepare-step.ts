/**
 * The part of a durable step that runs before its transaction: the pure engine steps the execution,
 * and what the shared executor helpers would do right away is done now — templates rendered (their
 * `rendered` answer is stepped at once), task properties rendered into `TaskJob`s — so the
 * transaction only writes. What must happen later (timers, subflows, the app's own tasks) becomes
 * an engine-queue message of the outbox. Rendering reads KV, secrets and storage, which must not
 * happen inside the transaction (PGlite has one connection).
 */
import { randomUUID } from 'node:crypto';
import type { Flow, Task } from '../../../flows-schema/src/schema/flow.ts';
import type { TaskJob } from '../../../protocol/src/job.ts';
import {
  type Command,
  type EngineEvent,
  type EngineLog,
  type ExecutionState,
  findTaskRun,
  indexFlow,
  isTerminal,
  type StepEnv,
  step,
} from '../engine/index.ts';
import { renderedEvent } from '../execution/carry-out.ts';
import type { LogEntry } from '../execution/contract.ts';
import { logEntry, type RenderHost, renderFailure, renderJob, taskJob } from '../execution/jobs.ts';
import type { Live } from '../execution/live.ts';
import type { LocalTask } from '../execution/local-tasks.ts';
import type { EngineMessage } from './engine-messages.ts';
import { timerJobId, WORKER_GROUP, WORKER_GROUP_HINT } from './queues.ts';

/** Engine steps one event may cause in a row (renders answered at once); a loop beyond is a bug. */
const MAX_FOLDED_STEPS = 10_000;
const LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'] as const;

export interface PreparedJob {
  job: TaskJob;
  /** Undefined: the default group. */
  workerGroup: string | undefined;
  minLogLevel: (typeof LEVELS)[number];
  /** The pg-boss job id, chosen now so the job row can name it. */
  bossId: string;
}

export interface OutgoingMessage {
  message: EngineMessage;
  startAfter?: Date;
  /** pg-boss job id (timers: stable, so a cleared timer can be cancelled). */
  id?: string;
}

export interface Outbox {
  jobs: PreparedJob[];
  messages: OutgoingMessage[];
  /** Task runs whose job must stop (kill, SLA, Exit). */
  cancels: string[];
  /** Timers to cancel in the engine queue. */
  clearedTimers: string[];
  /** WorkingDirectory task runs that ended in this step: their runner may delete their folders. */
  finishedDirectories: string[];
}

export interface PreparedStep {
  before: ExecutionState;
  execution: ExecutionState;
  logs: LogEntry[];
  outbox: Outbox;
}

export interface PrepareHost extends RenderHost {
  localTask(type: string): LocalTask | undefined;
}

export async function prepareStep(
  host: PrepareHost,
  live: Live,
  before: ExecutionState,
  flow: Flow,
  events: readonly EngineEvent[],
  env: () => StepEnv,
): Promise<PreparedStep> {
  const outbox: Outbox = { jobs: [], messages: [], cancels: [], clearedTimers: [], finishedDirectories: [] };
  const logs: LogEntry[] = [];
  const pending = [...events];
  let ex = before;
  let steps = 0;
  while (pending.length > 0) {
    if (++steps > MAX_FOLDED_STEPS) {
      throw new Error(
        `execution ${before.id}: more than ${MAX_FOLDED_STEPS} engine steps without waiting for anything; this is a bug in Osprey's engine, please report it with the flow`,
      );
    }
    const r = step(ex, flow, pending.shift()!, env());
    ex = r.execution;
    logs.push(...engineLogs(ex, r.logs, live));
    for (const c of r.commands) {
      const follow = await prepareCommand(host, live, ex, c, outbox, logs);
      if (follow !== undefined) pending.push(follow);
    }
  }
  outbox.finishedDirectories = endedDirectories(before, ex, flow);
  if (!isTerminal(before.state) && isTerminal(ex.state)) {
    if (ex.parentId !== undefined)
      outbox.messages.push({ message: { kind: 'notifyParent', executionId: ex.id } });
    if (flow.concurrency !== undefined)
      outbox.messages.push({ message: { kind: 'dequeue', executionId: ex.id } });
  }
  return { before, execution: ex, logs, outbox };
}

/** Task runs sharing a working directory with their children that ended between `before` and `after`. */
function endedDirectories(before: ExecutionState, after: ExecutionState, flow: Flow): string[] {
  if (before === after) return [];
  const index = indexFlow(flow);
  let was: Map<string, ExecutionState['taskRuns'][number]> | undefined;
  const ended: string[] = [];
  for (const r of after.taskRuns) {
    if (!isTerminal(r.state) || index.get(r.taskId)?.behaviour?.sharesWorkingDirectory !== true) continue;
    was ??= new Map(before.taskRuns.map((b) => [b.id, b]));
    const b = was.get(r.id);
    if (b === undefined || !isTerminal(b.state)) ended.push(r.id);
  }
  return ended;
}

/** Records one command in the outbox; returns the event that answers it now, if any. */
async function prepareCommand(
  host: PrepareHost,
  live: Live,
  ex: ExecutionState,
  c: Command,
  outbox: Outbox,
  logs: LogEntry[],
): Promise<EngineEvent | undefined> {
  const executionId = ex.id;
  switch (c.kind) {
    case 'render':
      return renderedEvent(host, ex, live, c);
    case 'run':
      return prepareRun(host, live, ex, c, outbox, logs);
    case 'cancel': {
      // A job prepared in this very step has not left yet: it is simply not sent.
      const i = outbox.jobs.findIndex((j) => j.job.run.taskRunId === c.taskRunId);
      if (i < 0) {
        outbox.cancels.push(c.taskRunId);
        return undefined;
      }
      const [dropped] = outbox.jobs.splice(i, 1);
      return killedResult(c.taskRunId, dropped?.job.run.attempt ?? 1);
    }
    case 'setTimer':
      outbox.messages.push({
        message: { kind: 'event', executionId, event: { type: 'timer', id: c.timer.id } },
        startAfter: new Date(c.timer.at),
        id: timerJobId(executionId, c.timer.id),
      });
      return undefined;
    case 'clearTimer': {
      const id = timerJobId(executionId, c.id);
      const i = outbox.messages.findIndex((m) => m.id === id);
      if (i >= 0) outbox.messages.splice(i, 1);
      else outbox.clearedTimers.push(c.id);
      return undefined;
    }
    case 'startSubflow':
      outbox.messages.push({
        message: { kind: 'startSubflow', executionId, command: c, childId: host.deps.newId() },
      });
      return undefined;
    case 'killSubflow':
      outbox.messages.push({ message: { kind: 'kill', executionId: c.executionId } });
      return undefined;
    case 'retryExecution':
      outbox.messages.push({
        message: { kind: 'retryExecution', executionId, newExecutionId: host.deps.newId() },
        startAfter: new Date(host.deps.clock.now() + c.delayMs),
      });
      return undefined;
  }
}

async function prepareRun(
  host: PrepareHost,
  live: Live,
  ex: ExecutionState,
  c: Extract<Command, { kind: 'run' }>,
  outbox: Outbox,
  logs: LogEntry[],
): Promise<EngineEvent | undefined> {
  const run = findTaskRun(ex, c.taskRunId)!;
  const entry = indexFlow(live.flow).get(run.taskId)!;
  if (host.localTask(entry.type) !== undefined) {
    outbox.messages.push({ message: { kind: 'localTask', executionId: ex.id, command: c } });
    return undefined;
  }
  const fail = (error: string, retryable: boolean): EngineEvent => {
    logs.push(
      logEntry(ex, run, 'ERROR', live.mask(error), new Date(host.deps.clock.now()).toISOString(), c.attempt),
    );
    return {
      type: 'taskResult',
      taskRunId: run.id,
      attempt: c.attempt,
      state: 'FAILED',
      error,
      retryable,
    };
  };
  let rendered: Awaited<ReturnType<typeof renderJob>>;
  try {
    // A WorkingDirectory's folder would be on this machine, not on the runner's.
    rendered = await renderJob(host, ex, live, c);
  } catch (e) {
    // Retryable, as in Kestra: an expression may read what changes between attempts (attemptsCount, KV).
    return fail(renderFailure(run.taskId, e), true);
  }
  const group = workerGroupOf(rendered.task);
  if (group !== undefined && !WORKER_GROUP.test(group)) {
    return fail(`Task '${run.taskId}': workerGroup.key '${group}' is not valid: ${WORKER_GROUP_HINT}`, false);
  }
  const level = String(rendered.task.logLevel ?? 'TRACE');
  outbox.jobs.push({
    job: taskJob(ex, live, c, rendered),
    workerGroup: group,
    minLogLevel: (LEVELS as readonly string[]).includes(level)
      ? (level as PreparedJob['minLogLevel'])
      : 'TRACE',
    bossId: randomUUID(),
  });
  return undefined;
}

function workerGroupOf(task: Task): string | undefined {
  const key = (task.workerGroup as { key?: unknown } | undefined)?.key;
  return typeof key === 'string' && key !== '' ? key : undefined;
}

/** What a job stopped before any runner took it reports. */
export function killedResult(taskRunId: string, attempt: number): EngineEvent {
  return {
    type: 'taskResult',
    taskRunId,
    attempt,
    state: 'FAILED',
    error: 'Task was killed',
    retryable: false,
  };
}

function engineLogs(ex: ExecutionState, logs: readonly EngineLog[], live: Live): LogEntry[] {
  if (logs.length === 0) return [];
  const byRun = new Map(ex.taskRuns.map((t) => [t.id, t]));
  return logs.map((l) =>
    logEntry(
      ex,
      l.taskRunId === undefined ? undefined : byRun.get(l.taskRunId),
      l.level,
      live.mask(l.message),
      new Date(l.at).toISOString(),
    ),
  );
}
