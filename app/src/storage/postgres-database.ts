/**
 * `Database` on a Postgres server through a `pg` pool. LISTEN uses one dedicated connection that
 * reconnects by itself; each advisory lock holds its own connection, so the lock dies with it.
 */
import pg from 'pg';
import type { Database, Executor, HeldLock, PgBossTarget, QueryResult, Row, Unlisten } from './database.ts';
import { assertSchemaName, quoteIdent, scopedChannel } from './identifiers.ts';
import { registerRawExecutor } from './pg-boss-executor.ts';
import { assertNoTransaction, currentTransaction, runInTransaction } from './transaction-context.ts';

export interface PostgresOptions {
  url: string;
  schema: string;
  maxConnections: number;
}

/** Opens a pool and checks the server answers, with a message that says what to fix if not. */
export async function openPostgres(options: PostgresOptions): Promise<Database> {
  assertSchemaName(options.schema);
  const db = new PostgresDatabase(options);
  try {
    await db.query('SELECT 1');
  } catch (e) {
    await db.close();
    throw new Error(
      `cannot connect to Postgres at ${redactUrl(options.url)}: ${(e as Error).message}; check DATABASE_URL and that the server is running`,
      { cause: e },
    );
  }
  return db;
}

/** The URL without its password, for messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password !== '') u.password = '***';
    return u.toString();
  } catch {
    return '(an unparsable DATABASE_URL)';
  }
}

function toResult<R extends Row>(result: pg.QueryResult): QueryResult<R> {
  return { rows: result.rows as R[], rowCount: result.rowCount ?? result.rows.length };
}

class PostgresDatabase implements Database {
  readonly driver = 'postgres' as const;
  readonly schema: string;
  readonly pgBoss: PgBossTarget;
  readonly #url: string;
  readonly #pool: pg.Pool;
  readonly #listener: Listener;
  readonly #locks = new Set<PostgresLock>();
  #closed = false;

  constructor(options: PostgresOptions) {
    this.schema = options.schema;
    this.#url = options.url;
    this.pgBoss = { driver: 'postgres', connectionString: options.url };
    this.#pool = new pg.Pool({ connectionString: options.url, max: options.maxConnections });
    // An idle connection that dies (server restart) must not crash the process; the pool replaces it.
    this.#pool.on('error', () => {});
    this.#listener = new Listener(options.url);
  }

  async query<R extends Row = Row>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<R>> {
    assertNoTransaction(this, 'query()');
    return toResult<R>(await this.#pool.query(sql, params as unknown[]));
  }

  async exec(sql: string): Promise<void> {
    assertNoTransaction(this, 'exec()');
    await this.#pool.query(sql);
  }

  async transaction<T>(fn: (tx: Executor) => Promise<T>): Promise<T> {
    assertNoTransaction(this, 'transaction()');
    const client = await this.#pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const tx: Executor = {
        schema: this.schema,
        query: async <R extends Row = Row>(sql: string, params: readonly unknown[] = []) =>
          toResult<R>(await client.query(sql, params as unknown[])),
        exec: async (sql: string) => {
          await client.query(sql);
        },
      };
      registerRawExecutor(tx, async (text, values) => {
        const result = (await (values?.length ? client.query(text, values) : client.query(text))) as
          | pg.QueryResult
          | pg.QueryResult[];
        // Several statements without parameters answer with one result each.
        return { rows: Array.isArray(result) ? result.flatMap((r) => r.rows ?? []) : result.rows };
      });
      const value = await runInTransaction(this, tx, fn);
      await client.query('COMMIT');
      return value;
    } catch (e) {
      try {
        await client.query('ROLLBACK');
      } catch (rollbackError) {
        broken = rollbackError as Error;
      }
      throw e;
    } finally {
      // A connection whose rollback failed is in an unknown state: destroy it rather than reuse it.
      client.release(broken);
    }
  }

  currentTransaction(): Executor | undefined {
    return currentTransaction(this);
  }

  async listen(channel: string, onPayload: (payload: string) => void): Promise<Unlisten> {
    return this.#listener.add(scopedChannel(this.schema, channel), onPayload);
  }

  async notify(channel: string, payload = ''): Promise<void> {
    await this.query('SELECT pg_notify($1, $2)', [scopedChannel(this.schema, channel), payload]);
  }

  async tryLock(name: string): Promise<HeldLock | undefined> {
    if (this.#closed) throw new Error('the database is closed');
    const client = new pg.Client({
      connectionString: this.#url,
      // Visible in pg_stat_activity, so an operator can see who holds which singleton.
      application_name: `osprey-lock:${this.schema}:${name}`.slice(0, 63),
    });
    await client.connect();
    let locked = false;
    try {
      const { rows } = await client.query<{ locked: boolean }>(
        'SELECT pg_try_advisory_lock(hashtext($1), hashtext($2)) AS locked',
        [this.schema, name],
      );
      locked = rows[0]?.locked === true;
    } finally {
      if (!locked) await client.end().catch(() => {});
    }
    if (!locked) return undefined;
    const lock = new PostgresLock(name, this.schema, client, () => this.#locks.delete(lock));
    this.#locks.add(lock);
    return lock;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.allSettled([...this.#locks].map((l) => l.release()));
    await this.#listener.close();
    await this.#pool.end();
  }
}

class PostgresLock implements HeldLock {
  readonly name: string;
  readonly lost: Promise<Error>;
  readonly #schema: string;
  readonly #client: pg.Client;
  readonly #forget: () => void;
  #markLost!: (e: Error) => void;
  #done = false;

  constructor(name: string, schema: string, client: pg.Client, forget: () => void) {
    this.name = name;
    this.#schema = schema;
    this.#client = client;
    this.#forget = forget;
    this.lost = new Promise<Error>((resolve) => {
      this.#markLost = resolve;
    });
    const onGone = (e?: Error) => this.#lose(e ?? new Error(`the connection holding lock '${name}' ended`));
    client.on('error', onGone);
    client.on('end', () => onGone());
  }

  async check(): Promise<boolean> {
    if (this.#done) return false;
    try {
      await withTimeout(this.#client.query('SELECT 1'), 5000, `lock '${this.name}' health check`);
      return true;
    } catch (e) {
      this.#lose(e as Error);
      return false;
    }
  }

  async release(): Promise<void> {
    if (this.#done) return;
    this.#done = true;
    this.#forget();
    try {
      await this.#client.query('SELECT pg_advisory_unlock(hashtext($1), hashtext($2))', [
        this.#schema,
        this.name,
      ]);
    } catch {
      // The session is gone, and the lock with it.
    }
    await this.#client.end().catch(() => {});
  }

  #lose(e: Error): void {
    if (!this.#done) {
      this.#done = true;
      this.#forget();
      this.#client.end().catch(() => {});
    }
    this.#markLost(e);
  }
}

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** One LISTEN connection for every channel; reconnects with backoff and subscribes again. */
class Listener {
  readonly #url: string;
  readonly #handlers = new Map<string, Set<(payload: string) => void>>();
  #client: pg.Client | undefined;
  #connecting: Promise<pg.Client> | undefined;
  #closed = false;
  #retryTimer: NodeJS.Timeout | undefined;

