/**
 * `Database` on PGlite, the embedded default: Postgres in WebAssembly, one connection, in-process.
 * What PGlite lacks, as measured when choosing it, is supplied here:
 * - a lock file, so only one process opens a data folder;
 * - WAL capped at 64 MB and a periodic `VACUUM ANALYZE` (PGlite runs no autovacuum; stale planner
 *   statistics make pg-boss's fetch scan its whole backlog);
 * - advisory locks: every caller shares the single session, where Postgres advisory locks are
 *   re-entrant, so locks are kept in a per-instance table in memory instead. One process owns the
 *   folder, so an in-process lock is exactly as exclusive as a server-side one would be.
 */
import { join } from 'node:path';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { fromPglite, type Db as PgBossDb } from 'pg-boss';
import { lockDataDir } from './data-dir-lock.ts';
import type { Database, Executor, HeldLock, PgBossTarget, QueryResult, Row, Unlisten } from './database.ts';
import { assertSchemaName, scopedChannel } from './identifiers.ts';
import { pgBossExecutor, registerRawExecutor } from './pg-boss-executor.ts';
import { assertNoTransaction, currentTransaction, runInTransaction } from './transaction-context.ts';

export const DEFAULT_VACUUM_INTERVAL_MS = 10 * 60_000;
/** Settings applied at every start (PGlite reads them like postgresql.conf). */
const POSTGRESQL_CONF = ["max_wal_size = '64MB'", "min_wal_size = '32MB'"];

export interface PgliteOptions {
  dataDir: string;
  schema: string;
  vacuumIntervalMs?: number;
}

/** Opens (or creates) `<dataDir>/pglite` after taking `<dataDir>/pglite.lock`. */
export async function openPglite(options: PgliteOptions): Promise<Database> {
  assertSchemaName(options.schema);
  const release = await lockDataDir(options.dataDir);
  let pglite: PGlite;
  try {
    pglite = await PGlite.create({
      dataDir: join(options.dataDir, 'pglite'),
      postgresqlconf: POSTGRESQL_CONF,
    });
  } catch (e) {
    await release();
    throw new Error(
      `cannot open the embedded database in ${join(options.dataDir, 'pglite')}: ${(e as Error).message}; ` +
        'if the folder is damaged, move it away to start empty, or set DATABASE_URL to use a Postgres server',
      { cause: e },
    );
  }
  return new PgliteDatabase(pglite, {
    schema: options.schema,
    onClose: async () => {
      await pglite.close();
      await release();
    },
    vacuumIntervalMs: options.vacuumIntervalMs ?? DEFAULT_VACUUM_INTERVAL_MS,
  });
}

/** An in-memory PGlite (benchmarks): nothing on disk, no lock needed. */
export async function openMemoryPglite(schema: string): Promise<Database> {
  assertSchemaName(schema);
  const pglite = await PGlite.create({ postgresqlconf: POSTGRESQL_CONF });
  return new PgliteDatabase(pglite, { schema, onClose: () => pglite.close(), vacuumIntervalMs: 0 });
}

/**
 * A `Database` over a PGlite instance the caller owns (several schemas on one instance in tests):
 * `close()` leaves the instance open.
 */
export function wrapPglite(pglite: PGlite, schema: string): Database {
  assertSchemaName(schema);
  return new PgliteDatabase(pglite, { schema, onClose: async () => {}, vacuumIntervalMs: 0 });
}

/** Advisory locks of one PGlite instance, shared by every wrapper around it. */
const lockTables = new WeakMap<PGlite, Map<string, PgliteLock>>();

function toResult<R extends Row>(r: { rows: unknown[]; affectedRows?: number }): QueryResult<R> {
  return { rows: r.rows as R[], rowCount: r.rows.length > 0 ? r.rows.length : (r.affectedRows ?? 0) };
}

async function rawRows(
  target: PGlite | Transaction,
  text: string,
  values?: unknown[],
): Promise<{ rows: unknown[] }> {
  if (values !== undefined && values.length > 0) return target.query(text, values);
  const results = await target.exec(text);
  return { rows: results.flatMap((r) => r.rows) };
}

interface PgliteDatabaseOptions {
  schema: string;
  onClose: () => Promise<void>;
  vacuumIntervalMs: number;
}

