/**
 * PostgreSQL and MariaDB Query/Queries on the real servers of this machine, run as `osprey run`
 * runs a flow (executor + embedded runner + real plugins), each test in a database of its own.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Flow } from '../../../flows-schema/src/schema/flow.ts';
import { validateFlowSource } from '../../../flows-schema/src/validate/validate-flow.ts';
import { seedService, transcript } from '../../unit/runner/integrations/seed-service.ts';
import { mariadbServer, postgresServer, type TestSqlDatabase } from './databases.ts';

/** A flow validated as `osprey run` validates it (pluginDefaults applied). */
function valid(yaml: string): Flow {
  const result = validateFlowSource(yaml);
  if (result.flow === undefined) throw new Error(`invalid test flow: ${JSON.stringify(result.issues)}`);
  return result.flow;
}

/** `PLUGIN.Query` names the server's task type, `CONNECTION` stands for its url and username. */
function flow(id: string, db: TestSqlDatabase, group: string, body: string): Flow {
  return valid(
    `id: ${id}\nnamespace: company.team\n${body
      .replaceAll('PLUGIN', `io.kestra.plugin.jdbc.${group}`)
      .replaceAll('CONNECTION', `url: ${db.jdbcUrl}\n    username: ${db.username}`)}`,
  );
}

