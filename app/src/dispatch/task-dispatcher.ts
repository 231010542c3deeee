/**
 * `TaskDispatcher`: the app's side of the runner protocol, behind the HTTP routes. A claim takes
 * pg-boss jobs of the runner's worker group and leases them in one transaction; heartbeats extend
 * leases and tell the runner which jobs to stop; a result is applied to its execution in the same
 * transaction that settles the lease, so a repeated submission changes nothing. Every method checks
 * that the runner holds the lease it names; none of them changes anything otherwise.
 */

import { LRUCache } from 'lru-cache';
import { isoDuration } from '../../../flows-schema/src/time.ts';
import type { TaskJob } from '../../../protocol/src/job.ts';
import type {
  ClaimedJob,
  ClaimRequest,
  ClaimResponse,
  HandBackRequest,
  HeartbeatRequest,
  HeartbeatResponse,
  LogsRequest,
  ResultRequest,
  ResultsRequest,
  ResultsResponse,
} from '../../../protocol/src/runner-protocol.schema.ts';
import { PROTOCOL_VERSION } from '../../../protocol/src/runner-protocol.schema.ts';
import type { EngineEvent, StateName } from '../engine/index.ts';
import type { Clock } from '../execution/clock.ts';
import type { LogEntry } from '../execution/contract.ts';
import type { Database, Executor } from '../storage/database.ts';
import {
  loseAffinitiesOfGoneRunners,
  lostAffinityMessage,
  recordAffinities,
  takeFinishedAffinities,
} from '../storage/task-affinities.ts';
import {
  cancelQueuedTaskJobs,
  extendLeases,
  getTaskJob,
  leasedJobsOfRunner,
  leaseTaskJobs,
  type TaskJobRow,
  unleaseTaskJobs,
} from '../storage/task-jobs.ts';
import type { BossJobs } from './boss-jobs.ts';
import type { ClaimSignals } from './claim-signals.ts';
import type { DurableExecutionService } from './durable-service.ts';
import { killedResult } from './prepare-step.ts';
import { runnerQueueName, taskQueueName } from './queues.ts';

export interface RunnerIdentity {
  id: string;
  name: string;
}

/** Clone URLs for jobs pinned to a commit (the GitHub App's installation-token URL, or a local path). */
export interface GitAccess {
  cloneUrl(repository: string): Promise<string | undefined>;
}

export interface DispatcherOptions {
  /** A lease lasts this long after a claim or heartbeat (default 30 s). */
  leaseTtlMs: number;
  /** Longest long-poll (default 25 s). */
  claimWaitMs: number;
}

export type LeaseCheck =
  | { status: 'held'; job: TaskJobRow }
  | { status: 'unknown' }
  | { status: 'not-held'; message: string };

const LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'];
/** Leases remembered for results; beyond, results look their job up. */
const MAX_REMEMBERED = 100_000;

export class TaskDispatcher {
  readonly #db: Database;
  readonly #boss: BossJobs;
  readonly #service: DurableExecutionService;
  readonly #signals: ClaimSignals;
  #git: GitAccess | undefined;
  readonly options: DispatcherOptions;
  /** Where leases, deadlines and log times take the time from (the service's clock). */
  readonly clock: Clock;
  /** Jobs leased through this replica, for results that come back here. */
  readonly #leasedHere = new LRUCache<string, TaskJobRow>({ max: MAX_REMEMBERED });

  constructor(deps: {
    db: Database;
    boss: BossJobs;
    service: DurableExecutionService;
    signals: ClaimSignals;
    git?: GitAccess | undefined;
    options: DispatcherOptions;
    clock: Clock;
  }) {
    this.#db = deps.db;
    this.#boss = deps.boss;
    this.#service = deps.service;
    this.#signals = deps.signals;
    this.#git = deps.git;
    this.options = deps.options;
    this.clock = deps.clock;
  }

  /** Where clone URLs of jobs pinned to a commit come from (the GitHub App, once it is built). */
  useGitAccess(access: GitAccess): void {
    this.#git = access;
  }

  get heartbeatIntervalMs(): number {
    return Math.max(100, Math.floor(this.options.leaseTtlMs / 3));
  }