class PgliteDatabase implements Database {
  readonly driver = 'pglite' as const;
  readonly schema: string;
  readonly pgBoss: PgBossTarget;
  readonly #pglite: PGlite;
  readonly #onClose: () => Promise<void>;
  readonly #locks: Map<string, PgliteLock>;
  /** Locks taken through this object: lost when it closes. */
  readonly #mine = new Set<PgliteLock>();
  readonly #unlisteners = new Set<Unlisten>();
  #vacuumTimer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(pglite: PGlite, options: PgliteDatabaseOptions) {
    this.schema = options.schema;
    this.#pglite = pglite;
    this.#onClose = options.onClose;
    let locks = lockTables.get(pglite);
    if (locks === undefined) {
      locks = new Map();
      lockTables.set(pglite, locks);
    }
    this.#locks = locks;
    this.pgBoss = { driver: 'pglite', db: this.#pgBossDb() };
    if (options.vacuumIntervalMs > 0) {
      this.#vacuumTimer = setInterval(() => {
        this.vacuum().catch(() => {});
      }, options.vacuumIntervalMs);
      this.#vacuumTimer.unref();
    }
  }

  async query<R extends Row = Row>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<R>> {
    // The owner is the PGlite instance: its one connection is what a nested call would wait for.
    assertNoTransaction(this.#pglite, 'query()');
    return toResult<R>(await this.#pglite.query(sql, params as unknown[]));
  }

  async exec(sql: string): Promise<void> {
    assertNoTransaction(this.#pglite, 'exec()');
    await this.#pglite.exec(sql);
  }

  async transaction<T>(fn: (tx: Executor) => Promise<T>): Promise<T> {
    assertNoTransaction(this.#pglite, 'transaction()');
    return this.#pglite.transaction(async (raw) => {
      const tx: Executor = {
        schema: this.schema,
        query: async <R extends Row = Row>(sql: string, params: readonly unknown[] = []) =>
          toResult<R>(await raw.query(sql, params as unknown[])),
        exec: async (sql: string) => {
          await raw.exec(sql);
        },
      };
      registerRawExecutor(tx, (text, values) => rawRows(raw, text, values));
      return runInTransaction(this.#pglite, tx, fn);
    });
  }

  currentTransaction(): Executor | undefined {
    return currentTransaction(this.#pglite);
  }

  async listen(channel: string, onPayload: (payload: string) => void): Promise<Unlisten> {
    const unlisten = await this.#pglite.listen(scopedChannel(this.schema, channel), onPayload);
    const wrapped: Unlisten = async () => {
      this.#unlisteners.delete(wrapped);
      await unlisten();
    };
    this.#unlisteners.add(wrapped);
    return wrapped;
  }

  async notify(channel: string, payload = ''): Promise<void> {
    await this.query('SELECT pg_notify($1, $2)', [scopedChannel(this.schema, channel), payload]);
  }

  async tryLock(name: string): Promise<HeldLock | undefined> {
    if (this.#closed) throw new Error('the database is closed');
    const key = `${this.schema}\u0000${name}`;
    if (this.#locks.has(key)) return undefined;
    const lock = new PgliteLock(name, () => {
      if (this.#locks.get(key) === lock) this.#locks.delete(key);
      this.#mine.delete(lock);
    });
    this.#locks.set(key, lock);
    this.#mine.add(lock);
    return lock;
  }

  /** Housekeeping PGlite does not do by itself; runs on a timer, callable directly. */
  async vacuum(): Promise<void> {
    await this.query('VACUUM ANALYZE');
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#vacuumTimer);
    for (const unlisten of [...this.#unlisteners]) await unlisten().catch(() => {});
    for (const lock of [...this.#mine]) lock.lose(new Error('the database was closed'));
    await this.#onClose();
  }

  /**
   * pg-boss's view of this instance. A pg-boss call made inside one of our transactions (in the
   * same async call chain) runs in that transaction: on PGlite's single connection, going around
   * it would wait forever for the transaction to end.
   */
  #pgBossDb(): PgBossDb {
    const inner = fromPglite(this.#pglite);
    const pglite = this.#pglite;
    const db: PgBossDb = {
      executeSql: (text, values) => {
        const tx = currentTransaction(pglite);
        if (tx === undefined) return inner.executeSql(text, values);
        return pgBossExecutor(tx).executeSql(text, values);
      },
    };
    if (inner.listen !== undefined) db.listen = inner.listen.bind(inner);
    if (inner.setSessionStatements !== undefined)
      db.setSessionStatements = inner.setSessionStatements.bind(inner);
    return db;
  }
}

class PgliteLock implements HeldLock {
  readonly name: string;
  readonly lost: Promise<Error>;
  readonly #forget: () => void;
  #markLost!: (e: Error) => void;
  #held = true;

  constructor(name: string, forget: () => void) {
    this.name = name;
    this.#forget = forget;
    this.lost = new Promise<Error>((resolve) => {
      this.#markLost = resolve;
    });
  }

  async check(): Promise<boolean> {
    return this.#held;
  }

  async release(): Promise<void> {
    if (!this.#held) return;
    this.#held = false;
    this.#forget();
  }

  lose(e: Error): void {
    if (this.#held) {
      this.#held = false;
      this.#forget();
    }
    this.#markLost(e);
  }
}
