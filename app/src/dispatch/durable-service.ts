/**
 * The durable `ExecutionService` of `osprey server`: the same API and executor helpers as the local
 * service (`ExecutionServiceBase`), but each event is applied in ONE database transaction — load
 * the execution, step it (renders answered and task properties rendered before the transaction,
 * `prepare-step.ts`), then write the new state, its logs, its task jobs (pg-boss, one queue per
 * worker group), its timers and side effects (engine queue) together (`commit-step.ts`). Nothing
 * lives only in memory, so a restarted app continues every execution: jobs wait in their queues,
 * timers in the engine queue, leases in `task_jobs`.
 *
 * Events of one execution are applied one at a time in this process; across replicas the version
 * check detects a concurrent step, and the step is prepared again from the new state.
 */

import { LRUCache } from 'lru-cache';
import type { Flow } from '../../../flows-schema/src/schema/flow.ts';
import type { InternalStorage } from '../../../protocol/src/internal-storage.ts';
import type { JobRunner } from '../../../protocol/src/job.ts';
import { logger } from '../../../protocol/src/logger.ts';
import { type EngineEvent, type ExecutionState, isFinished } from '../engine/index.ts';
import { dequeue, type SerialLock } from '../execution/admission.ts';
import type { Clock } from '../execution/clock.ts';
import type { Environment } from '../execution/context.ts';
import type { FlowRepository, KvStore, LogEntry, SecretStore } from '../execution/contract.ts';
import { newId } from '../execution/ids.ts';
import type { Purge } from '../execution/purge-tasks.ts';
import { SerialByKey } from '../execution/serial-by-key.ts';
import { ExecutionServiceBase } from '../execution/service-base.ts';
import { withAdvisoryLock } from '../queue/advisory-lock.ts';
import type { TaskQueue } from '../queue/task-queue.ts';
import { runPurge } from '../retention/purge.ts';
import type { ExecutionFiles } from '../retention/retention-purger.ts';
import type { Database, Unlisten } from '../storage/database.ts';
import { loadStep } from '../storage/execution-steps.ts';
import type { SettleOutcome } from '../storage/task-jobs.ts';
import { Announcer, payloadsOf } from './announcer.ts';
import type { BossJobs } from './boss-jobs.ts';
import type { ClaimSignals } from './claim-signals.ts';
import {
  type Committed,
  ENGINE_READY,
  EXECUTION_FINISHED,
  type SettleGuard,
  StepCommitter,
  type StepTarget,
  TASK_READY,
} from './commit-step.ts';
import { DatabaseExecutionStore } from './database-execution-store.ts';
import { type PreparedStep, prepareStep } from './prepare-step.ts';
import { ENGINE_QUEUE, runnerQueueName, taskQueueName } from './queues.ts';

const log = logger('dispatch');

export interface DurableExecutionDeps {
  db: Database;
  queue: TaskQueue;
  boss: BossJobs;
  /** Woken after a commit that dispatched jobs (this replica's runner long-polls). */
  signals: ClaimSignals;
  storage: InternalStorage;
  /** Where an execution's files are deleted (purge tasks); the server's internal storage. */
  executionFiles: ExecutionFiles;
  kv: KvStore;
  secrets: SecretStore;
  flows: FlowRepository;
  clock: Clock;
  environment?: Environment;
  newId?: () => string;
  random?: () => number;
  /** Engine-queue jobs not finished in this time (app crashed while applying one) are retried. */
  engineJobExpireSeconds?: number;
}

export interface AdvanceOptions {
  /** The lease the step settles: when it is not held, nothing is written (see commit-step.ts). */
  guard?: SettleGuard;
}

export type Advanced =
  | { status: 'applied'; execution: ExecutionState }
  | { status: 'refused'; execution: ExecutionState; settle: SettleOutcome };

/** See `open()`: pg-boss's minimum. */
const ENGINE_HEARTBEAT_SECONDS = 10;
/** Conflicts in a row before giving up (another replica keeps stepping the same execution). */
const MAX_CONFLICTS = 50;
/** States kept in memory between steps (unfinished executions); beyond, the oldest are read again. */
const MAX_CACHED = 10_000;
/** Timers due later than this are left to the engine queue's poll (a second) rather than a local wake. */
const MAX_LOCAL_WAKE_MS = 10 * 60_000;

/** Remote runners run the jobs: the executor's in-process runner is never asked. */
const NO_RUNNER: JobRunner = {
  run: async (job) => {
    throw new Error(`job ${job.jobId}: the durable engine dispatches jobs to runners, it does not run them`);
  },
};

interface Cached {
  state: ExecutionState;
  flow: Flow;
  version: number;
}

