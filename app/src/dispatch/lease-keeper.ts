/**
 * `LeaseKeeper`: nothing stays RUNNING because a runner died. One replica at a time (leader
 * election on an advisory lock) looks for leases that were not renewed in time, and for jobs
 * running past their timeout, and gives their task run a FAILED, retryable result saying which
 * runner was lost; the engine then retries the task per its retry policy, or fails it. Children of a
 * WorkingDirectory waiting for a runner that is gone (its folder with it) fail.
 *
 * At boot every lease is extended: while the app was down, runners could not heartbeat, and one
 * that kept working must not be declared lost for the app's own absence.
 */

import { logger } from '../../../protocol/src/logger.ts';
import { ElectedInterval } from '../queue/advisory-lock.ts';
import type { Database } from '../storage/database.ts';
import { extendAllLeases, overdueJobs } from '../storage/task-jobs.ts';
import type { TaskDispatcher } from './task-dispatcher.ts';

const log = logger('lease-keeper');

export interface LeaseKeeperOptions {
  /** How often the leader looks (default: a quarter of the lease TTL, at least 100 ms). */
  intervalMs?: number;
  /** A job may run this long past its timeout before it is failed here (default 10 s). */
  timeoutGraceMs?: number;
  onError?: (error: Error) => void;
}

const BATCH = 100;

export class LeaseKeeper {
  readonly #db: Database;
  readonly #dispatcher: TaskDispatcher;
  readonly #intervalMs: number;
  readonly #graceMs: number;
  readonly #onError: (error: Error) => void;
  readonly #election: ElectedInterval;

  constructor(db: Database, dispatcher: TaskDispatcher, options: LeaseKeeperOptions = {}) {
    this.#db = db;
    this.#dispatcher = dispatcher;
    this.#intervalMs = options.intervalMs ?? Math.max(100, Math.floor(dispatcher.options.leaseTtlMs / 4));
    this.#graceMs = options.timeoutGraceMs ?? 10_000;
    this.#onError = options.onError ?? ((e) => log.error({ err: e }, 'lease keeper failed'));
    this.#election = new ElectedInterval(db, 'osprey.lease-keeper', {
      intervalMs: this.#intervalMs,
      electionIntervalMs: Math.max(this.#intervalMs, 500),
      work: () => this.sweep(),
      onError: this.#onError,
    });
  }

  async start(): Promise<void> {
    await extendAllLeases(
      this.#db,
      new Date(this.#dispatcher.clock.now() + 2 * this.#dispatcher.options.leaseTtlMs),
    );
    this.#election.start();
  }

  async stop(): Promise<void> {
    await this.#election.stop();
  }

  /** One pass: every overdue lease gets its result. Returns how many were settled. */
  async sweep(): Promise<number> {
    let settled = 0;
    for (;;) {
      const overdue = await overdueJobs(
        this.#db,
        new Date(this.#dispatcher.clock.now()),
        this.#graceMs,
        BATCH,
      );
      for (const job of overdue) {
        if (await this.#dispatcher.settleLost(job, 'lost', this.#dispatcher.lostMessage(job, job.reason)))
          settled++;
      }
      if (overdue.length < BATCH) break;
    }
    return settled + (await this.#dispatcher.loseGoneRunners());
  }
}
