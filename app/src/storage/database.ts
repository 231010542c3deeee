/**
 * The `Database` every Osprey service talks to, over either driver: a `pg` pool on a Postgres
 * server (`DATABASE_URL`), or PGlite, Postgres compiled to WebAssembly, in a local data folder (the
 * embedded default). Services never see the driver; they call the query functions of this folder
 * with a `Database` or with the `Executor` of a transaction.
 *
 * Rules both drivers share, so code that works on one works on the other:
 * - inside `transaction(fn)`, every statement goes through the `tx` handed to `fn`. Calling the
 *   database itself (or opening a second transaction) from inside is refused: PGlite has a single
 *   connection, so it would wait for the transaction that waits for it.
 * - all Osprey tables live in one schema (`schema`, default `osprey`); query functions qualify
 *   every table with it, so several schemas can share a database (tests, side-by-side installs).
 */
import type { Db as PgBossDb } from 'pg-boss';

export type Row = Record<string, unknown>;

export interface QueryResult<R extends Row = Row> {
  rows: R[];
  /** Rows returned or affected. */
  rowCount: number;
}

/** Something that runs SQL: the database itself or an open transaction. */
export interface Executor {
  /** Schema holding Osprey's tables; query functions qualify every table with it. */
  readonly schema: string;
  query<R extends Row = Row>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>>;
  /** Several statements, no parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export const DRIVERS = ['postgres', 'pglite'] as const;
export type Driver = (typeof DRIVERS)[number];

/** A session-level advisory lock, held until released or until its session ends. */
export interface HeldLock {
  readonly name: string;
  /** Resolves (never rejects) once the lock is lost: connection dropped or database closed. */
  readonly lost: Promise<Error>;
  /** Checks the session still holds the lock; a failed check makes `lost` resolve. */
  check(): Promise<boolean>;
  release(): Promise<void>;
}

/** How pg-boss reaches this database: its own pool on Postgres, the shared instance on PGlite. */
export type PgBossTarget =
  | { driver: 'postgres'; connectionString: string }
  | { driver: 'pglite'; db: PgBossDb };

export type Unlisten = () => Promise<void>;

export interface Database extends Executor {
  readonly driver: Driver;
  transaction<T>(fn: (tx: Executor) => Promise<T>): Promise<T>;
  /** The transaction this async call chain has open on this database, if any. */
  currentTransaction(): Executor | undefined;
  /**
   * Subscribes to a notification channel of this schema (see `notify`). Channel names are
   * lower-case identifiers; they are scoped to the schema so side-by-side installs do not hear
   * each other.
   */
  listen(channel: string, onPayload: (payload: string) => void): Promise<Unlisten>;
  /** Sends a notification now (use `notify()` of `notifications.ts` with a `tx` to send on commit). */
  notify(channel: string, payload?: string): Promise<void>;
  /** Takes the named advisory lock if free; undefined when another session holds it. */
  tryLock(name: string): Promise<HeldLock | undefined>;
  readonly pgBoss: PgBossTarget;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** `postgres://...`; when absent the embedded PGlite is used. */
  url?: string | undefined;
  /** Osprey's data folder (default `.osprey`); PGlite lives in `<dataDir>/pglite`. */
  dataDir?: string | undefined;
  /** Schema for Osprey's tables (default `osprey`). */
  schema?: string | undefined;
  /** Postgres pool size (default 10). */
  maxConnections?: number | undefined;
  /** PGlite: how often to run `VACUUM ANALYZE` (default 10 minutes; 0 turns it off). */
  vacuumIntervalMs?: number | undefined;
}

export const DEFAULT_SCHEMA = 'osprey';
export const DEFAULT_DATA_DIR = '.osprey';

/**
 * Opens Postgres when `url` is given, else PGlite in `<dataDir>/pglite`, taking the folder's lock
 * (one process per PGlite folder). Does not migrate: call `migrate(db)` next.
 */
export async function openDatabase(options: OpenDatabaseOptions = {}): Promise<Database> {
  const schema = options.schema ?? DEFAULT_SCHEMA;
  // Each driver is loaded only when chosen: a Postgres install never loads PGlite's WebAssembly.
  if (options.url !== undefined && options.url !== '') {
    const { openPostgres } = await import('./postgres-database.ts');
    return openPostgres({ url: options.url, schema, maxConnections: options.maxConnections ?? 10 });
  }
  const { openPglite } = await import('./pglite-database.ts');
  return openPglite({
    dataDir: options.dataDir ?? DEFAULT_DATA_DIR,
    schema,
    ...(options.vacuumIntervalMs === undefined ? {} : { vacuumIntervalMs: options.vacuumIntervalMs }),
  });
}
