/**
 * A fresh database per test on the machine's PostgreSQL (`DATABASE_URL` or 127.0.0.1:5432) and
 * MariaDB (`MARIADB_URL` or root@127.0.0.1:3306), dropped afterwards. A server that does not answer
 * makes its tests skip with a message naming the variable to set.
 */
import { randomBytes } from 'node:crypto';
import type { TestContext } from 'node:test';
import mariadb, { type Connection } from 'mariadb';
import pg from 'pg';

export interface TestSqlDatabase {
  /** The JDBC URL a flow uses. */
  jdbcUrl: string;
  username: string;
  /** Runs SQL in the test's database as an administrator (checking what a flow left). */
  query(sql: string): Promise<Record<string, unknown>[]>;
}

export interface SqlServer {
  name: 'postgresql' | 'mariadb';
  /** Why the server's tests are skipped, when it does not answer. */
  skip?: string;
  open(t: TestContext): Promise<TestSqlDatabase>;
}

const PG_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const MARIADB_URL = process.env.MARIADB_URL ?? 'mariadb://root@127.0.0.1:3306/';

const name = () => `osprey_${randomBytes(5).toString('hex')}`;

async function pgAdmin<R>(url: string, work: (c: pg.Client) => Promise<R>): Promise<R> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function mariaAdmin<R>(database: string | undefined, work: (c: Connection) => Promise<R>) {
  const u = new URL(MARIADB_URL);
  const connection = await mariadb.createConnection({
    host: u.hostname,
    port: Number(u.port || 3306),
    user: decodeURIComponent(u.username || 'root'),
    password: decodeURIComponent(u.password),
    ...(database === undefined ? {} : { database }),
    connectTimeout: 2000,
    bigIntAsNumber: true,
    decimalAsNumber: true,
  });
  try {
    return await work(connection);
  } finally {
    await connection.end().catch(() => undefined);
  }
}

async function reachable(check: () => Promise<unknown>, what: string, variable: string) {
  try {
    await check();
    return undefined;
  } catch (e) {
    return `${what} not reachable (${(e as Error).message}); set ${variable} to run these tests`;
  }
}

export const postgresServer: SqlServer = {
  name: 'postgresql',
  ...optional(
    await reachable(() => pgAdmin(PG_URL, (c) => c.query('SELECT 1')), 'PostgreSQL', 'DATABASE_URL'),
  ),
  async open(t) {
    const db = name();
    await pgAdmin(PG_URL, (c) => c.query(`CREATE DATABASE ${db}`));
    const u = new URL(PG_URL);
    const dbUrl = new URL(PG_URL);
    dbUrl.pathname = `/${db}`;
    t.after(() => pgAdmin(PG_URL, (c) => c.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`)));
    return {
      jdbcUrl: `jdbc:postgresql://${u.hostname}:${u.port || 5432}/${db}`,
      username: decodeURIComponent(u.username || 'postgres'),
      query: (sql) => pgAdmin(dbUrl.toString(), async (c) => (await c.query(sql)).rows),
    };
  },
};

export const mariadbServer: SqlServer = {
  name: 'mariadb',
  ...optional(
    await reachable(() => mariaAdmin(undefined, (c) => c.query('SELECT 1')), 'MariaDB', 'MARIADB_URL'),
  ),
  async open(t) {
    const db = name();
    await mariaAdmin(undefined, (c) => c.query(`CREATE DATABASE ${db}`));
    t.after(() => mariaAdmin(undefined, (c) => c.query(`DROP DATABASE IF EXISTS ${db}`)));
    const u = new URL(MARIADB_URL);
    return {
      jdbcUrl: `jdbc:mariadb://${u.hostname}:${u.port || 3306}/${db}`,
      username: decodeURIComponent(u.username || 'root'),
      query: (sql) =>
        mariaAdmin(db, async (c) => {
          const result: unknown = await c.query(sql);
          return Array.isArray(result) ? [...(result as Record<string, unknown>[])] : [];
        }),
    };
  },
};

function optional(skip: string | undefined): { skip?: string } {
  return skip === undefined ? {} : { skip };
}
