/**
 * MariaDB (and MySQL) through `mariadb`. Values come out as Kestra shows them: BIGINT and DECIMAL
 * as numbers while exact, DATE as its text, DATETIME/TIMESTAMP as ISO text without a zone.
 */
import mariadb from 'mariadb';
import type { SqlDriver, SqlSession } from '../support/sql-task.ts';

export const mariadbDriver: SqlDriver = {
  name: 'MariaDB',
  schemes: ['mariadb', 'mysql'],
  defaultPort: 3306,
  dialect: { placeholders: 'positional', mysql: true },
  async connect(target) {
    const connection = await mariadb.createConnection({
      host: target.host,
      port: target.port,
      ...(target.database === undefined ? {} : { database: target.database }),
      ...(target.user === undefined ? {} : { user: target.user }),
      ...(target.password === undefined ? {} : { password: target.password }),
      connectTimeout: 10_000,
      decimalAsNumber: true,
      typeCast(field, next) {
        if (field.type === 'DATE') return field.string();
        if (field.type === 'DATETIME' || field.type === 'TIMESTAMP')
          return field.string()?.replace(' ', 'T') ?? null;
        return next();
      },
    });
    const session: SqlSession = {
      async run(text, values) {
        const result: unknown = await connection.query(text, values);
        return Array.isArray(result) ? { rows: [...(result as Record<string, unknown>[])] } : {};
      },
      begin: () => connection.beginTransaction(),
      commit: () => connection.commit(),
      rollback: () => connection.rollback(),
      close: () => connection.end(),
      destroy: () => connection.destroy(),
    };
    return session;
  },
};
