/**
 * The queue as Osprey's services see it: jobs for task runs and internal work (trigger evaluation,
 * timers, GitHub reporting). A job that a state change creates is sent in that change's
 * transaction (`tx`), so a rolled-back change leaves no job behind and a committed one always has
 * its job. Workers wake on LISTEN/NOTIFY, not on a poll; `notify` wakes this process's workers
 * at once (for work made ready without a send).
 */
import type { Executor } from '../storage/database.ts';

export interface QueueJob<T> {
  id: string;
  name: string;
  data: T;
  /** 0 on the first attempt. */
  retryCount: number;
  /** Aborted when the job expires or the worker stops. */
  signal: AbortSignal;
}

export interface QueueOptions {
  /** Retries after the first attempt (default 2). */
  retryLimit?: number;
  retryDelaySeconds?: number;
  retryBackoff?: boolean;
  /** How long a job may stay active before it is retried or failed (default 15 minutes). */
  expireInSeconds?: number;
  /**
   * A worker running a job refreshes it every half of this (at least 10 s); a job not refreshed in
   * this time (its process died) is retried without waiting for `expireInSeconds`. Default: none.
   */
  heartbeatSeconds?: number;
  /** Queue that receives jobs out of retries. */
  deadLetter?: string;
  /** `singleton`: one active job at a time; `stately`: one queued and one active. */
  policy?: 'standard' | 'singleton' | 'stately' | 'short' | 'exclusive';
}

export interface SendOptions {
  /** Run the send inside this transaction (the `tx` of `db.transaction`). */
  tx?: Executor;
  /** Job id (a UUID); a second send with the same id is ignored. */
  id?: string;
  /** Not before this time. */
  startAfter?: Date;
  /** At most one queued job per key (with the queue's policy). */
  singletonKey?: string;
  priority?: number;
  retryLimit?: number;
  retryDelaySeconds?: number;
  retryBackoff?: boolean;
  expireInSeconds?: number;
}

export interface WorkOptions {
  /** Jobs fetched at once (default 1); with 10 or more, a full batch refetches at once. */
  batchSize?: number;
  /** Concurrent fetch loops in this process (default 1). */
  concurrency?: number;
}

export interface TaskQueue {
  /** Creates the queue if missing (idempotent), with NOTIFY on job creation. */
  createQueue(name: string, options?: QueueOptions): Promise<void>;
  /** Sends a job; undefined when a singleton or id rule dropped it. */
  send<T extends object>(name: string, data: T, options?: SendOptions): Promise<string | undefined>;
  /** Runs `handler` on batches; a throw fails every job of the batch (and retries them per policy). */
  work<T extends object>(
    name: string,
    options: WorkOptions,
    handler: (jobs: QueueJob<T>[]) => Promise<void>,
  ): Promise<string>;
  offWork(name: string): Promise<void>;
  /** Takes up to `batchSize` jobs for a caller that settles them itself (runner long-poll). */
  fetch<T extends object>(name: string, batchSize?: number): Promise<QueueJob<T>[]>;
  complete(
    name: string,
    ids: string | readonly string[],
    options?: { tx?: Executor; output?: object },
  ): Promise<void>;
  fail(
    name: string,
    ids: string | readonly string[],
    options?: { tx?: Executor; error?: object },
  ): Promise<void>;
  cancel(name: string, ids: string | readonly string[], options?: { tx?: Executor }): Promise<void>;
  /** Wakes this process's workers of `name` now. */
  notify(name: string): void;
  stop(): Promise<void>;
}
