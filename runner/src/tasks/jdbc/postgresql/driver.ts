/**
 * PostgreSQL through `pg`. Values come out as Kestra shows them: int8 and numeric as numbers while
 * exact, `date`/`time` as their text, `timestamp` as ISO text without a zone, `timestamptz` as an
 * ISO instant, json/jsonb as objects.
 */
import pg from 'pg';
import type { SqlDriver, SqlSession } from '../support/sql-task.ts';

const INT8 = 20;
const NUMERIC = 1700;
const DATE = 1082;
const TIME = 1083;
const TIMESTAMP = 1114;
const TIMESTAMPTZ = 1184;

const exactNumber = (text: string) => {
  const n = Number(text);
  return Number.isFinite(n) && (!/^-?\d+$/.test(text) || Number.isSafeInteger(n)) ? n : text;
};

const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (format === 'binary') return pg.types.getTypeParser(oid, 'binary');
    switch (oid) {
      case INT8:
      case NUMERIC:
        return exactNumber;
      case DATE:
      case TIME:
        return (text: string) => text;
      case TIMESTAMP:
        return (text: string) => text.replace(' ', 'T');
      case TIMESTAMPTZ:
        return (text: string) => new Date(text).toISOString();
      default:
        return pg.types.getTypeParser(oid, 'text');
    }
  },
} as pg.CustomTypesConfig;

export const postgresDriver: SqlDriver = {
  name: 'PostgreSQL',
  schemes: ['postgresql', 'postgres'],
  defaultPort: 5432,
  dialect: { placeholders: 'numbered', mysql: false },
  async connect(target) {
    const sslmode = target.options['sslmode'] ?? (target.options['ssl'] === 'true' ? 'require' : undefined);
    const client = new pg.Client({
      host: target.host,
      port: target.port,
      ...(target.database === undefined ? {} : { database: target.database }),
      ...(target.user === undefined ? {} : { user: target.user }),
      ...(target.password === undefined ? {} : { password: target.password }),
      ...(sslmode === undefined || sslmode === 'disable'
        ? {}
        : { ssl: { rejectUnauthorized: sslmode.startsWith('verify') } }),
      connectionTimeoutMillis: 10_000,
      types,
    });
    // An error after connecting (the server went away) fails the running query; without a
    // listener it would crash the runner.
    client.on('error', () => undefined);
    await client.connect();
    const session: SqlSession = {
      async run(text, values) {
        const result = await client.query({ text, values });
        return result.fields.length > 0 || result.command === 'SELECT' ? { rows: result.rows } : {};
      },
      begin: async () => void (await client.query('BEGIN')),
      commit: async () => void (await client.query('COMMIT')),
      rollback: async () => void (await client.query('ROLLBACK')),
      close: () => client.end(),
      destroy: () => {
        // pg has no synchronous close: end() sends Terminate and closes the socket, failing the
        // query in flight; the server stops the backend when it sees the socket gone.
        void client.end().catch(() => undefined);
      },
    };
    return session;
  },
};
