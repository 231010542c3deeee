/**
 * The JDBC `Query` and `Queries` tasks over a server database (PostgreSQL, MariaDB): one contract
 * for the driver (`SqlDriver`), the rest shared. `Query` runs `sql` (one statement, or several in
 * order; in one transaction with `autoCommit: false`) and gives the fetch outputs of the last
 * statement that returns rows. `Queries` runs every statement, in one transaction unless
 * `transaction: false` (Kestra's default is true: all or nothing), and gives `outputs`, a list
 * with the fetch outputs of each statement that returns rows.
 * `parameters` bind Kestra's `:name` placeholders; values never enter the SQL text.
 */
import {
  ExternalServiceError,
  type RunnableTask,
  type TaskContext,
  TaskFailure,
} from '../../../../../protocol/src/task-contract.ts';
import { type PropertyReader, propertiesOf } from '../../support/properties.ts';
import { type FetchType, fetchTypeOf, jsonValue, parametersOf, resultOutputs } from './fetch.ts';
import { type ConnectionTarget, parseJdbcUrl } from './jdbc-url.ts';
import { type SqlDialect, type SqlStatement, splitStatements } from './sql-statements.ts';

export interface SqlSession {
  /** Run one statement; `rows` when it produced a result set. */
  run(text: string, values: unknown[]): Promise<{ rows?: Record<string, unknown>[] }>;
  begin(): Promise<void>;
  commit(): Promise<void>;
  rollback(): Promise<void>;
  close(): Promise<void>;
  /** Drop the connection at once (kill, timeout). */
  destroy(): void;
}

export interface SqlDriver {
  /** The database as named in messages (`PostgreSQL`). */
  name: string;
  /** JDBC URL schemes it accepts, the first one shown in examples. */
  schemes: readonly string[];
  defaultPort: number;
  dialect: SqlDialect;
  connect(target: ConnectionTarget): Promise<SqlSession>;
}

export function sqlQueryTask(type: string, driver: SqlDriver): RunnableTask {
  return {
    type,
    async run(ctx) {
      const { p, fetchType, statements, parameters } = readSqlTask(type, ctx, driver.dialect);
      // Kestra's autoCommit (default true); false runs the statements in one transaction.
      const atomic = !p.boolean('autoCommit', true);
      const results = await withSession(ctx, p, driver, (session) =>
        atomic
          ? inTransaction(ctx, driver, session, () =>
              runAll(ctx, driver.name, session, statements, parameters),
            )
          : runAll(ctx, driver.name, session, statements, parameters),
      );
      const rows = results.at(-1);
      const outputs = rows === undefined ? {} : await resultOutputs(ctx, fetchType, rows, ctx.run.taskId);
      logDone(ctx, driver, fetchType, statements.length);
      return { state: 'SUCCESS', outputs };
    },
  };
}

export function sqlQueriesTask(type: string, driver: SqlDriver): RunnableTask {
  return {
    type,
    async run(ctx) {
      const { p, fetchType, statements, parameters } = readSqlTask(type, ctx, driver.dialect);
      const transaction = p.boolean('transaction', true);
      const results = await withSession(ctx, p, driver, (session) =>
        transaction
          ? inTransaction(ctx, driver, session, () =>
              runAll(ctx, driver.name, session, statements, parameters),
            )
          : runAll(ctx, driver.name, session, statements, parameters),
      );
      const outputs: Record<string, unknown>[] = [];
      for (const [i, rows] of results.entries())
        outputs.push(await resultOutputs(ctx, fetchType, rows, `${ctx.run.taskId}-${i + 1}`));
      logDone(ctx, driver, fetchType, statements.length);
      return { state: 'SUCCESS', outputs: fetchType === 'NONE' ? {} : { outputs } };
    },
  };
}

/** `work` in one transaction: committed when it succeeds, rolled back (and said so) when it fails. */
async function inTransaction<T>(
  ctx: TaskContext,
  driver: SqlDriver,
  session: SqlSession,
  work: () => Promise<T>,
): Promise<T> {
  await session.begin();
  try {
    const result = await work();
    await session.commit();
    return result;
  } catch (e) {
    if (!ctx.signal.aborted) {
      await session.rollback().catch(() => undefined);
      ctx.logger.log('WARN', `${driver.name}: the transaction was rolled back, no statement of it applied`);
    }
    throw e;
  }
}

