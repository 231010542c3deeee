/** SQLite Query run as `osprey run` runs a flow: database files across tasks, inputFiles, kill. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sqliteQueryTask } from '../../../../runner/src/tasks/jdbc/sqlite/query/index.ts';
import { testContext } from '../helpers.ts';
import { seedService, transcript } from './seed-service.ts';

test('Kestra’s example: a database made with outputDbFile is queried again through sqliteFile', async (t) => {
  const seeds = await seedService();
  t.after(seeds.cleanup);
  const run = await seeds.run(`id: sqlite_query_using_file
namespace: company.team
tasks:
  - id: init_db
    type: io.kestra.plugin.jdbc.sqlite.Query
    url: jdbc:sqlite:myfile.db
    outputDbFile: true
    sql: |
      CREATE TABLE IF NOT EXISTS pgsql_types (play_time TEXT, concert_id INTEGER, timestamp_type TEXT, blob_type BLOB);
      INSERT INTO pgsql_types VALUES ('2024-01', :id, '2024-01-01T12:00:00', x'4b65');
    parameters:
      id: 1
  - id: select
    type: io.kestra.plugin.jdbc.sqlite.Query
    url: jdbc:sqlite:myfile.db
    sqliteFile: "{{ outputs.init_db.databaseUri }}"
    sql: SELECT * FROM pgsql_types WHERE concert_id = :id AND :flag
    parameters:
      id: 1
      flag: true
    fetchType: FETCH
  - id: store
    type: io.kestra.plugin.jdbc.sqlite.Query
    sqliteFile: "{{ outputs.init_db.databaseUri }}"
    sql: SELECT concert_id, play_time FROM pgsql_types
    fetchType: STORE
`);
  assert.equal(run.doc.state.current, 'SUCCESS', transcript(run));
  assert.match(
    String(run.outputs('init_db')['databaseUri']),
    /^kestra:\/\/\/company\/team\/.+database\.sqlite$/,
  );
  assert.deepEqual(run.outputs('select'), {
    rows: [{ play_time: '2024-01', concert_id: 1, timestamp_type: '2024-01-01T12:00:00', blob_type: 'S2U=' }],
    size: 1,
  });
  const stored = run.outputs('store') as { uri: string; size: number };
  assert.equal(stored.size, 1);
  assert.equal((await seeds.storage.get(stored.uri)).toString(), '{"concert_id":1,"play_time":"2024-01"}\n');
});

test('inputFiles put a database file in the working directory for url to open; SQL errors name the statement', async (t) => {
  const seeds = await seedService();
  t.after(seeds.cleanup);
  const made = await seeds.run(`id: make
namespace: company.team
tasks:
  - id: make
    type: io.kestra.plugin.jdbc.sqlite.Query
    outputDbFile: true
    sql: CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (41);
`);
  assert.equal(made.doc.state.current, 'SUCCESS', transcript(made));
  const uri = String(made.outputs('make')['databaseUri']);
  const run = await seeds.run(`id: use
namespace: company.team
tasks:
  - id: read
    type: io.kestra.plugin.jdbc.sqlite.Query
    inputFiles:
      data/copy.db: "${uri}"
    url: jdbc:sqlite:data/copy.db
    sql: SELECT x + 1 AS answer FROM t
    fetchType: FETCH_ONE
  - id: bad
    type: io.kestra.plugin.jdbc.sqlite.Query
    sql: SELECT 1; SELECT * FROM nowhere
`);
  assert.equal(run.doc.state.current, 'FAILED', transcript(run));
  assert.deepEqual(run.outputs('read'), { row: { answer: 42 }, size: 1 });
  assert.match(transcript(run), /task 'bad': SQLite: statement 2 of 2 failed: no such table: nowhere/);
});

test('a kill stops a long query promptly (SQLite runs in a child process)', async (t) => {
  const { ctx, abort, cleanup } = await testContext({
    sql: 'WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c) SELECT COUNT(*) FROM c',
    fetchType: 'FETCH',
  });
  t.after(cleanup);
  const running = sqliteQueryTask.run(ctx);
  let ticks = 0;
  const ticker = setInterval(() => ticks++, 20);
  setTimeout(() => abort.abort(new Error('task timed out')), 300);
  const t0 = Date.now();
  await assert.rejects(running, /task timed out/);
  clearInterval(ticker);
  assert.ok(Date.now() - t0 < 3000);
  assert.ok(ticks >= 5, 'the event loop kept running during the query');
});
