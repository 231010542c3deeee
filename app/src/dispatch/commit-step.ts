/**
 * The transaction of durable steps. A step writes its new state under a version check, its log
 * lines, its task jobs (a lease row and a pg-boss job each, in the queue of the task's worker
 * group), the stops it asked for and its engine-queue messages — all of it commits or none of it,
 * so a job exists exactly when the state that created it does. A step may carry a guard: the lease
 * it settles (a runner's result, a lost runner); when the lease is not held, nothing of it is written.
 *
 * `StepCommitter` writes the steps that arrive while a transaction is in flight together, in the
 * next transaction, with one set-based statement per table: under load the cost of a commit is
 * shared by many steps, and with a single step nothing waits. The caller announces the commit
 * afterwards (announcer.ts).
 */
import type { Flow } from '../../../flows-schema/src/schema/flow.ts';
import type { Clock } from '../execution/clock.ts';
import type { LogEntry } from '../execution/contract.ts';
import type { Database, Executor } from '../storage/database.ts';
import { insertSteps } from '../storage/execution-steps.ts';
import { appendLogs } from '../storage/logs.ts';
import { writeStepBatch } from '../storage/step-batch.ts';
import {
  finishAffinities,
  getAffinities,
  lostAffinityMessage,
  markAffinitiesLost,
} from '../storage/task-affinities.ts';
import {
  cancelQueuedTaskJobs,
  cancelTaskJobs,
  insertTaskJobs,
  type NewTaskJob,
  type SettleOutcome,
  type SettleRequest,
  settleRefusal,
  type TaskJobRow,
  unsettleTaskJobs,
} from '../storage/task-jobs.ts';
import type { BossJobs } from './boss-jobs.ts';
import { toNewLog } from './database-execution-store.ts';
import type { EngineMessage } from './engine-messages.ts';
import { killedResult, type PreparedJob, type PreparedStep } from './prepare-step.ts';
import { ENGINE_QUEUE, runnerQueueName, taskQueueName, timerJobId } from './queues.ts';
import { endedAt, stepInsert } from './step-rows.ts';

export const TASK_READY = 'task_ready';
export const EXECUTION_FINISHED = 'execution_finished';
export const ENGINE_READY = 'engine_ready';

export type StepTarget = { kind: 'insert'; flow: Flow } | { kind: 'update'; version: number };

/** The lease a step settles; the step is written only if the lease is held. */
export interface SettleGuard extends SettleRequest {
  /** The pg-boss job is completed (a result) or failed (no result: the runner was lost). */
  boss: 'complete' | 'fail';
  /** A line logged with the step (why the task failed without a runner's word). */
  log?: LogEntry;
  /** The runner's last log lines, sent with its result: written before the step's own lines. */
  logs?: readonly LogEntry[];
  /**
   * Runs in the step's transaction once the step is written (or refused): the runner's next claim,
   * answered with its result in the same commit. Returns the pg-boss ids of the jobs it leased.
   */
  claim?: (tx: Executor) => Promise<readonly string[]>;
}

export type Committed =
  /** `leased`: pg-boss ids of jobs that claims leased in the same transaction (nobody to wake for them). */
  | { status: 'committed'; version: number; leased?: ReadonlySet<string> }
  /** `insert`: an execution with this id exists already; nothing was written. */
  | { status: 'exists' }
  /** `update`: another writer stepped the execution since it was read; nothing was written. */
  | { status: 'conflict' }
  /** The guard's lease is not held; nothing was written. */
  | { status: 'refused'; settle: SettleOutcome };

interface Pending {
  step: PreparedStep;
  target: StepTarget;
  guard: SettleGuard | undefined;
  resolve(c: Committed): void;
  reject(e: unknown): void;
}

/** Steps written in one transaction at most. */
const MAX_BATCH = 200;

export class StepCommitter {
  readonly #db: Database;
  readonly #boss: BossJobs;
  readonly #clock: Clock;
  readonly #waiting: Pending[] = [];
  #draining = false;

  constructor(db: Database, boss: BossJobs, clock: Clock) {
    this.#db = db;
    this.#boss = boss;
    this.#clock = clock;
  }

