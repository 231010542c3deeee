/**
 * `io.kestra.plugin.jdbc.sqlite.Query`: run `sql` on SQLite with `inputFiles` in the working
 * directory. The database is the file `url` names (`jdbc:sqlite:myfile.db`, inside the working
 * directory), filled from `sqliteFile` (a kestra:// URI) when given, else memory; `outputDbFile:
 * true` uploads it as `databaseUri` for a later task's `sqliteFile`. Outputs as every SQL task
 * (`fetchType`, see ../../support/fetch.ts). SQLite is Node's built-in `node:sqlite` (no native
 * module to build), run in a child process (sqlite-process.ts) so that a kill stops a long query.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ExternalServiceError, type RunnableTask } from '../../../../../../protocol/src/task-contract.ts';
import { prepareWorkspace } from '../../../../workspace/working-directory.ts';
import { processEnv } from '../../../scripts/process-env.ts';
import { databaseFile, databaseOutputs } from '../../support/database-file.ts';
import { resultOutputs } from '../../support/fetch.ts';
import { readSqlTask, runAll, type SqlSession } from '../../support/sql-task.ts';
import type { WorkerRequest, WorkerResponse } from './sqlite-process.ts';

const TYPE = 'io.kestra.plugin.jdbc.sqlite.Query';
const CHILD = fileURLToPath(new URL('./sqlite-process.ts', import.meta.url));
const DATABASE = { uriProperty: 'sqliteFile', urlPrefix: 'jdbc:sqlite:', fileName: 'database.sqlite' };
const DIALECT = { placeholders: 'positional', mysql: false } as const;

export const sqliteQueryTask: RunnableTask = {
  type: TYPE,
  async run(ctx) {
    const { p, fetchType, statements, parameters } = readSqlTask(TYPE, ctx, DIALECT);
    const outputDbFile = p.boolean('outputDbFile', false);
    const workspace = await prepareWorkspace(ctx, { inputFiles: p.raw('inputFiles') });
    try {
      const database = await databaseFile(ctx, p, workspace, DATABASE, outputDbFile);
      const session = openProcess(database, workspace.path);
      const onAbort = () => session.destroy();
      ctx.signal.addEventListener('abort', onAbort, { once: true });
      let results: Record<string, unknown>[][];
      try {
        results = await runAll(ctx, 'SQLite', session, statements, parameters);
        await session.close();
      } catch (e) {
        session.destroy();
        throw ctx.signal.aborted ? (ctx.signal.reason ?? e) : e;
      } finally {
        ctx.signal.removeEventListener('abort', onAbort);
      }
      const rows = results.at(-1);
      return {
        state: 'SUCCESS',
        outputs: {
          ...(rows === undefined ? {} : await resultOutputs(ctx, fetchType, rows, ctx.run.taskId)),
          ...(await databaseOutputs(ctx, p, workspace, database, DATABASE, outputDbFile)),
        },
      };
    } finally {
      await workspace.dispose();
    }
  },
};

/** A session whose statements run in a child process, one at a time (answers come in order). */
function openProcess(database: string, cwd: string): Pick<SqlSession, 'run' | 'close' | 'destroy'> {
  const child = fork(CHILD, [database], {
    cwd,
    env: processEnv({}),
    execArgv: process.execArgv.filter((a) =>
      /^--(experimental-(strip|transform)-types|no-warnings|disable-warning)/.test(a),
    ),
    serialization: 'advanced',
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => {
    stderr = (stderr + c.toString('utf8')).slice(-2000);
  });
  const waiting: Array<{ resolve(m: WorkerResponse): void; reject(e: Error): void }> = [];
  let ended: Error | undefined;
  child.on('message', (m: WorkerResponse) => waiting.shift()?.resolve(m));
  const end = (e: Error) => {
    ended ??= e;
    for (const w of waiting.splice(0)) w.reject(ended);
  };
  child.once('error', (e) => end(new ExternalServiceError(`could not start SQLite: ${e.message}`)));
  child.once('exit', (code, signal) => {
    const last = stderr.trim().split('\n').at(-1) ?? '';
    end(
      new Error(
        `the SQLite process ended (${signal ?? `exit code ${code}`})${last === '' ? '' : `: ${last}`}`,
      ),
    );
  });
  const ask = (request: WorkerRequest) =>
    new Promise<WorkerResponse>((resolve, reject) => {
      if (ended !== undefined) return reject(ended);
      waiting.push({ resolve, reject });
      child.send(request);
    });
  return {
    async run(text, values) {
      const answer = await ask({ text, values });
      if (!answer.ok) throw new Error(answer.message);
      return answer.rows === undefined ? {} : { rows: answer.rows };
    },
    async close() {
      await ask({ close: true });
    },
    destroy: () => void child.kill('SIGKILL'),
  };
}
