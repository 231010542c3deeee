/**
 * The pg-boss operations of the durable engine, each joining one of our transactions: a step
 * inserts its jobs and messages with its state, a claim fetches jobs and leases them together, a
 * result completes its job together with the step it causes. Queues are created without pg-boss's
 * NOTIFY: inside a writing transaction it would serialise commits (see announcer.ts); wake-ups are
 * announced after the commit instead.
 */
import type { PgBossTaskQueue } from '../queue/pg-boss-queue.ts';
import type { QueueOptions } from '../queue/task-queue.ts';
import type { Executor } from '../storage/database.ts';
import { pgBossExecutor } from '../storage/pg-boss-executor.ts';

export interface BossJob {
  /** A UUID; a job whose id exists is not inserted again. */
  id?: string;
  data: object;
  startAfter?: Date;
}

export interface BossJobs {
  createQueue(name: string, options: Omit<QueueOptions, 'policy' | 'deadLetter'>): Promise<void>;
  insert(tx: Executor, queue: string, jobs: readonly BossJob[]): Promise<void>;
  fetch<T extends object>(tx: Executor, queue: string, max: number): Promise<Array<{ id: string; data: T }>>;
  complete(tx: Executor, queue: string, ids: string | readonly string[]): Promise<void>;
  fail(tx: Executor, queue: string, id: string, error: object): Promise<void>;
  cancel(tx: Executor, queue: string, id: string): Promise<void>;
  /** An active job nobody ran goes back to the queue (fetchable again). */
  requeue(tx: Executor, queue: string, id: string): Promise<void>;
}

export function bossJobs(queue: PgBossTaskQueue): BossJobs {
  const { boss } = queue;
  return {
    async createQueue(name, options) {
      const settings = {
        ...(options.retryLimit === undefined ? {} : { retryLimit: options.retryLimit }),
        ...(options.retryDelaySeconds === undefined ? {} : { retryDelay: options.retryDelaySeconds }),
        ...(options.retryBackoff === undefined ? {} : { retryBackoff: options.retryBackoff }),
        ...(options.expireInSeconds === undefined ? {} : { expireInSeconds: options.expireInSeconds }),
        ...(options.heartbeatSeconds === undefined ? {} : { heartbeatSeconds: options.heartbeatSeconds }),
      };
      await boss.createQueue(name, { notify: false, ...settings });
      // A queue created by an older version keeps its settings otherwise (createQueue leaves it).
      if (options.heartbeatSeconds !== undefined) await boss.updateQueue(name, settings);
    },
    async insert(tx, name, jobs) {
      if (jobs.length === 0) return;
      await boss.insert(
        name,
        jobs.map((j) => ({
          data: j.data,
          ...(j.id === undefined ? {} : { id: j.id }),
          ...(j.startAfter === undefined ? {} : { startAfter: j.startAfter }),
        })),
        { db: pgBossExecutor(tx) },
      );
    },
    async fetch<T extends object>(tx: Executor, name: string, max: number) {
      const jobs = await boss.fetch<T>(name, { batchSize: max, db: pgBossExecutor(tx) });
      return jobs.map((j) => ({ id: j.id, data: j.data }));
    },
    complete: (tx, name, ids) => queue.complete(name, ids, { tx }),
    fail: (tx, name, id, error) => queue.fail(name, id, { tx, error }),
    cancel: (tx, name, id) => queue.cancel(name, id, { tx }),
    async requeue(tx, name, id) {
      // Task queues have no pg-boss retries: fail moves the job to `failed`, retry makes it fetchable.
      await queue.fail(name, id, { tx, error: { message: 'handed back by its runner before it started' } });
      await boss.retry(name, id, { db: pgBossExecutor(tx) });
    },
  };
}
