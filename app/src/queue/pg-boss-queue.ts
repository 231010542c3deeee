/**
 * `TaskQueue` on pg-boss 12, on both drivers: pg-boss's own pool on Postgres, the shared instance
 * on PGlite (`fromPglite` + `backend: 'pglite'`). LISTEN/NOTIFY is on (`useListenNotify` and
 * `notify: true` per queue) so a send wakes a worker in milliseconds; the poll that remains is a
 * 1-second backstop, which is also how a retried job is picked up.
 */
import { type SendOptions as BossSendOptions, PgBoss } from 'pg-boss';
import { logger } from '../../../protocol/src/logger.ts';
import type { Database, Executor } from '../storage/database.ts';
import { pgBossExecutor } from '../storage/pg-boss-executor.ts';
import type { QueueJob, QueueOptions, SendOptions, TaskQueue, WorkOptions } from './task-queue.ts';

const log = logger('pg-boss');

export interface StartQueueOptions {
  /** Schema of pg-boss's tables (default `<db.schema>_pgboss`). */
  schema?: string;
  /** Backstop poll while NOTIFY is active, in seconds (default 1). */
  notifyPollingIntervalSeconds?: number;
  /** Poll interval when NOTIFY is unavailable, in seconds (default 0.5, pg-boss's minimum). */
  pollingIntervalSeconds?: number;
  /** pg-boss maintenance (expiry, retention); on by default. */
  supervise?: boolean;
  /** pg-boss cron; off by default (Osprey's triggers schedule flows). */
  schedule?: boolean;
  /** Postgres pool size of pg-boss (default 10). */
  maxConnections?: number;
  /** How long `stop()` waits for running handlers, in ms (default 10 s). */
  stopTimeoutMs?: number;
  /** pg-boss's `error` events (a failing maintenance query, a dropped listener); default: stderr. */
  onError?: (error: Error) => void;
}

/** How often pg-boss looks for jobs whose process died (see `startTaskQueue`). */
const SUPERVISE_SECONDS = 5;

/** Starts pg-boss on `db` (creating or migrating its schema) and returns the queue. */
export async function startTaskQueue(
  db: Database,
  options: StartQueueOptions = {},
): Promise<PgBossTaskQueue> {
  const common = {
    schema: options.schema ?? `${db.schema}_pgboss`,
    useListenNotify: true,
    supervise: options.supervise ?? true,
    // How soon a job held by a process that died is found (heartbeat stale, or expired) and retried:
    // pg-boss looks at a queue only once per max(supervise, monitor) interval, 60 s by default, which
    // left an engine step waiting minutes behind a killed server.
    superviseIntervalSeconds: SUPERVISE_SECONDS,
    monitorIntervalSeconds: SUPERVISE_SECONDS,
    schedule: options.schedule ?? false,
  };
  const boss =
    db.pgBoss.driver === 'postgres'
      ? new PgBoss({
          ...common,
          connectionString: db.pgBoss.connectionString,
          max: options.maxConnections ?? 10,
        })
      : new PgBoss({ ...common, db: db.pgBoss.db, backend: 'pglite' });
  const onError = options.onError ?? ((e: Error) => log.error({ err: e }, 'pg-boss error'));
  boss.on('error', onError);
  await boss.start();
  return new PgBossTaskQueue(boss, db, {
    notifyPollingIntervalSeconds: options.notifyPollingIntervalSeconds ?? 1,
    pollingIntervalSeconds: options.pollingIntervalSeconds ?? 0.5,
    stopTimeoutMs: options.stopTimeoutMs ?? 10_000,
  });
}

interface Tuning {
  notifyPollingIntervalSeconds: number;
  pollingIntervalSeconds: number;
  stopTimeoutMs: number;
}

function toBossSend(options: SendOptions): BossSendOptions {
  const out: BossSendOptions = {};
  if (options.tx !== undefined) out.db = pgBossExecutor(options.tx);
  if (options.id !== undefined) out.id = options.id;
  if (options.startAfter !== undefined) out.startAfter = options.startAfter;
  if (options.singletonKey !== undefined) out.singletonKey = options.singletonKey;
  if (options.priority !== undefined) out.priority = options.priority;
  if (options.retryLimit !== undefined) out.retryLimit = options.retryLimit;
  if (options.retryDelaySeconds !== undefined) out.retryDelay = options.retryDelaySeconds;
  if (options.retryBackoff !== undefined) out.retryBackoff = options.retryBackoff;
  if (options.expireInSeconds !== undefined) out.expireInSeconds = options.expireInSeconds;
  return out;
}

function ids(value: string | readonly string[]): string[] {
  return typeof value === 'string' ? [value] : [...value];
}

export class PgBossTaskQueue implements TaskQueue {
  readonly #boss: PgBoss;
  readonly #db: Database;
  readonly #tuning: Tuning;
  readonly #workers = new Map<string, Set<string>>();
  #stopped = false;