/** The properties every SQL task reads first. */
export function readSqlTask(type: string, ctx: TaskContext, dialect: SqlDialect) {
  const p = propertiesOf(type, ctx);
  return { p, fetchType: fetchTypeOf(p), statements: statementsOf(p, dialect), parameters: parametersOf(p) };
}

/** Run the statements in order; the result sets of those that return rows, in order. */
export async function runAll(
  ctx: TaskContext,
  database: string,
  session: Pick<SqlSession, 'run'>,
  statements: readonly SqlStatement[],
  parameters: Record<string, unknown>,
): Promise<Record<string, unknown>[][]> {
  const fetched: Record<string, unknown>[][] = [];
  for (const [i, statement] of statements.entries()) {
    const result = await runStatement(ctx, database, session, statement, parameters, i, statements.length);
    if (result.rows !== undefined) fetched.push(result.rows);
  }
  return fetched;
}

function statementsOf(p: PropertyReader, dialect: SqlDialect): SqlStatement[] {
  const statements = splitStatements(p.string('sql'), dialect);
  if (statements.length === 0) p.fail('sql', 'contains no statement');
  return statements;
}

/** Connect with `url`, `username`, `password`; the connection is closed (or dropped on kill) after. */
export async function withSession<T>(
  ctx: TaskContext,
  p: PropertyReader,
  driver: SqlDriver,
  work: (session: SqlSession) => Promise<T>,
): Promise<T> {
  const parsed = parseJdbcUrl(p.string('url'), driver.schemes, driver.defaultPort);
  if ('problem' in parsed) return p.fail('url', parsed.problem);
  const username = p.optionalString('username');
  const password = p.optionalString('password');
  const target: ConnectionTarget = {
    ...parsed,
    ...(username === undefined ? {} : { user: username }),
    ...(password === undefined ? {} : { password }),
  };
  const where = `${target.host}:${target.port}${target.database === undefined ? '' : `/${target.database}`}`;
  let session: SqlSession;
  try {
    session = await driver.connect(target);
  } catch (e) {
    throw new ExternalServiceError(
      `task '${ctx.run.taskId}': could not connect to ${driver.name} at ${where}: ${messageOf(e, target)}; check url, username and password`,
      { cause: e },
    );
  }
  const onAbort = () => session.destroy();
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  try {
    return await work(session);
  } catch (e) {
    if (ctx.signal.aborted) throw ctx.signal.reason ?? e;
    throw e;
  } finally {
    ctx.signal.removeEventListener('abort', onAbort);
    if (!ctx.signal.aborted) await session.close().catch(() => session.destroy());
  }
}

async function runStatement(
  ctx: TaskContext,
  database: string,
  session: Pick<SqlSession, 'run'>,
  statement: SqlStatement,
  parameters: Record<string, unknown>,
  index: number,
  count: number,
): Promise<{ rows?: Record<string, unknown>[] }> {
  const which = count === 1 ? 'the statement' : `statement ${index + 1} of ${count}`;
  const values = statement.names.map((name) => {
    if (!(name in parameters))
      throw new TaskFailure(
        `task '${ctx.run.taskId}': ${which} uses :${name} but parameters has no '${name}'; add it to parameters`,
        { retryable: false },
      );
    return parameters[name];
  });
  try {
    const result = await session.run(statement.text, values);
    return result.rows === undefined
      ? {}
      : { rows: result.rows.map((row) => jsonValue(row) as Record<string, unknown>) };
  } catch (e) {
    if (ctx.signal.aborted) throw e;
    throw new TaskFailure(`task '${ctx.run.taskId}': ${database}: ${which} failed: ${messageOf(e)}`, {
      cause: e,
    });
  }
}

function logDone(ctx: TaskContext, driver: SqlDriver, fetchType: FetchType, count: number): void {
  ctx.logger.log('DEBUG', `${driver.name}: ${count} statement(s) done (${fetchType})`);
}

/** A driver's error message, never carrying the password. */
function messageOf(e: unknown, target?: ConnectionTarget): string {
  const message = e instanceof Error ? e.message : String(e);
  const password = target?.password;
  return password === undefined || password === '' ? message : message.replaceAll(password, '***');
}