for (const server of [postgresServer, mariadbServer]) {
  const group = server.name;
  describe(`${group} Query and Queries`, {
    ...(server.skip === undefined ? {} : { skip: server.skip }),
  }, () => {
    test('Query: :name parameters bind (rendered values too); FETCH, FETCH_ONE, STORE and NONE give Kestra’s outputs', async (t) => {
      const db = await server.open(t);
      const seeds = await seedService();
      t.after(seeds.cleanup);
      const run = await seeds.run(
        flow(
          'sql_query',
          db,
          group,
          `tasks:
  - id: create
    type: PLUGIN.Queries
    CONNECTION
    sql: |
      CREATE TABLE orders (id INT PRIMARY KEY, customer VARCHAR(20), amount DECIMAL(8,2), placed DATE);
      -- a comment with a ; and a :fake parameter
      INSERT INTO orders VALUES (1, 'ann', 10.50, '2024-05-01'), (2, 'bob', 7.25, '2024-05-02'), (3, 'ann', 2.00, '2024-05-03');
  - id: fetch
    type: PLUGIN.Query
    CONNECTION
    sql: SELECT customer, SUM(amount) AS total, COUNT(*) AS n FROM orders WHERE amount > :min GROUP BY customer ORDER BY customer
    parameters:
      min: 1
    fetchType: FETCH
  - id: one
    type: PLUGIN.Query
    CONNECTION
    sql: "SELECT id, placed, 'it''s :not a parameter' AS note FROM orders WHERE customer = :who AND id > :id ORDER BY id"
    parameters:
      who: "{{ outputs.fetch.rows[0].customer }}"
      id: 0
    fetchType: FETCH_ONE
  - id: store
    type: PLUGIN.Query
    CONNECTION
    sql: SELECT id, customer FROM orders ORDER BY id
    fetchType: STORE
  - id: none
    type: PLUGIN.Query
    CONNECTION
    sql: UPDATE orders SET amount = amount + 1 WHERE id = :id
    parameters:
      id: 1
`,
        ),
      );
      assert.equal(run.doc.state.current, 'SUCCESS', transcript(run));
      assert.deepEqual(run.outputs('fetch'), {
        rows: [
          { customer: 'ann', total: 12.5, n: 2 },
          { customer: 'bob', total: 7.25, n: 1 },
        ],
        size: 2,
      });
      assert.deepEqual(run.outputs('one'), {
        row: { id: 1, placed: '2024-05-01', note: "it's :not a parameter" },
        size: 1,
      });
      const stored = run.outputs('store') as { uri: string; size: number };
      assert.equal(stored.size, 3);
      assert.match(stored.uri, /^kestra:\/\/\/company\/team\/sql_query\/.+-store\.ion$/);
      assert.equal(
        (await seeds.storage.get(stored.uri)).toString(),
        '{"id":1,"customer":"ann"}\n{"id":2,"customer":"bob"}\n{"id":3,"customer":"ann"}\n',
      );
      assert.deepEqual(run.outputs('none'), {});
      const [updated] = await db.query('SELECT amount FROM orders WHERE id = 1');
      assert.equal(Number(updated?.['amount']), 11.5);
    });

    test('Queries: a failing last statement leaves no row (transaction); transaction: false keeps the rows before; Query autoCommit: false is atomic', async (t) => {
      const db = await server.open(t);
      await db.query('CREATE TABLE accounts (id INT PRIMARY KEY, balance INT)');
      const seeds = await seedService();
      t.after(seeds.cleanup);
      const body = (transaction: string) => `tasks:
  - id: transfer
    type: PLUGIN.Queries
    CONNECTION${transaction}
    sql: |
      INSERT INTO accounts VALUES (1, 100);
      INSERT INTO accounts VALUES (2, 50);
      INSERT INTO accounts VALUES (1, 0);
`;
      const atomic = await seeds.run(flow('atomic', db, group, body('')));
      assert.equal(atomic.doc.state.current, 'FAILED', transcript(atomic));
      assert.match(transcript(atomic), /statement 3 of 3 failed: .*(duplicate|Duplicate)/);
      assert.match(transcript(atomic), /rolled back/);
      assert.deepEqual(await db.query('SELECT id FROM accounts'), []);

      const loose = await seeds.run(flow('loose', db, group, body('\n    transaction: false')));
      assert.equal(loose.doc.state.current, 'FAILED', transcript(loose));
      const left = await db.query('SELECT id FROM accounts ORDER BY id');
      assert.deepEqual(
        left.map((r) => Number(r['id'])),
        [1, 2],
      );

      // Query with autoCommit: false is all or nothing too.
      await db.query('DELETE FROM accounts');
      const query = await seeds.run(
        flow(
          'query_tx',
          db,
          group,
          `tasks:\n  - id: q\n    type: PLUGIN.Query\n    CONNECTION\n    autoCommit: false\n    sql: INSERT INTO accounts VALUES (5, 1); INSERT INTO accounts VALUES (5, 2)\n`,
        ),
      );
      assert.equal(query.doc.state.current, 'FAILED', transcript(query));
      assert.deepEqual(await db.query('SELECT id FROM accounts'), []);
    });

    test('Queries: outputs lists the fetch outputs of each statement that returns rows', async (t) => {
      const db = await server.open(t);
      const seeds = await seedService();
      t.after(seeds.cleanup);
      const run = await seeds.run(
        flow(
          'many',
          db,
          group,
          `tasks:
  - id: q
    type: PLUGIN.Queries
    CONNECTION
    sql: |
      CREATE TABLE laptop (brand VARCHAR(20), cpu_frequency DECIMAL(3,1));
      INSERT INTO laptop VALUES ('Apple', 2.4), ('Dell', 1.2);
      SELECT brand FROM laptop WHERE brand = :brand AND cpu_frequency > :cpu_frequency;
      SELECT COUNT(*) AS laptops FROM laptop;
    parameters:
      brand: Apple
      cpu_frequency: 1.5
    fetchType: FETCH
`,
        ),
      );
      assert.equal(run.doc.state.current, 'SUCCESS', transcript(run));
      assert.deepEqual(run.outputs('q'), {
        outputs: [
          { rows: [{ brand: 'Apple' }], size: 1 },
          { rows: [{ laptops: 2 }], size: 1 },
        ],
      });
    });

    test('pluginDefaults of type io.kestra.plugin.jdbc give url and username to every JDBC task', async (t) => {
      const db = await server.open(t);
      const seeds = await seedService();
      t.after(seeds.cleanup);
      const run = await seeds.run(
        valid(`id: defaults
namespace: company.team
tasks:
  - id: make
    type: io.kestra.plugin.jdbc.${group}.Queries
    sql: CREATE TABLE t (x INT); INSERT INTO t VALUES (41);
  - id: read
    type: io.kestra.plugin.jdbc.${group}.Query
    sql: SELECT x + 1 AS answer FROM t
    fetchType: FETCH_ONE
pluginDefaults:
  - type: io.kestra.plugin.jdbc
    values:
      url: ${db.jdbcUrl}
      username: ${db.username}
      commands: [not a property of SQL tasks, so not applied]
`),
      );
      assert.equal(run.doc.state.current, 'SUCCESS', transcript(run));
      assert.deepEqual(run.outputs('read'), { row: { answer: 42 }, size: 1 });
    });

    test('a missing parameter, a wrong URL and an unreachable server fail with messages that say what to do', async (t) => {
      const db = await server.open(t);
      const seeds = await seedService();
      t.after(seeds.cleanup);
      const missing = await seeds.run(
        flow(
          'missing',
          db,
          group,
          `tasks:\n  - id: q\n    type: PLUGIN.Query\n    CONNECTION\n    sql: SELECT :nope AS x\n`,
        ),
      );
      assert.equal(missing.doc.state.current, 'FAILED');
      assert.match(transcript(missing), /uses :nope but parameters has no 'nope'; add it to parameters/);

      const badUrl = await seeds.run(
        `id: bad_url\nnamespace: company.team\ntasks:\n  - id: q\n    type: io.kestra.plugin.jdbc.${group}.Query\n    url: postgres://host/db?password=hunter2\n    sql: SELECT 1\n`,
      );
      assert.equal(badUrl.doc.state.current, 'FAILED');
      assert.match(
        transcript(badUrl),
        new RegExp(`property 'url' must be a JDBC URL such as jdbc:${group}://`),
      );
      assert.doesNotMatch(transcript(badUrl), /hunter2/);

      const down = await seeds.run(
        `id: down\nnamespace: company.team\ntasks:\n  - id: q\n    type: io.kestra.plugin.jdbc.${group}.Query\n    url: jdbc:${group}://127.0.0.1:1/db\n    sql: SELECT 1\n`,
      );
      assert.equal(down.doc.state.current, 'FAILED');
      assert.match(
        transcript(down),
        /could not connect to (PostgreSQL|MariaDB) at 127\.0\.0\.1:1\/db: .*check url, username and password/,
      );
    });
  });
}

describe('mariadb credentials', {
  ...(mariadbServer.skip === undefined ? {} : { skip: mariadbServer.skip }),
}, () => {
  test('a wrong password from a secret fails naming the server, and the password appears nowhere', async (t) => {
    const db = await mariadbServer.open(t);
    const seeds = await seedService({ secrets: { DB_PASSWORD: 'n0t-the-pa55word' } });
    t.after(seeds.cleanup);
    const run = await seeds.run(
      `id: creds\nnamespace: company.team\ntasks:\n  - id: q\n    type: io.kestra.plugin.jdbc.mariadb.Query\n    url: ${db.jdbcUrl}\n    username: ${db.username}\n    password: "{{ secret('DB_PASSWORD') }}"\n    sql: SELECT 1\n`,
    );
    assert.equal(run.doc.state.current, 'FAILED');
    assert.match(transcript(run), /could not connect to MariaDB at .*Access denied/);
    assert.doesNotMatch(JSON.stringify(run.doc) + transcript(run), /n0t-the-pa55word/);
  });
});
