/**
 * The process that runs DuckDB for one Query task. DuckDB resolves relative file names against the
 * process's working directory, so each query gets a process whose cwd is the task's working
 * directory: `read_csv_auto('data.csv')` and `COPY ... TO 'out.csv'` both stay in it. A separate
 * process also keeps DuckDB's memory apart from the runner's, and a timeout can stop it outright.
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { DuckDBInstance, type DuckDBPreparedStatement, type DuckDBValue } from '@duckdb/node-api';
import type { QueryRequest, QueryResponse } from './protocol.ts';
import { jsonValue } from './values.ts';

process.once('message', (request: QueryRequest) => {
  run(request)
    .catch(
      (e: unknown): QueryResponse => ({ ok: false, message: e instanceof Error ? e.message : String(e) }),
    )
    .then((response) => process.send?.(response, () => process.exit(0)));
});

async function run(request: QueryRequest): Promise<QueryResponse> {
  const instance = await DuckDBInstance.create(request.database);
  const connection = await instance.connect();
  try {
    await connection.run(`SET file_search_path = '${request.workingDirectory.replaceAll("'", "''")}'`);
    const statements = await connection.extractStatements(request.sql);
    if (statements.count === 0) return { ok: false, message: 'sql contains no statement' };
    for (let i = 0; i < statements.count - 1; i++)
      await (await prepared(statements.prepare(i), request)).run();
    const last = await prepared(statements.prepare(statements.count - 1), request);
    return await fetch(last, request);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

async function prepared(statement: Promise<DuckDBPreparedStatement>, request: QueryRequest) {
  const s = await statement;
  if (s.parameterCount > 0) {
    const values: Record<string, DuckDBValue> = {};
    for (let i = 1; i <= s.parameterCount; i++) {
      const name = s.parameterName(i);
      if (!(name in request.parameters))
        throw new Error(`the query uses $${name} but parameters has no '${name}'`);
      values[name] = request.parameters[name] as DuckDBValue;
    }
    s.bind(values);
  }
  return s;
}

async function fetch(statement: DuckDBPreparedStatement, request: QueryRequest): Promise<QueryResponse> {
  switch (request.fetchType) {
    case 'NONE':
      await statement.run();
      return { ok: true };
    case 'FETCH': {
      const rows = (await statement.runAndReadAll()).convertRowObjects(jsonValue);
      return { ok: true, rows, size: rows.length };
    }
    case 'FETCH_ONE': {
      const row = (await statement.runAndReadUntil(1)).convertRowObjects(jsonValue)[0];
      return row === undefined ? { ok: true, size: 0 } : { ok: true, row, size: 1 };
    }
    case 'STORE': {
      const out = createWriteStream(request.storePath as string);
      let size = 0;
      const result = await statement.stream();
      for await (const rows of result.yieldConvertedRowObjects(jsonValue)) {
        for (const row of rows) {
          size++;
          if (!out.write(`${JSON.stringify(row)}\n`)) await once(out, 'drain');
        }
      }
      out.end();
      await once(out, 'finish');
      return { ok: true, size };
    }
  }
}