  constructor(boss: PgBoss, db: Database, tuning: Tuning) {
    this.#boss = boss;
    this.#db = db;
    this.#tuning = tuning;
  }

  /** The pg-boss instance, for what this interface does not cover (queue stats, admin tools). */
  get boss(): PgBoss {
    return this.#boss;
  }

  async createQueue(name: string, options: QueueOptions = {}): Promise<void> {
    await this.#boss.createQueue(name, {
      notify: true,
      ...(options.policy === undefined ? {} : { policy: options.policy }),
      ...(options.retryLimit === undefined ? {} : { retryLimit: options.retryLimit }),
      ...(options.retryDelaySeconds === undefined ? {} : { retryDelay: options.retryDelaySeconds }),
      ...(options.retryBackoff === undefined ? {} : { retryBackoff: options.retryBackoff }),
      ...(options.expireInSeconds === undefined ? {} : { expireInSeconds: options.expireInSeconds }),
      ...(options.heartbeatSeconds === undefined ? {} : { heartbeatSeconds: options.heartbeatSeconds }),
      ...(options.deadLetter === undefined ? {} : { deadLetter: options.deadLetter }),
    });
  }

  async send<T extends object>(
    name: string,
    data: T,
    options: SendOptions = {},
  ): Promise<string | undefined> {
    this.#checkTx('send', options.tx);
    const id = await this.#boss.send(name, data, toBossSend(options));
    return id ?? undefined;
  }

  async work<T extends object>(
    name: string,
    options: WorkOptions,
    handler: (jobs: QueueJob<T>[]) => Promise<void>,
  ): Promise<string> {
    const batchSize = options.batchSize ?? 1;
    const workerId = await this.#boss.work<T>(
      name,
      {
        batchSize,
        localConcurrency: options.concurrency ?? 1,
        pollingIntervalSeconds: this.#tuning.pollingIntervalSeconds,
        notifyPollingIntervalSeconds: this.#tuning.notifyPollingIntervalSeconds,
        // Refetch at once while batches come back full: the throughput lever (see notes/pgboss.md).
        burstWhenBatchFull: batchSize >= 10,
      },
      async (jobs) => {
        await handler(
          jobs.map((j) => ({
            id: j.id,
            name: j.name,
            data: j.data,
            retryCount: j.retryCount,
            signal: j.signal,
          })),
        );
      },
    );
    let set = this.#workers.get(name);
    if (set === undefined) {
      set = new Set();
      this.#workers.set(name, set);
    }
    set.add(workerId);
    return workerId;
  }

  async offWork(name: string): Promise<void> {
    this.#workers.delete(name);
    await this.#boss.offWork(name);
  }

  async fetch<T extends object>(name: string, batchSize = 1): Promise<QueueJob<T>[]> {
    const jobs = await this.#boss.fetch<T>(name, { batchSize });
    return jobs.map((j) => ({
      id: j.id,
      name: j.name,
      data: j.data,
      retryCount: j.retryCount,
      signal: j.signal,
    }));
  }

  async complete(
    name: string,
    id: string | readonly string[],
    options: { tx?: Executor; output?: object } = {},
  ): Promise<void> {
    this.#checkTx('complete', options.tx);
    await this.#boss.complete(name, ids(id), options.output ?? null, this.#connection(options.tx));
  }

  async fail(
    name: string,
    id: string | readonly string[],
    options: { tx?: Executor; error?: object } = {},
  ): Promise<void> {
    this.#checkTx('fail', options.tx);
    await this.#boss.fail(name, ids(id), options.error ?? null, this.#connection(options.tx));
  }

  async cancel(name: string, id: string | readonly string[], options: { tx?: Executor } = {}): Promise<void> {
    this.#checkTx('cancel', options.tx);
    await this.#boss.cancel(name, ids(id), this.#connection(options.tx));
  }

  notify(name: string): void {
    for (const workerId of this.#workers.get(name) ?? []) this.#boss.notifyWorker(workerId);
  }

  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    await this.#boss.stop({ graceful: true, timeout: this.#tuning.stopTimeoutMs });
  }

  /**
   * A queue call made inside a transaction must say so: otherwise it would commit on its own on
   * Postgres (pg-boss's pool) but join the transaction on PGlite (one connection).
   */
  #checkTx(what: string, tx: Executor | undefined): void {
    if (tx === undefined && this.#db.currentTransaction() !== undefined) {
      throw new Error(
        `${what}() was called inside a database transaction without { tx }; pass the transaction so the job changes commit or roll back with it`,
      );
    }
  }

  #connection(tx: Executor | undefined): { db?: ReturnType<typeof pgBossExecutor> } {
    return tx === undefined ? {} : { db: pgBossExecutor(tx) };
  }
}