  commit(step: PreparedStep, target: StepTarget, guard?: SettleGuard): Promise<Committed> {
    return new Promise((resolve, reject) => {
      this.#waiting.push({ step, target, guard, resolve, reject });
      if (!this.#draining) {
        this.#draining = true;
        setImmediate(() => void this.#drain());
      }
    });
  }

  async #drain(): Promise<void> {
    try {
      while (this.#waiting.length > 0) {
        // One turn of the event loop first: requests that arrived meanwhile (PGlite runs a whole
        // transaction without yielding to I/O) add their steps to this batch.
        await new Promise<void>((resolve) => setImmediate(resolve));
        const batch = this.#waiting.splice(0, MAX_BATCH);
        try {
          const results = await this.#db.transaction((tx) =>
            writeSteps(tx, this.#boss, batch, new Date(this.#clock.now())),
          );
          for (const [i, p] of batch.entries()) p.resolve(results[i] as Committed);
        } catch (e) {
          if (batch.length === 1) {
            batch[0]?.reject(e);
            continue;
          }
          // One step broke the batch: write each alone, so only that one fails.
          for (const p of batch) {
            await this.#db
              .transaction((tx) => writeSteps(tx, this.#boss, [p], new Date(this.#clock.now())))
              .then(
                ([r]) => p.resolve(r as Committed),
                (err: unknown) => p.reject(err),
              );
          }
        }
      }
    } finally {
      this.#draining = false;
    }
  }
}

async function writeSteps(tx: Executor, boss: BossJobs, batch: Pending[], now: Date): Promise<Committed[]> {
  const results: Array<Committed | undefined> = batch.map(() => undefined);

  // One statement first (step-batch.ts): the guards settled, the updated executions written under
  // their version check where their guard was settled (a step whose lease is not held writes
  // nothing), with their log lines and the task jobs whose queue needs no affinity look-up.
  const guarded = batch.flatMap((p, i) => (p.guard === undefined ? [] : [{ i, guard: p.guard }]));
  const updating = batch.flatMap((p, i) =>
    p.target.kind === 'update' ? [{ i, p, version: p.target.version }] : [],
  );
  const early = new Set<PreparedJob>();
  const {
    settled: settledRows,
    versions,
    insertedJobs,
  } = await writeStepBatch(
    tx,
    {
      settles: guarded.map((g) => g.guard),
      updates: updating.map(({ p, version }) => ({
        id: p.step.execution.id,
        expectedVersion: version,
        state: p.step.execution.state,
        document: p.step.execution,
        endedAt: endedAt(p.step.execution, now),
        guardJobId: p.guard?.jobId,
      })),
      logs: updating.flatMap(({ p }) =>
        stepLogs(p).map((l) => ({ step: p.step.execution.id, log: toNewLog(l) })),
      ),
      jobs: updating.flatMap(({ p }) =>
        p.step.outbox.jobs.flatMap((j) => {
          if (j.job.affinity !== undefined) return [];
          early.add(j);
          return [{ step: p.step.execution.id, job: newTaskJob(j, taskQueueName(j.workerGroup)) }];
        }),
      ),
    },
    now,
  );
  const settled = new Map(settledRows.map((row) => [row.jobId, row]));
  for (const { i, guard } of guarded) {
    if (!settled.has(guard.jobId)) results[i] = { status: 'refused', settle: await settleRefusal(tx, guard) };
  }

  // States: inserts of new executions, updates under their version check.
  const inserts = batch.flatMap((p, i) =>
    results[i] === undefined && p.target.kind === 'insert'
      ? [{ i, row: stepInsert(p.step.execution, p.target.flow, now) }]
      : [],
  );
  const inserted = await insertSteps(
    tx,
    inserts.map((x) => x.row),
    now,
  );
  for (const { i, row } of inserts)
    results[i] = inserted.has(row.id) ? { status: 'committed', version: 1 } : { status: 'exists' };
  for (const { i, p } of updating) {
    if (results[i] !== undefined) continue;
    const v = versions.get(p.step.execution.id);
    results[i] = v === undefined ? { status: 'conflict' } : { status: 'committed', version: v };
  }
  // A guard settled for a step that could not be written after all: its lease is held again.
  await unsettleTaskJobs(
    tx,
    guarded
      .filter((g) => results[g.i]?.status !== 'committed' && settled.has(g.guard.jobId))
      .map((g) => g.guard.jobId),
  );

  const written = batch.filter((_, i) => results[i]?.status === 'committed');
  await settleBossJobs(tx, boss, written, settled);
  // A runner lost with a WorkingDirectory's folder: the rest of its children cannot run anywhere.
  await markAffinitiesLost(
    tx,
    written.flatMap((p) => {
      const row = p.guard === undefined || p.guard.to === 'done' ? undefined : settled.get(p.guard.jobId);
      return row?.affinityKey == null ? [] : [row.affinityKey];
    }),
    now,
  );
  await finishAffinities(
    tx,
    written.flatMap((p) => p.step.outbox.finishedDirectories),
    now,
  );
  // The lines of updated steps were written with them.
  await appendLogs(
    tx,
    written
      .filter((p) => p.target.kind === 'insert')
      .flatMap(stepLogs)
      .map(toNewLog),
  );
  await dispatchJobs(tx, boss, written, now, { early, inserted: insertedJobs });
  for (const p of written) await stopJobs(tx, boss, p.step, now);
  await sendMessages(tx, boss, written);
  // Claims last: they may lease the jobs these very steps dispatched.
  const leased = new Set<string>();
  for (const [i, p] of batch.entries()) {
    const status = results[i]?.status;
    if (p.guard?.claim === undefined || (status !== 'committed' && status !== 'refused')) continue;
    for (const id of await p.guard.claim(tx)) leased.add(id);
  }
  if (leased.size > 0)
    for (const [i, r] of results.entries()) if (r?.status === 'committed') results[i] = { ...r, leased };
  return results as Committed[];
}

/** A step's log lines, in order: the runner's last ones, the step's own, the guard's. */
function stepLogs(p: Pending): LogEntry[] {
  return [...(p.guard?.logs ?? []), ...p.step.logs, ...(p.guard?.log === undefined ? [] : [p.guard.log])];
}

/** The lease row of a job dispatched to `queue`. */
function newTaskJob(j: PreparedJob, queue: string): NewTaskJob {
  return {
    jobId: j.job.jobId,
    executionId: j.job.run.executionId,
    namespace: j.job.run.namespace,
    flowId: j.job.run.flowId,
    taskRunId: j.job.run.taskRunId,
    taskId: j.job.run.taskId,
    attempt: j.job.run.attempt,
    workerGroup: j.workerGroup,
    queue,
    bossId: j.bossId,
    timeoutMs: j.job.timeoutMs,
    minLogLevel: j.minLogLevel,
    affinityKey: j.job.affinity?.key,
  };
}

/** The pg-boss jobs of settled leases: completed with a result, failed without. */
async function settleBossJobs(
  tx: Executor,
  boss: BossJobs,
  written: Pending[],
  settled: Map<string, TaskJobRow>,
): Promise<void> {
  const byQueue = new Map<string, { complete: string[]; fail: string[] }>();
  for (const p of written) {
    const row = p.guard === undefined ? undefined : settled.get(p.guard.jobId);
    if (row === undefined || p.guard === undefined) continue;
    let q = byQueue.get(row.queue);
    if (q === undefined) {
      q = { complete: [], fail: [] };
      byQueue.set(row.queue, q);
    }
    q[p.guard.boss].push(row.bossId);
  }
  for (const [queue, q] of byQueue) {
    if (q.complete.length > 0) await boss.complete(tx, queue, q.complete);
    for (const id of q.fail)
      await boss.fail(tx, queue, id, { message: 'the runner holding the job was lost' });
  }
}

/**
 * The written steps' task jobs: a lease row and a pg-boss job each. `early`: jobs whose lease row
 * the step's own statement wrote already (`inserted`: those it inserted).
 */
async function dispatchJobs(
  tx: Executor,
  boss: BossJobs,
  written: Pending[],
  now: Date,
  early: { early: ReadonlySet<PreparedJob>; inserted: ReadonlySet<string> },
): Promise<void> {
  const jobs = written.flatMap((p) => p.step.outbox.jobs);
  if (jobs.length === 0) return;
  const late = jobs.filter((j) => !early.early.has(j));
  // Later children of a WorkingDirectory go to the runner holding its folder (see task-affinities.ts).
  const affinities = await getAffinities(
    tx,
    late.flatMap((j) => (j.job.affinity === undefined ? [] : [j.job.affinity.key])),
  );
  const holder = (j: PreparedJob) =>
    j.job.affinity === undefined ? undefined : affinities.get(j.job.affinity.key);
  const queueOf = (j: PreparedJob) => {
    const a = holder(j);
    return a === undefined || a.lost ? taskQueueName(j.workerGroup) : runnerQueueName(a.runnerId);
  };
  const lateInserted = await insertTaskJobs(
    tx,
    late.map((j) => newTaskJob(j, queueOf(j))),
    now,
  );
  const inserted = (j: PreparedJob) =>
    early.early.has(j) ? early.inserted.has(j.job.jobId) : lateInserted.has(j.job.jobId);
  const byQueue = new Map<string, Array<{ id: string; data: object }>>();
  const orphans: PreparedJob[] = [];
  for (const j of jobs) {
    // A job id already recorded is an attempt dispatched before: never send it twice.
    if (!inserted(j)) continue;
    if (holder(j)?.lost === true) {
      orphans.push(j);
      continue;
    }
    const queue = queueOf(j);
    const list = byQueue.get(queue) ?? [];
    list.push({ id: j.bossId, data: j.job });
    byQueue.set(queue, list);
  }
  for (const [queue, list] of byQueue) await boss.insert(tx, queue, list);
  if (orphans.length > 0) await failOrphans(tx, boss, orphans, (j) => holder(j)!, now);
}

/** Children of a WorkingDirectory whose runner was lost: never sent, they fail (a retry cannot help). */
async function failOrphans(
  tx: Executor,
  boss: BossJobs,
  orphans: PreparedJob[],
  holder: (j: PreparedJob) => { runnerName: string; taskId: string },
  now: Date,
): Promise<void> {
  await cancelQueuedTaskJobs(tx, { jobIds: orphans.map((j) => j.job.jobId) }, now);
  const failures = orphans.map((j) => ({ job: j.job, error: lostAffinityMessage(holder(j)) }));
  await appendLogs(
    tx,
    failures.map(({ job, error }) =>
      toNewLog({
        executionId: job.run.executionId,
        namespace: job.run.namespace,
        flowId: job.run.flowId,
        taskId: job.run.taskId,
        taskRunId: job.run.taskRunId,
        attemptNumber: job.run.attempt,
        level: 'ERROR',
        message: error,
        timestamp: now.toISOString(),
      }),
    ),
  );
  await boss.insert(
    tx,
    ENGINE_QUEUE,
    failures.map(({ job, error }) => ({
      data: {
        kind: 'event',
        executionId: job.run.executionId,
        event: {
          type: 'taskResult',
          taskRunId: job.run.taskRunId,
          attempt: job.run.attempt,
          state: 'FAILED',
          error,
          retryable: false,
        },
      } satisfies EngineMessage,
    })),
  );
}

/** Jobs nobody claimed yet are cancelled and reported killed; runners holding one hear it at heartbeat. */
async function stopJobs(tx: Executor, boss: BossJobs, p: PreparedStep, now: Date): Promise<void> {
  const { cancels, clearedTimers } = p.outbox;
  if (cancels.length > 0) {
    const { cancelled } = await cancelTaskJobs(tx, p.execution.id, cancels, now);
    for (const row of cancelled) await boss.cancel(tx, row.queue, row.bossId);
    const killed: EngineMessage[] = cancelled.map((row) => ({
      kind: 'event',
      executionId: row.executionId,
      event: killedResult(row.taskRunId, row.attempt),
    }));
    if (killed.length > 0)
      await boss.insert(
        tx,
        ENGINE_QUEUE,
        killed.map((data) => ({ data })),
      );
  }
  for (const t of clearedTimers) await boss.cancel(tx, ENGINE_QUEUE, timerJobId(p.execution.id, t));
}

async function sendMessages(tx: Executor, boss: BossJobs, written: Pending[]): Promise<void> {
  const messages = written.flatMap((p) => p.step.outbox.messages);
  if (messages.length === 0) return;
  await boss.insert(
    tx,
    ENGINE_QUEUE,
    messages.map((m) => ({
      data: m.message,
      ...(m.id === undefined ? {} : { id: m.id }),
      ...(m.startAfter === undefined ? {} : { startAfter: m.startAfter }),
    })),
  );
}