  /** Long-poll: jobs of the runner's group, leased to it, as soon as there are any (or none at the end). */
  async claim(runner: RunnerIdentity, req: ClaimRequest, signal: AbortSignal): Promise<ClaimResponse> {
    const group = req.workerGroup;
    const key = group ?? '';
    await this.#service.ensureTaskQueue(group);
    await this.#service.ensureRunnerQueue(runner.id);
    const deadline =
      this.clock.now() + Math.min(req.waitMs ?? this.options.claimWaitMs, this.options.claimWaitMs);
    for (;;) {
      const since = this.#signals.version(key);
      const leased = await this.#lease(runner, group, req.max, signal);
      if (leased.length > 0 || signal.aborted || this.#signals.closed || this.clock.now() >= deadline) {
        const finished = signal.aborted ? [] : await takeFinishedAffinities(this.#db, runner.id);
        return {
          jobs: await Promise.all(leased.map((l) => this.#toClaimed(l))),
          heartbeatIntervalMs: this.heartbeatIntervalMs,
          protocol: PROTOCOL_VERSION,
          ...(finished.length === 0 ? {} : { finishedWorkingDirectories: finished }),
        };
      }
      await this.#signals.wait(key, since, deadline - this.clock.now(), signal);
    }
  }

  async heartbeat(runner: RunnerIdentity, req: HeartbeatRequest): Promise<HeartbeatResponse> {
    const expiresAt = new Date(this.clock.now() + this.options.leaseTtlMs);
    const held = await extendLeases(this.#db, runner.id, req.leases, expiresAt);
    const kept = new Set(held.map((h) => h.jobId));
    return {
      leases: held.map((h) => ({
        jobId: h.jobId,
        leaseExpiresAt: expiresAt.toISOString(),
        cancel: h.cancelRequested,
      })),
      lost: req.leases.filter((l) => !kept.has(l.jobId)).map((l) => l.jobId),
    };
  }

  /** Is the lease `leaseId` of job `jobId` held by this runner? */
  async checkLease(runner: RunnerIdentity, jobId: string, leaseId: string): Promise<LeaseCheck> {
    const job = await getTaskJob(this.#db, jobId);
    if (job === undefined) return { status: 'unknown' };
    if (job.runnerId !== runner.id || job.leaseId !== leaseId || job.state !== 'leased') {
      return {
        status: 'not-held',
        message: `job ${jobId} is not leased to runner ${runner.name} under lease ${leaseId} (it is ${job.state}); stop the task`,
      };
    }
    return { status: 'held', job };
  }

  /** Stores a batch of a job's log lines (its task's `logLevel` applied). */
  async appendLogs(
    runner: RunnerIdentity,
    jobId: string,
    req: LogsRequest,
  ): Promise<LeaseCheck & { accepted?: number }> {
    const check = await this.checkLease(runner, jobId, req.leaseId);
    if (check.status !== 'held') return check;
    const { job } = check;
    const entries = jobLogEntries(job, req.logs);
    await this.#service.appendJobLogs(job.executionId, entries);
    return { ...check, accepted: entries.length };
  }

  /**
   * A runner's results, applied together (the durable engine commits concurrent steps in one
   * transaction). Protocol 2: each result's last log lines are written with it, and the claim is
   * answered from the same transaction — typically with the next task its step just dispatched.
   */
  async submitResults(runner: RunnerIdentity, req: ResultsRequest): Promise<ResultsResponse> {
    // The claim rides on the last result (one commit is enough to lease in).
    const claimAt = req.claim === undefined ? -1 : req.results.length - 1;
    const claimed: ClaimedJob[][] = [];
    const results = await Promise.all(
      req.results.map(async (r, i) => {
        const outcome = await this.submit(runner, r.jobId, r, i === claimAt ? req.claim : undefined, (jobs) =>
          claimed.push(jobs),
        );
        return {
          jobId: r.jobId,
          status: outcome.status,
          ...(outcome.status === 'not-held' ? { message: outcome.message } : {}),
          ...(outcome.status === 'unknown' ? { message: `job ${r.jobId} does not exist` } : {}),
        };
      }),
    );
    if (req.claim === undefined) return { results };
    // A runner holding WorkingDirectory folders hears which ended (a busy one seldom long-polls).
    const finished =
      req.claim.holdsDirectories === false ? [] : await takeFinishedAffinities(this.#db, runner.id);
    return {
      results,
      jobs: claimed.flat(),
      ...(finished.length === 0 ? {} : { finishedWorkingDirectories: finished }),
    };
  }

  /**
   * Applies a job's result once: a repeat under the same lease answers `duplicate`. With `claim`,
   * jobs leased to the runner in the same transaction are handed to `onClaimed`.
   */
  async submit(
    runner: RunnerIdentity,
    jobId: string,
    req: ResultRequest & { logs?: LogsRequest['logs'] | undefined },
    claim?: ResultsClaim,
    onClaimed?: (jobs: ClaimedJob[]) => void,
  ): Promise<
    { status: 'applied' | 'duplicate' } | { status: 'unknown' } | { status: 'not-held'; message: string }
  > {
    // Claimed through this replica: known without a query; otherwise looked up.
    const target = this.#leasedHere.get(jobId) ?? (await getTaskJob(this.#db, jobId));
    if (target === undefined) return { status: 'unknown' };
    const r = req.result;
    const event: EngineEvent = {
      type: 'taskResult',
      taskRunId: target.taskRunId,
      attempt: target.attempt,
      state: r.state,
      ...(r.outputs !== undefined ? { outputs: r.outputs } : {}),
      ...(r.effects?.labels !== undefined ? { labels: r.effects.labels } : {}),
      ...(r.effects?.exit !== undefined ? { exit: r.effects.exit as StateName } : {}),
      ...(r.error !== undefined ? { error: r.error } : {}),
      ...(r.retryable !== undefined ? { retryable: r.retryable } : {}),
    };
    // The claim's leases, from the transaction that committed (a retried one runs it again).
    let leased: Leased[] = [];
    if (claim !== undefined) {
      await this.#service.ensureTaskQueue(claim.workerGroup);
      await this.#service.ensureRunnerQueue(runner.id);
    }
    const logs = req.logs === undefined ? [] : jobLogEntries(target, req.logs);
    const applied = await this.#service.advance(target.executionId, [event], {
      guard: {
        jobId,
        leaseId: req.leaseId,
        runnerId: runner.id,
        to: 'done',
        boss: 'complete',
        ...(logs.length === 0 ? {} : { logs }),
        ...(claim === undefined
          ? {}
          : {
              claim: async (tx: Executor) => {
                leased = await this.#leaseIn(
                  tx,
                  runner,
                  claim.workerGroup,
                  claim.max,
                  new Date(this.clock.now()),
                  {
                    own: claim.holdsDirectories !== false,
                  },
                );
                return leased.map((l) => l.row.bossId);
              },
            }),
      },
    });
    this.#remember(leased);
    if (claim !== undefined) onClaimed?.(await Promise.all(leased.map((l) => this.#toClaimed(l))));
    if (applied.status === 'applied' || applied.settle.status === 'duplicate') {
      this.#leasedHere.delete(jobId);
      return { status: applied.status === 'applied' ? 'applied' : 'duplicate' };
    }
    const state = applied.settle.job?.state ?? 'unknown';
    return {
      status: 'not-held',
      message: `job ${jobId} is not leased to runner ${runner.name} under lease ${req.leaseId} (it is ${state}); its result is not accepted`,
    };
  }

  /** A runner gives up a job it started (stopping, grace period over): the task fails, retryable. */
  async handBack(runner: RunnerIdentity, jobId: string, req: HandBackRequest): Promise<LeaseCheck> {
    const check = await this.checkLease(runner, jobId, req.leaseId);
    if (check.status !== 'held') return check;
    const message = `runner ${runner.name} stopped before task ${check.job.taskId} finished (${req.reason})`;
    await this.settleLost(check.job, 'released', message);
    return check;
  }

  /**
   * The runner's leased jobs other than `keep` were never started (it is stopping, or a claim's answer
   * was lost): they go back to the queue. With `restarted`, the runner is a new process: what is
   * still leased to it was held by the previous one, which may have run it, so those end as lost
   * (retryable) rather than run again as the same attempt.
   */
  async returnLeases(runner: RunnerIdentity, keep: readonly string[], restarted = false): Promise<string[]> {
    if (restarted) {
      for (const job of await leasedJobsOfRunner(this.#db, { id: runner.id })) {
        if (keep.includes(job.jobId)) continue;
        await this.settleLost(
          job,
          'lost',
          `runner ${runner.name} restarted while running task ${job.taskId}; the run of its previous process is lost`,
        );
      }
      return [];
    }
    const rows = await this.#db.transaction(async (tx) => {
      const rows = await unleaseTaskJobs(tx, runner.id, keep, new Date(this.clock.now()));
      for (const row of rows) {
        if (row.state === 'queued') await this.#boss.requeue(tx, row.queue, row.bossId);
        else await this.#boss.cancel(tx, row.queue, row.bossId);
      }
      return rows;
    });
    for (const row of rows) {
      if (row.state === 'queued') this.#service.jobsReady(row.workerGroup ?? undefined);
      else await this.#service.advance(row.executionId, [killedResult(row.taskRunId, row.attempt)]);
    }
    return rows.map((r) => r.jobId);
  }

  /**
   * Ends a leased job without a runner's result: its task run gets a FAILED, retryable result with
   * `message` (logged as the task's error line), applied with the lease settled as `to`.
   */
  async settleLost(job: TaskJobRow, to: 'lost' | 'released', message: string): Promise<boolean> {
    const now = new Date(this.clock.now());
    const event: EngineEvent = {
      type: 'taskResult',
      taskRunId: job.taskRunId,
      attempt: job.attempt,
      state: 'FAILED',
      error: message,
      retryable: true,
    };
    this.#leasedHere.delete(job.jobId);
    const log = jobLog(job, 'ERROR', message, now.toISOString());
    const r = await this.#service.advance(job.executionId, [event], {
      guard: { jobId: job.jobId, leaseId: job.leaseId ?? '', to, boss: 'fail', log },
    });
    return r.status === 'applied';
  }

  /**
   * Every lease held by runners named `runnerName` is dead (`osprey dev` restarted, and its embedded
   * runner with it): their tasks get the runner-lost result now rather than after the lease runs out.
   */
  async loseLeasesOf(runnerName: string, why: string): Promise<number> {
    let settled = 0;
    for (const job of await leasedJobsOfRunner(this.#db, { name: runnerName })) {
      const message = `runner ${runnerName} was lost while running task ${job.taskId} (${why})`;
      if (await this.settleLost(job, 'lost', message)) settled++;
    }
    return settled;
  }

  /**
   * Runners holding WorkingDirectory folders that are gone (revoked, or no request for longer than a
   * long-poll plus a lease): their folders are lost, and the children waiting for them fail.
   * Returns how many waiting children failed.
   */
  async loseGoneRunners(): Promise<number> {
    const now = new Date(this.clock.now());
    const seenBefore = new Date(now.getTime() - this.options.claimWaitMs - this.options.leaseTtlMs - 10_000);
    const { lost, jobs } = await this.#db.transaction(async (tx) => {
      const lost = await loseAffinitiesOfGoneRunners(tx, seenBefore, now);
      if (lost.length === 0) return { lost, jobs: [] };
      const jobs = await cancelQueuedTaskJobs(tx, { affinityKeys: lost.map((a) => a.key) }, now);
      for (const row of jobs) await this.#boss.cancel(tx, row.queue, row.bossId);
      return { lost, jobs };
    });
    const byKey = new Map(lost.map((a) => [a.key, a]));
    for (const row of jobs) {
      const holder = byKey.get(row.affinityKey ?? '');
      if (holder === undefined) continue;
      const message = lostAffinityMessage(holder);
      await this.#service.appendJobLogs(row.executionId, [
        {
          executionId: row.executionId,
          namespace: row.namespace,
          flowId: row.flowId,
          taskId: row.taskId,
          taskRunId: row.taskRunId,
          attemptNumber: row.attempt,
          level: 'ERROR',
          message,
          timestamp: now.toISOString(),
        },
      ]);
      await this.#service.advance(row.executionId, [
        {
          type: 'taskResult',
          taskRunId: row.taskRunId,
          attempt: row.attempt,
          state: 'FAILED',
          error: message,
          retryable: false,
        },
      ]);
    }
    return jobs.length;
  }

  /** What a lost lease says: who, which task, and for how long nothing was heard. */
  lostMessage(job: TaskJobRow, reason: 'lease' | 'timeout'): string {
    if (reason === 'timeout') {
      return `Task timed out after ${isoDuration(job.timeoutMs ?? 0)} (runner ${job.runnerName} did not stop it)`;
    }
    const now = this.clock.now();
    const lastHeard = (job.leaseExpiresAt?.getTime() ?? now) - this.options.leaseTtlMs;
    return `runner ${job.runnerName} was lost while running task ${job.taskId} (no heartbeat for ${isoDuration(Math.max(0, now - lastHeard))})`;
  }

  async #lease(runner: RunnerIdentity, group: string | undefined, max: number, signal: AbortSignal) {
    try {
      const leased = await this.#db.transaction(async (tx) => {
        const leased = await this.#leaseIn(tx, runner, group, max, new Date(this.clock.now()));
        // The runner hung up: roll back, the jobs stay queued for someone listening.
        if (leased.length > 0 && signal.aborted) throw new ClaimAbandoned();
        return leased;
      });
      this.#remember(leased);
      return leased;
    } catch (e) {
      if (e instanceof ClaimAbandoned) return [];
      throw e;
    }
  }

  /** Takes up to `max` jobs for the runner (its own queue first) and leases them, inside `tx`. */
  async #leaseIn(
    tx: Executor,
    runner: RunnerIdentity,
    group: string | undefined,
    max: number,
    now: Date,
    options: { own: boolean } = { own: true },
  ): Promise<Leased[]> {
    const queue = taskQueueName(group);
    // The runner's own queue first: later children of WorkingDirectories whose folder it holds.
    const own = runnerQueueName(runner.id);
    const mine = options.own ? await this.#boss.fetch<TaskJob>(tx, own, max) : [];
    const shared = mine.length < max ? await this.#boss.fetch<TaskJob>(tx, queue, max - mine.length) : [];
    const fetched = [...mine, ...shared];
    if (fetched.length === 0) return [];
    const rows = await leaseTaskJobs(
      tx,
      fetched.map((j) => j.id),
      {
        runnerId: runner.id,
        runnerName: runner.name,
        expiresAt: new Date(now.getTime() + this.options.leaseTtlMs),
      },
      now,
    );
    const byBoss = new Map(fetched.map((j) => [j.id, j.data]));
    const leased = new Set(rows.map((r) => r.bossId));
    // Jobs cancelled before anyone claimed them: settle their pg-boss job, hand out nothing.
    for (const [name, list] of [
      [own, mine],
      [queue, shared],
    ] as const) {
      const stale = list.filter((j) => !leased.has(j.id)).map((j) => j.id);
      if (stale.length > 0) await this.#boss.complete(tx, name, stale);
    }
    // The first child of a WorkingDirectory taken from the group's queue: its folder will be here.
    await recordAffinities(
      tx,
      rows.flatMap((row) => {
        const affinity = (byBoss.get(row.bossId) as TaskJob | undefined)?.affinity;
        return row.queue !== queue || affinity === undefined
          ? []
          : [
              {
                key: affinity.key,
                executionId: row.executionId,
                taskId: affinity.taskId,
                runnerId: runner.id,
                runnerName: runner.name,
              },
            ];
      }),
      now,
    );
    return rows.map((row) => ({ row, job: byBoss.get(row.bossId) as TaskJob }));
  }

  /** Leases taken through this replica, so their results need no look-up. */
  #remember(leased: readonly Leased[]): void {
    if (this.#leasedHere.size > MAX_REMEMBERED) this.#leasedHere.clear();
    for (const { row } of leased) this.#leasedHere.set(row.jobId, row);
  }

  async #toClaimed({ row, job }: Leased): Promise<ClaimedJob> {
    const repository = job.source?.repository;
    const url =
      repository !== undefined && job.source?.sha !== undefined && this.#git !== undefined
        ? await this.#git.cloneUrl(repository)
        : undefined;
    return {
      jobId: row.jobId,
      leaseId: row.leaseId ?? '',
      leaseExpiresAt: (row.leaseExpiresAt ?? new Date(this.clock.now())).toISOString(),
      job,
      ...(url === undefined ? {} : { git: { url } }),
    };
  }
}

interface Leased {
  row: TaskJobRow;
  job: TaskJob;
}

type ResultsClaim = NonNullable<ResultsRequest['claim']>;

/** A job's log lines as stored: its task's `logLevel` applied. */
function jobLogEntries(job: TaskJobRow, lines: LogsRequest['logs']): LogEntry[] {
  const min = LEVELS.indexOf(job.minLogLevel);
  return lines
    .filter((l) => LEVELS.indexOf(l.level) >= min)
    .map((l) => jobLog(job, l.level, l.message, new Date(l.timestamp).toISOString()));
}

/** A log line of a job's task run. */
function jobLog(job: TaskJobRow, level: LogEntry['level'], message: string, timestamp: string): LogEntry {
  return {
    executionId: job.executionId,
    namespace: job.namespace,
    flowId: job.flowId,
    taskId: job.taskId,
    taskRunId: job.taskRunId,
    attemptNumber: job.attempt,
    level,
    message,
    timestamp,
  };
}

class ClaimAbandoned extends Error {
  constructor() {
    super('the runner closed its claim request');
    this.name = 'ClaimAbandoned';
  }
}
