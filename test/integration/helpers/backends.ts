/**
 * Runs one integration suite on both drivers. Every test gets its own schema (and pg-boss schema),
 * dropped afterwards, so suites run in parallel on one server. Postgres comes from `DATABASE_URL`,
 * else the local default if it answers; without one the Postgres half is skipped with a message.
 * PGlite is in memory, one instance per test file, one schema per test.
 */
import { randomBytes } from 'node:crypto';
import { after, describe } from 'node:test';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import type { Database } from '../../../app/src/storage/database.ts';
import { migrate } from '../../../app/src/storage/migrate.ts';
import { wrapPglite } from '../../../app/src/storage/pglite-database.ts';
import { openPostgres } from '../../../app/src/storage/postgres-database.ts';

export type BackendName = 'postgres' | 'pglite';

export interface TestDatabase {
  db: Database;
  schema: string;
  /** Another connection to the same schema, as a second app replica would have. */
  openReplica(): Promise<Database>;
  /** Runs SQL as an administrator, outside the test's schema (killing sessions, inspecting). */
  admin<R extends Record<string, unknown>>(sql: string, params?: unknown[]): Promise<R[]>;
}

export interface Backend {
  name: BackendName;
  /** A migrated database in a fresh schema; dropped when the test's `cleanup` runs. */
  open(options?: { migrate?: boolean }): Promise<TestDatabase & { cleanup(): Promise<void> }>;
}

const DEFAULT_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

async function findPostgres(): Promise<{ url: string } | { skip: string }> {
  const url = process.env.DATABASE_URL ?? DEFAULT_URL;
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return { url };
  } catch (e) {
    const where = process.env.DATABASE_URL === undefined ? `the default ${DEFAULT_URL}` : 'DATABASE_URL';
    return {
      skip: `Postgres not reachable at ${where} (${(e as Error).message}); set DATABASE_URL to run these tests`,
    };
  } finally {
    await client.end().catch(() => {});
  }
}

const postgres = await findPostgres();

export function randomSchema(): string {
  return `t_${randomBytes(5).toString('hex')}`;
}

function postgresBackend(url: string): Backend {
  return {
    name: 'postgres',
    async open(options = {}) {
      const schema = randomSchema();
      const opened: Database[] = [];
      const connect = async () => {
        const db = await openPostgres({ url, schema, maxConnections: 5 });
        opened.push(db);
        return db;
      };
      const db = await connect();
      if (options.migrate !== false) await migrate(db);
      const admin = async <R extends Record<string, unknown>>(sql: string, params: unknown[] = []) => {
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        try {
          return (await client.query(sql, params)).rows as R[];
        } finally {
          await client.end();
        }
      };
      return {
        db,
        schema,
        openReplica: connect,
        admin,
        async cleanup() {
          for (const d of opened) await d.close();
          await admin(
            `DROP SCHEMA IF EXISTS "${schema}" CASCADE; DROP SCHEMA IF EXISTS "${schema}_pgboss" CASCADE`,
          );
        },
      };
    },
  };
}

function pgliteBackend(): Backend {
  let shared: Promise<PGlite> | undefined;
  after(async () => {
    if (shared !== undefined) await (await shared).close();
  });
  return {
    name: 'pglite',
    async open(options = {}) {
      shared ??= PGlite.create();
      const pglite = await shared;
      const schema = randomSchema();
      const db = wrapPglite(pglite, schema);
      if (options.migrate !== false) await migrate(db);
      return {
        db,
        schema,
        openReplica: async () => wrapPglite(pglite, schema),
        admin: async <R extends Record<string, unknown>>(sql: string, params: unknown[] = []) =>
          (await pglite.query<R>(sql, params)).rows,
        async cleanup() {
          await db.close();
          await pglite.exec(
            `DROP SCHEMA IF EXISTS "${schema}" CASCADE; DROP SCHEMA IF EXISTS "${schema}_pgboss" CASCADE`,
          );
        },
      };
    },
  };
}

/**
 * Declares `suite` twice: `<title> [postgres]` and `<title> [pglite]`. Inside, use
 * `backend.open()` per test and call `cleanup()` in a `finally` or `t.after`.
 */
export function describeBackends(title: string, suite: (backend: Backend) => void): void {
  if ('url' in postgres) {
    const backend = postgresBackend(postgres.url);
    describe(`${title} [postgres]`, () => suite(backend));
  } else {
    describe(`${title} [postgres]`, { skip: postgres.skip }, () => {});
  }
  describe(`${title} [pglite]`, () => suite(pgliteBackend()));
}

export { eventually } from '../../support/eventually.ts';