export class DurableExecutionService extends ExecutionServiceBase {
  protected readonly admissionLock: SerialLock;
  readonly #db: Database;
  readonly #queue: TaskQueue;
  readonly #boss: BossJobs;
  readonly #signals: ClaimSignals;
  readonly #announcer: Announcer;
  readonly #committer: StepCommitter;
  readonly #serial = new SerialByKey();
  readonly #cache = new LRUCache<string, Cached>({ max: MAX_CACHED });
  readonly #queues = new Map<string, Promise<void>>();
  readonly #timers = new Set<NodeJS.Timeout>();
  /** Executions this process saw finish, so their `execution_finished` notification is not handled twice. */
  readonly #finishedHere = new LRUCache<string, true>({ max: MAX_CACHED, ttl: 60_000 });
  readonly #expireSeconds: number;
  readonly #purge: Purge;
  #unlisten: Unlisten | undefined;

  constructor(deps: DurableExecutionDeps) {
    super({
      runner: NO_RUNNER,
      storage: deps.storage,
      kv: deps.kv,
      secrets: deps.secrets,
      flows: deps.flows,
      clock: deps.clock,
      environment: deps.environment ?? {},
      store: new DatabaseExecutionStore(deps.db, deps.clock),
      newId: deps.newId ?? newId,
      random: deps.random ?? Math.random,
      localFileInputs: false,
    });
    this.#db = deps.db;
    this.#queue = deps.queue;
    this.#boss = deps.boss;
    this.#signals = deps.signals;
    this.#announcer = new Announcer(deps.db);
    this.#committer = new StepCommitter(deps.db, deps.boss, deps.clock);
    this.#expireSeconds = deps.engineJobExpireSeconds ?? 60;
    this.admissionLock = new AdvisoryAdmissionLock(deps.db);
    const target = { db: deps.db, files: deps.executionFiles, now: () => deps.clock.now() };
    this.#purge = (request, job) => runPurge(target, request, job);
  }

  override get purge(): Purge {
    return this.#purge;
  }