  constructor(url: string) {
    this.#url = url;
  }

  async add(channel: string, handler: (payload: string) => void): Promise<Unlisten> {
    let set = this.#handlers.get(channel);
    const first = set === undefined;
    if (set === undefined) {
      set = new Set();
      this.#handlers.set(channel, set);
    }
    set.add(handler);
    const client = await this.#connect();
    if (first) await client.query(`LISTEN ${quoteIdent(channel)}`);
    return async () => {
      const current = this.#handlers.get(channel);
      if (current === undefined) return;
      current.delete(handler);
      if (current.size > 0) return;
      this.#handlers.delete(channel);
      await this.#client?.query(`UNLISTEN ${quoteIdent(channel)}`).catch(() => {});
    };
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#retryTimer);
    const client = this.#client;
    this.#client = undefined;
    await client?.end().catch(() => {});
  }

  #connect(): Promise<pg.Client> {
    if (this.#client !== undefined) return Promise.resolve(this.#client);
    if (this.#connecting !== undefined) return this.#connecting;
    this.#connecting = (async () => {
      const client = new pg.Client({ connectionString: this.#url, application_name: 'osprey-listen' });
      client.on('notification', (n) => {
        for (const h of this.#handlers.get(n.channel) ?? []) h(n.payload ?? '');
      });
      const onGone = () => {
        if (this.#client !== client) return;
        this.#client = undefined;
        this.#scheduleReconnect(250);
      };
      client.on('error', onGone);
      client.on('end', onGone);
      try {
        await client.connect();
        for (const channel of this.#handlers.keys()) await client.query(`LISTEN ${quoteIdent(channel)}`);
      } catch (e) {
        await client.end().catch(() => {});
        throw e;
      }
      this.#client = client;
      return client;
    })().finally(() => {
      this.#connecting = undefined;
    });
    return this.#connecting;
  }

  #scheduleReconnect(delayMs: number): void {
    if (this.#closed || this.#handlers.size === 0) return;
    this.#retryTimer = setTimeout(() => {
      this.#connect().catch(() => this.#scheduleReconnect(Math.min(delayMs * 2, 10_000)));
    }, delayMs);
    this.#retryTimer.unref();
  }
}
