/** DuckDB Query on the real engine: working directory, fetch types, database files across tasks. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TaskFailure } from '../../../../protocol/src/task-contract.ts';
import { duckdbQueryTask } from '../../../../runner/src/tasks/jdbc/duckdb/query/index.ts';
import { testContext } from '../helpers.ts';

const CSV = 'field1,field2\n1,A\n2,A\n3,B\n';

test('inputFiles are readable by relative name; FETCH gives rows (numbers as numbers) and size', async (t) => {
  const { ctx, cleanup } = await testContext({
    inputFiles: { 'data.csv': CSV },
    sql: "CREATE TABLE t AS SELECT * FROM read_csv_auto('data.csv');\nSELECT field2, SUM(field1) AS total, AVG(field1)::DECIMAL(6,2) AS mean, DATE '2024-05-01' AS d FROM t GROUP BY field2 ORDER BY field2;",
    fetchType: 'FETCH',
  });
  t.after(cleanup);
  const result = await duckdbQueryTask.run(ctx);
  assert.deepEqual(result.outputs, {
    rows: [
      { field2: 'A', total: 3, mean: 1.5, d: '2024-05-01' },
      { field2: 'B', total: 3, mean: 3, d: '2024-05-01' },
    ],
    size: 2,
  });
});

test('FETCH_ONE gives row; NONE gives nothing; parameters bind $names; COPY TO a relative file lands in outputFiles', async (t) => {
  const one = await testContext({
    sql: 'SELECT $n * 2 AS doubled, $s AS s',
    parameters: { n: 21, s: 'x' },
    fetchType: 'FETCH_ONE',
  });
  t.after(one.cleanup);
  assert.deepEqual((await duckdbQueryTask.run(one.ctx)).outputs, { row: { doubled: 42, s: 'x' }, size: 1 });

  const none = await testContext({ sql: 'SELECT 1' });
  t.after(none.cleanup);
  assert.deepEqual((await duckdbQueryTask.run(none.ctx)).outputs, {});

  const copy = await testContext({
    inputFiles: { 'data.csv': CSV },
    sql: "COPY (SELECT field2 FROM read_csv_auto('data.csv') WHERE field1 > 1) TO 'out.csv' (HEADER);",
    outputFiles: ['out.csv'],
  });
  t.after(copy.cleanup);
  const outputs = (await duckdbQueryTask.run(copy.ctx)).outputs as { outputFiles: Record<string, string> };
  assert.equal((await copy.storage.get(outputs.outputFiles['out.csv']!)).toString(), 'field2\nA\nB\n');
});

test('STORE writes one JSON object per line to internal storage; a database file travels between tasks', async (t) => {
  const first = await testContext({
    inputFiles: { 'data.csv': CSV },
    sql: "CREATE TABLE my_data AS (SELECT * FROM read_csv_auto('data.csv'));",
    outputDbFile: true,
  });
  t.after(first.cleanup);
  const created = (await duckdbQueryTask.run(first.ctx)).outputs as { databaseUri: string };
  assert.match(created.databaseUri, /^kestra:\/\/\/.+database\.duckdb$/);

  const second = await testContext({
    databaseUri: created.databaseUri,
    sql: 'SELECT field2, SUM(field1) FROM my_data GROUP BY field2 ORDER BY field2;',
    fetchType: 'STORE',
  });
  t.after(second.cleanup);
  second.ctx.storage = first.storage;
  const stored = (await duckdbQueryTask.run(second.ctx)).outputs as { uri: string; size: number };
  assert.equal(stored.size, 2);
  assert.match(stored.uri, /\.ion$/);
  assert.equal(
    (await first.storage.get(stored.uri)).toString(),
    '{"field2":"A","sum(field1)":3}\n{"field2":"B","sum(field1)":3}\n',
  );
});

test('SQL errors name the task and DuckDB’s message; a missing database file is not retryable', async (t) => {
  const bad = await testContext({ sql: 'SELECT * FROM nowhere' });
  t.after(bad.cleanup);
  await assert.rejects(duckdbQueryTask.run(bad.ctx), (e: TaskFailure) => {
    assert.match(e.message, /^task 'task1': DuckDB: Catalog Error: Table with name nowhere does not exist/);
    return true;
  });
  const missing = await testContext({
    databaseUri: 'kestra:///company/team/demo/executions/x/none.duckdb',
    sql: 'SELECT 1',
  });
  t.after(missing.cleanup);
  await assert.rejects(
    duckdbQueryTask.run(missing.ctx),
    (e: TaskFailure) => e.retryable === false && /does not exist/.test(e.message),
  );
});

test('a kill stops a long query promptly', async (t) => {
  const { ctx, abort, cleanup } = await testContext({
    sql: 'SELECT COUNT(*) FROM range(10000000000) a, range(1000) b',
    fetchType: 'FETCH',
  });
  t.after(cleanup);
  const running = duckdbQueryTask.run(ctx);
  setTimeout(() => abort.abort(new Error('task timed out')), 300);
  const t0 = Date.now();
  await assert.rejects(running, /task timed out/);
  assert.ok(Date.now() - t0 < 3000);
});