  /** Creates the queues and hears executions that other replicas finish. */
  async open(): Promise<void> {
    await this.#boss.createQueue(ENGINE_QUEUE, {
      retryLimit: 10,
      retryDelaySeconds: 1,
      retryBackoff: true,
      expireInSeconds: this.#expireSeconds,
      // A server killed while applying a message: another replica takes it over after this, not
      // after the expiry (a live worker refreshes it every half of this while the handler runs).
      heartbeatSeconds: ENGINE_HEARTBEAT_SECONDS,
    });
    await this.ensureTaskQueue(undefined);
    const finished = await this.#db.listen(EXECUTION_FINISHED, (ids) => {
      for (const id of payloadsOf(ids))
        this.#finishedElsewhere(id).catch((e: Error) =>
          log.error({ err: e, execution: id }, 'finishing an execution ended elsewhere failed'),
        );
    });
    const engine = await this.#db.listen(ENGINE_READY, () => this.#queue.notify(ENGINE_QUEUE));
    this.#unlisten = async () => {
      await finished();
      await engine();
    };
  }

  async close(): Promise<void> {
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    await this.#unlisten?.();
    this.#unlisten = undefined;
  }

  /** The queue of a worker group exists (created once per process; idempotent across replicas). */
  ensureTaskQueue(group: string | undefined): Promise<void> {
    return this.#ensureQueue(taskQueueName(group));
  }

  /** A runner's own queue (later children of a WorkingDirectory whose folder it holds). */
  ensureRunnerQueue(runnerId: string): Promise<void> {
    return this.#ensureQueue(runnerQueueName(runnerId));
  }

  #ensureQueue(name: string): Promise<void> {
    let created = this.#queues.get(name);
    if (created === undefined) {
      // No pg-boss retries: leases (task_jobs) decide what happens to a job.
      created = this.#boss.createQueue(name, { retryLimit: 0, expireInSeconds: 24 * 3600 });
      created.catch(() => this.#queues.delete(name));
      this.#queues.set(name, created);
    }
    return created;
  }

  enqueue(id: string, event: EngineEvent): Promise<ExecutionState> {
    return this.advance(id, [event]).then((r) => r.execution);
  }

  /** Applies events to an execution in one transaction (see the module comment). */
  advance(id: string, events: readonly EngineEvent[], options: AdvanceOptions = {}): Promise<Advanced> {
    return this.#serial.run(id, async () => {
      for (let conflicts = 0; ; conflicts++) {
        const current = this.#cache.get(id) ?? (await this.#read(id));
        const live = this.liveOf(id, current.flow);
        const prepared = await prepareStep(this, live, current.state, current.flow, events, () => this.env());
        let r: Committed;
        try {
          r = await this.#commit(prepared, { kind: 'update', version: current.version }, options.guard);
        } catch (e) {
          this.#cache.delete(id);
          throw e;
        }
        if (r.status === 'committed') {
          this.#committed(prepared, current.flow, r, options.guard?.logs);
          return { status: 'applied', execution: prepared.execution };
        }
        if (r.status === 'refused') return { status: 'refused', execution: current.state, settle: r.settle };
        // Another replica stepped it: read it again and redo the step.
        this.#cache.delete(id);
        if (conflicts >= MAX_CONFLICTS)
          throw new Error(`execution ${id}: still changing under this step after ${MAX_CONFLICTS} tries`);
      }
    });
  }

  /** A new execution and its first step in one transaction; an id already taken returns that execution. */
  protected override begin(ex: ExecutionState, flow: Flow, event: EngineEvent): Promise<ExecutionState> {
    const live = this.liveOf(ex.id, flow);
    return this.#serial.run(ex.id, async () => {
      const prepared = await prepareStep(this, live, ex, flow, [event], () => this.env());
      const r = await this.#commit(prepared, { kind: 'insert', flow }, undefined);
      if (r.status !== 'committed') return (await this.mustLoad(ex.id)).execution;
      this.#committed(prepared, flow, r);
      return prepared.execution;
    });
  }

  /** Jobs of a worker group are waiting (put back in its queue): long-polls on every replica look again. */
  jobsReady(group: string | undefined): void {
    this.#signals.wake(group ?? '');
    this.#announcer.announce(TASK_READY, group ?? '');
  }

  /** Start queued executions of a flow with a concurrency limit (an engine-queue message). */
  dequeueFlow(flow: Flow): Promise<void> {
    return dequeue(this.admissionHost(), this.admissionLock, flow);
  }

  /** Log lines a runner streamed: stored, and heard by this replica's subscribers. */
  async appendJobLogs(executionId: string, logs: LogEntry[]): Promise<void> {
    if (logs.length === 0) return;
    await this.deps.store.appendLogs(logs);
    const cached = this.#cache.get(executionId)?.state ?? this.lives.get(executionId)?.last;
    if (cached !== undefined) this.publish(cached, logs);
  }

  async #read(id: string): Promise<Cached> {
    const row = await loadStep<ExecutionState, Flow>(this.#db, id);
    if (row === undefined) throw new Error(`Execution ${id} does not exist`);
    return { state: row.state, flow: row.flow, version: row.version };
  }

  async #commit(p: PreparedStep, target: StepTarget, guard: SettleGuard | undefined): Promise<Committed> {
    for (const j of p.outbox.jobs) await this.ensureTaskQueue(j.workerGroup);
    return this.#committer.commit(p, target, guard);
  }

  #committed(
    p: PreparedStep,
    flow: Flow,
    { version, leased }: Extract<Committed, { status: 'committed' }>,
    runnerLogs: readonly LogEntry[] = [],
  ): void {
    const ex = p.execution;
    const live = this.liveOf(ex.id, flow);
    live.last = ex;
    this.publish(ex, runnerLogs.length === 0 ? p.logs : [...runnerLogs, ...p.logs]);
    // Jobs a runner's claim leased in the same commit wait for nobody: no long-poll is woken for them.
    const waiting = p.outbox.jobs.filter((j) => leased?.has(j.bossId) !== true);
    for (const g of new Set(waiting.map((j) => j.workerGroup))) this.jobsReady(g);
    this.#wakeEngine(p);
    if (isFinished(ex)) {
      this.#cache.delete(ex.id);
      this.lives.delete(ex.id);
      if (!isFinished(p.before)) {
        this.#finishedHere.set(ex.id, true);
        this.#announcer.announce(EXECUTION_FINISHED, ex.id);
        this.finished(ex);
      }
    } else {
      this.#cache.set(ex.id, { state: ex, flow, version });
    }
  }

  /** This process's engine worker hears new messages at once, and delayed ones when they are due. */
  #wakeEngine(p: PreparedStep): void {
    const now = this.deps.clock.now();
    // Cancels, and children of a WorkingDirectory whose runner was lost, answer through the engine queue.
    let immediate = p.outbox.cancels.length > 0 || p.outbox.jobs.some((j) => j.job.affinity !== undefined);
    for (const m of p.outbox.messages) {
      const delay = m.startAfter === undefined ? 0 : m.startAfter.getTime() - now;
      if (delay <= 0) {
        immediate = true;
        continue;
      }
      if (delay > MAX_LOCAL_WAKE_MS) continue;
      const t = setTimeout(() => {
        this.#timers.delete(t);
        this.#queue.notify(ENGINE_QUEUE);
      }, delay + 5);
      t.unref();
      this.#timers.add(t);
    }
    if (immediate) {
      this.#queue.notify(ENGINE_QUEUE);
      this.#announcer.announce(ENGINE_READY, '');
    }
  }

  async #finishedElsewhere(id: string): Promise<void> {
    if (this.#finishedHere.delete(id)) return;
    this.#cache.delete(id);
    this.lives.delete(id);
    const stored = await this.load(id);
    if (stored === undefined || !isFinished(stored.execution)) return;
    this.publish(stored.execution, []);
    this.finished(stored.execution);
  }
}

/**
 * Admission decisions of one flow, one at a time across replicas: in-process first (so this
 * replica's starts queue up without touching the database), then a Postgres advisory lock.
 */
class AdvisoryAdmissionLock implements SerialLock {
  readonly #db: Database;
  readonly #local = new SerialByKey();

  constructor(db: Database) {
    this.#db = db;
  }

  run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    return this.#local.run(key, () => withAdvisoryLock(this.#db, `admission:${key}`, fn, { retryMs: 10 }));
  }
}
