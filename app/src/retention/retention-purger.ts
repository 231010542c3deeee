/**
 * `RetentionPurger`: what Osprey keeps does not grow without end. One replica at a time (leader
 * election on an advisory lock, like the lease keeper) purges, at start and then every
 * `intervalMs`:
 * - KV entries past their expiry (already invisible to every read);
 * - GitHub webhook deliveries older than the delivery log's dedup window, once processed or
 *   given up (an unfinished one is kept for the reconciler);
 * - with `executionsMs`, executions that ended longer ago than that, with their logs, task jobs,
 *   check-run links and internal-storage files;
 * - with `logsMs`, log lines older than that, even of executions still kept.
 * Unset retentions keep executions and logs forever (docs/configuration.md).
 */
import { logger } from '../../../protocol/src/logger.ts';
import { DELIVERY_TTL_MS } from '../github/postgres/postgres-delivery-log.ts';
import { ElectedInterval } from '../queue/advisory-lock.ts';
import type { Database } from '../storage/database.ts';
import { purgeDeliveries } from '../storage/delivery-claims.ts';
import { type PurgedExecution, purgeExecutions } from '../storage/executions.ts';
import { purgeExpiredKv } from '../storage/kv.ts';
import { purgeLogs } from '../storage/logs.ts';

const log = logger('retention');

/** Where the files of an execution are deleted (the server's internal storage). */
export interface ExecutionFiles {
  /** What it answers (the URIs deleted, for a local folder) is not used here. */
  deleteExecution(execution: { namespace: string; flowId: string; executionId: string }): Promise<unknown>;
}

export interface RetentionOptions {
  /** Keep ended executions this long (ms); undefined keeps them forever. */
  executionsMs?: number | undefined;
  /** Keep log lines this long (ms); undefined keeps them as long as their execution. */
  logsMs?: number | undefined;
  /** Keep webhook deliveries this long (default: the delivery log's dedup window, 24 h). */
  deliveriesMs?: number;
  /** Time between purges (default 1 hour). */
  intervalMs?: number;
  now?: () => number;
  /** Called after each purge this replica made (tests, metrics). */
  onPurged?: (report: RetentionReport) => void;
}

export interface RetentionReport {
  kv: number;
  deliveries: number;
  executions: number;
  logs: number;
  files: number;
}

/** Executions are deleted this many at a time, each batch followed by its files. */
const BATCH = 500;

export class RetentionPurger {
  readonly #db: Database;
  readonly #files: ExecutionFiles;
  readonly #options: RetentionOptions;
  readonly #now: () => number;
  readonly #election: ElectedInterval;

  constructor(db: Database, files: ExecutionFiles, options: RetentionOptions = {}) {
    this.#db = db;
    this.#files = files;
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#election = new ElectedInterval(db, 'osprey.retention', {
      intervalMs: options.intervalMs ?? 3_600_000,
      work: () => this.purge(),
      onError: (e) => log.error({ err: e }, 'retention purge failed'),
    });
  }

  start(): void {
    this.#election.start();
  }

  async stop(): Promise<void> {
    await this.#election.stop();
  }

  /** One purge (the leader runs it on its timer; callable directly). */
  async purge(): Promise<RetentionReport> {
    const now = this.#now();
    const { executionsMs, logsMs } = this.#options;
    const report: RetentionReport = { kv: 0, deliveries: 0, executions: 0, logs: 0, files: 0 };
    report.kv = await purgeExpiredKv(this.#db, new Date(now));
    report.deliveries = await purgeDeliveries(
      this.#db,
      new Date(now - (this.#options.deliveriesMs ?? DELIVERY_TTL_MS)),
    );
    if (executionsMs !== undefined) {
      for (;;) {
        const gone = await purgeExecutions(this.#db, new Date(now - executionsMs), BATCH);
        report.executions += gone.length;
        report.files += await this.#deleteFiles(gone);
        if (gone.length < BATCH) break;
      }
    }
    if (logsMs !== undefined) report.logs = await purgeLogs(this.#db, new Date(now - logsMs));
    if (Object.values(report).some((n) => n > 0)) log.info(report, 'retention purge');
    this.#options.onPurged?.(report);
    return report;
  }

  /** The rows are gone first: a failed file deletion leaves files behind, never a broken execution. */
  async #deleteFiles(executions: readonly PurgedExecution[]): Promise<number> {
    let deleted = 0;
    for (const e of executions) {
      try {
        await this.#files.deleteExecution({ namespace: e.namespace, flowId: e.flowId, executionId: e.id });
        deleted++;
      } catch (error) {
        log.warn({ err: error, execution: e.id }, 'internal storage files of a purged execution not deleted');
      }
    }
    return deleted;
  }
}
