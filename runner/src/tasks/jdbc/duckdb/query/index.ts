/**
 * `io.kestra.plugin.jdbc.duckdb.Query`: run `sql` (one or more statements) on DuckDB, with
 * `inputFiles` in a working directory that is DuckDB's own (relative file names resolve there).
 * `fetchType` decides the outputs of the last statement: FETCH → `rows` + `size`, FETCH_ONE → `row`,
 * STORE → `uri` (rows as JSON lines, a valid Ion text file) + `size`, NONE (default) → nothing.
 * `outputDbFile: true` uploads the database file (`databaseUri`); a later task opens it again with
 * `databaseUri`. DuckDB runs in a child process per task (see duckdb-process.ts).
 */
import { fork } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ExternalServiceError,
  type RunnableTask,
  type TaskContext,
  TaskFailure,
} from '../../../../../../protocol/src/task-contract.ts';
import { prepareWorkspace, type Workspace } from '../../../../workspace/working-directory.ts';
import { processEnv } from '../../../scripts/process-env.ts';
import { propertiesOf } from '../../../support/properties.ts';
import { scopeOf } from '../../../support/storage.ts';
import { databaseFile, databaseOutputs } from '../../support/database-file.ts';
import { fetchTypeOf, parametersOf } from '../../support/fetch.ts';
import type { QueryRequest, QueryResponse } from './protocol.ts';

const TYPE = 'io.kestra.plugin.jdbc.duckdb.Query';
const CHILD = fileURLToPath(new URL('./duckdb-process.ts', import.meta.url));
const DATABASE = { uriProperty: 'databaseUri', urlPrefix: 'jdbc:duckdb:', fileName: 'database.duckdb' };

export const duckdbQueryTask: RunnableTask = {
  type: TYPE,
  async run(given) {
    const what = `task '${given.run.taskId}'`;
    const workspace = await prepareWorkspace(given, {
      inputFiles: propertiesOf(TYPE, given).raw('inputFiles'),
    });
    const ctx = workspace.resolve(given);
    const p = propertiesOf(TYPE, ctx);
    try {
      const sql = p.string('sql');
      const fetchType = fetchTypeOf(p);
      const outputDbFile = p.boolean('outputDbFile', false);
      const database = await databaseFile(ctx, p, workspace, DATABASE, outputDbFile);
      const storePath = join(workspace.scratch, 'result.ion');
      const response = await query(ctx, workspace, {
        database,
        sql,
        parameters: parametersOf(p),
        fetchType,
        ...(fetchType === 'STORE' ? { storePath } : {}),
        workingDirectory: workspace.path,
      });
      if (!response.ok) throw new TaskFailure(`${what}: DuckDB: ${response.message}`);
      const outputs: Record<string, unknown> = {};
      if (response.rows !== undefined) outputs['rows'] = response.rows;
      if (fetchType === 'FETCH_ONE') outputs['row'] = response.row ?? null;
      if (fetchType === 'STORE') {
        outputs['uri'] = await ctx.storage.put(
          scopeOf(ctx.run),
          `${ctx.run.taskId}.ion`,
          createReadStream(storePath),
        );
      }
      if (response.size !== undefined) outputs['size'] = response.size;
      Object.assign(outputs, await databaseOutputs(ctx, p, workspace, database, DATABASE, outputDbFile));
      ctx.logger.log(
        'DEBUG',
        `DuckDB query done (${fetchType}${response.size === undefined ? '' : `, ${response.size} row(s)`})`,
      );
      return { state: 'SUCCESS', outputs };
    } finally {
      await workspace.dispose();
    }
  },
};

/** Run the request in a DuckDB child process whose cwd is the working directory. */
function query(ctx: TaskContext, workspace: Workspace, request: QueryRequest): Promise<QueryResponse> {
  const what = `task '${ctx.run.taskId}'`;
  return new Promise<QueryResponse>((resolve, reject) => {
    const child = fork(CHILD, [], {
      cwd: workspace.path,
      env: processEnv({}),
      execArgv: process.execArgv.filter((a) =>
        /^--(experimental-(strip|transform)-types|no-warnings|disable-warning)/.test(a),
      ),
      serialization: 'advanced',
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    let answered: QueryResponse | undefined;
    let stderr = '';
    child.stdout?.on('data', (c: Buffer) => ctx.logger.log('INFO', c.toString('utf8').trimEnd()));
    child.stderr?.on('data', (c: Buffer) => {
      stderr = (stderr + c.toString('utf8')).slice(-2000);
    });
    const onAbort = () => child.kill('SIGKILL');
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    child.on('message', (m: QueryResponse) => {
      answered = m;
    });
    child.once('error', (e) =>
      reject(new ExternalServiceError(`${what}: could not start DuckDB: ${e.message}`, { cause: e })),
    );
    child.once('exit', (code, signal) => {
      ctx.signal.removeEventListener('abort', onAbort);
      if (ctx.signal.aborted) reject(ctx.signal.reason ?? new Error('aborted'));
      else if (answered !== undefined) resolve(answered);
      else {
        const last = stderr.trim().split('\n').at(-1) ?? '';
        reject(
          new ExternalServiceError(
            `${what}: the DuckDB process ended without an answer (${signal ?? `exit code ${code}`})${last === '' ? '' : `: ${last}`}; if it ran out of memory, lower the data size or raise the runner's memory`,
          ),
        );
      }
    });
    child.send(request);
  });
}
