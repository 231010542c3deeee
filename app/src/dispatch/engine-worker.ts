/**
 * `EngineWorker` consumes the engine queue on every replica: timers that came due, results of jobs
 * stopped before a runner took them, and the side effects a step recorded (subflows, kills, retry
 * executions, the app's own tasks, parents to notify, queued executions to start). Each message is
 * applied with the shared executor helpers; a failure leaves the message to pg-boss's retries.
 */

import { logger } from '../../../protocol/src/logger.ts';
import { findTaskRun, isTerminal } from '../engine/index.ts';
import { retryAsNewExecution } from '../execution/carry-out.ts';
import type { CreateOptions } from '../execution/host.ts';
import { logEntry, renderFailure, renderJob } from '../execution/jobs.ts';
import type { LocalTaskResult } from '../execution/local-tasks.ts';
import { notifyParent, type SubflowHost, startSubflow } from '../execution/subflows.ts';
import type { TaskQueue } from '../queue/task-queue.ts';
import type { DurableExecutionService } from './durable-service.ts';
import type { EngineMessage } from './engine-messages.ts';
import { ENGINE_QUEUE } from './queues.ts';

const log = logger('engine-queue');

export interface EngineWorkerOptions {
  /** Messages fetched at once (default 10). */
  batchSize?: number;
  /** Fetch loops in this process (default 2). */
  concurrency?: number;
}

export class EngineWorker {
  readonly #queue: TaskQueue;
  readonly #service: DurableExecutionService;
  readonly #options: EngineWorkerOptions;
  #working = false;

  constructor(queue: TaskQueue, service: DurableExecutionService, options: EngineWorkerOptions = {}) {
    this.#queue = queue;
    this.#service = service;
    this.#options = options;
  }

  async start(): Promise<void> {
    if (this.#working) return;
    this.#working = true;
    await this.#queue.work<EngineMessage>(
      ENGINE_QUEUE,
      { batchSize: this.#options.batchSize ?? 10, concurrency: this.#options.concurrency ?? 2 },
      async (jobs) => {
        const results = await Promise.allSettled(jobs.map((j) => applyEngineMessage(this.#service, j.data)));
        const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
        for (const f of failed)
          log.error({ err: f.reason }, 'engine queue message failed; the batch is retried');
        // The batch is retried; the messages that were applied are safe to apply again.
        if (failed.length > 0) throw failed[0]?.reason;
      },
    );
  }

  async stop(): Promise<void> {
    if (!this.#working) return;
    this.#working = false;
    await this.#queue.offWork(ENGINE_QUEUE);
  }
}

export async function applyEngineMessage(service: DurableExecutionService, m: EngineMessage): Promise<void> {
  switch (m.kind) {
    case 'event':
      await service.advance(m.executionId, [m.event]);
      return;
    case 'localTask':
      await runLocalTask(service, m);
      return;
    case 'startSubflow': {
      const parent = await service.load(m.executionId);
      if (parent === undefined) return;
      await withPosts(service, (host) => startSubflow(host, parent.execution, m.command, m.childId));
      return;
    }
    case 'kill':
      // The child may be gone already (finished, or never created): nothing to kill then.
      await service.kill(m.executionId).catch(() => undefined);
      return;
    case 'retryExecution': {
      const stored = await service.load(m.executionId);
      if (stored === undefined) return;
      const live = service.liveOf(m.executionId, stored.flow);
      const create = (request: Parameters<DurableExecutionService['create']>[0], options: CreateOptions) =>
        service.create(request, { ...options, id: m.newExecutionId });
      await retryAsNewExecution({ create }, stored.execution, live);
      return;
    }
    case 'notifyParent': {
      const child = await service.load(m.executionId);
      if (child === undefined) return;
      await withPosts(service, (host) => notifyParent(host, child.execution, child.flow));
      return;
    }
    case 'dequeue': {
      const stored = await service.load(m.executionId);
      if (stored !== undefined) await service.dequeueFlow(stored.flow);
      return;
    }
  }
}

/**
 * Runs a helper whose answers are "posted" events, and waits until they are applied: the message is
 * complete only then, so a crash in between redoes it rather than losing the answer.
 */
async function withPosts(
  service: DurableExecutionService,
  fn: (host: SubflowHost) => Promise<void>,
): Promise<void> {
  const posts: Promise<unknown>[] = [];
  const host: SubflowHost = {
    deps: service.deps,
    starting: service.starting,
    post: (id, event) => posts.push(service.enqueue(id, event)),
    enqueue: (id, event) => service.enqueue(id, event),
    create: (request, options) => service.create(request, options),
    load: (id) => service.load(id),
    services: (ex, live) => service.services(ex, live),
    liveOf: (id, flow) => service.liveOf(id, flow),
  };
  await fn(host);
  await Promise.all(posts);
}

/** A task the app runs itself (`execution.Resume`): rendered here, run here, its result applied. */
async function runLocalTask(
  service: DurableExecutionService,
  m: Extract<EngineMessage, { kind: 'localTask' }>,
): Promise<void> {
  const stored = await service.load(m.executionId);
  if (stored === undefined) return;
  const { execution: ex, flow } = stored;
  const run = findTaskRun(ex, m.command.taskRunId);
  // Applied before (a redelivered message): the attempt is over.
  if (run === undefined || isTerminal(run.state) || run.attempts.length !== m.command.attempt) return;
  const live = service.liveOf(ex.id, flow);
  let result: LocalTaskResult;
  try {
    const rendered = await renderJob(service, ex, live, m.command);
    const local = service.localTask(rendered.type);
    if (local === undefined) throw new Error(`no local task for type ${rendered.type}`);
    result = await local(rendered.properties, { execution: ex, run }).catch((e: Error) => ({
      state: 'FAILED' as const,
      error: e.message,
      retryable: false,
    }));
  } catch (e) {
    // Retryable, as in Kestra: an expression may read what changes between attempts.
    result = { state: 'FAILED', error: renderFailure(run.taskId, e) };
  }
  // No runner logged it: say why the task failed, so the logs and errorLogs() have it.
  if (result.state === 'FAILED' && result.error !== undefined) {
    const at = new Date(service.deps.clock.now()).toISOString();
    service.appendLogs(ex, live, [
      logEntry(ex, run, 'ERROR', live.mask(result.error), at, m.command.attempt),
    ]);
  }
  await service.advance(ex.id, [
    {
      type: 'taskResult',
      taskRunId: run.id,
      attempt: m.command.attempt,
      state: result.state,
      ...(result.outputs !== undefined ? { outputs: live.mask(result.outputs) } : {}),
      ...(result.error !== undefined ? { error: live.mask(result.error) } : {}),
      ...(result.retryable !== undefined ? { retryable: result.retryable } : {}),
    },
  ]);
}
