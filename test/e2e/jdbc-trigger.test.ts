/**
 * The JDBC polling Trigger end to end: a spawned `osprey dev` on a temp repository whose flows poll
 * the machine's PostgreSQL and MariaDB every 4 s (no poll while the execution it started runs, as in
 * Kestra, so a batch is marked before the next query). Rows inserted while it runs start one execution
 * per batch with `trigger.rows` and `trigger.size`; the flow marks them processed, so the next polls
 * start nothing. The password comes from a secret (SECRET_<NAME>, base64).
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { mariadbServer, postgresServer, type SqlServer } from '../integration/jdbc/databases.ts';
import { startDev } from './osprey-cli.ts';

const servers: SqlServer[] = [postgresServer, mariadbServer];
const skip = servers.map((s) => s.skip).find((s) => s !== undefined);

test('a JDBC Trigger starts one execution per batch of new rows, with trigger.rows and trigger.size', {
  ...(skip === undefined ? {} : { skip }),
}, async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'osprey-jdbc-trigger-'));
  const dbs = [];
  for (const server of servers) {
    const db = await server.open(t);
    await db.query(
      'CREATE TABLE orders (id INT PRIMARY KEY, item VARCHAR(20), processed BOOLEAN NOT NULL DEFAULT FALSE)',
    );
    dbs.push({ server, db });
  }
  await mkdir(join(root, 'flows'), { recursive: true });
  await writeFile(join(root, '.osprey.yml'), 'flows: flows\n');
  for (const { server, db } of dbs) {
    const group = `io.kestra.plugin.jdbc.${server.name}`;
    await writeFile(
      join(root, 'flows', `orders_${server.name}.yaml`),
      `id: orders_${server.name}
namespace: company.team
tasks:
  - id: each
    type: io.kestra.plugin.core.log.Log
    message: "{{ trigger.size }} new: {% for row in trigger.rows %}{{ row.item }} {% endfor %}"
  - id: mark
    type: ${group}.Query
    url: ${db.jdbcUrl}
    username: ${db.username}
    password: "{{ secret('DB_PASSWORD') }}"
    sql: UPDATE orders SET processed = TRUE WHERE id <= :max
    parameters:
      max: "{{ trigger.rows | last | map: 'id' | first }}"
triggers:
  - id: new_orders
    type: ${group}.Trigger
    url: ${db.jdbcUrl}
    username: ${db.username}
    password: "{{ secret('DB_PASSWORD') }}"
    sql: SELECT id, item FROM orders WHERE processed = FALSE ORDER BY id
    fetchType: FETCH
    interval: PT4S
`,
    );
  }
  const dev = await startDev(t, root, { SECRET_DB_PASSWORD: Buffer.from('').toString('base64') });
  const output = dev.output;
  const executions = async (flowId: string) =>
    (
      await dev.get<{ results: Array<{ id: string; state: { current: string }; trigger?: unknown }> }>(
        `/api/v1/executions/search?namespace=company.team&flowId=${flowId}&size=50`,
      )
    ).results;
  const logs = async (id: string) =>
    (await dev.get<Array<{ message: string }>>(`/api/v1/logs/${id}`)).map((l) => l.message);
  const settled = async (flowId: string, count: number) => {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const list = await executions(flowId);
      if (
        list.length >= count &&
        list.every((e) => ['SUCCESS', 'FAILED', 'WARNING'].includes(e.state.current))
      )
        return list;
      if (Date.now() > deadline) throw new Error(`${flowId}: ${JSON.stringify(list)}\n${output()}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  };

  // Nothing to pick up yet: the first poll (at deploy) starts nothing.
  await new Promise((r) => setTimeout(r, 1500));
  for (const { server } of dbs) assert.deepEqual(await executions(`orders_${server.name}`), []);

  for (const { db } of dbs) await db.query("INSERT INTO orders (id, item) VALUES (1, 'apple'), (2, 'pear')");
  for (const { server, db } of dbs) {
    const [first] = await settled(`orders_${server.name}`, 1);
    assert.equal(first?.state.current, 'SUCCESS', output());
    assert.ok((await logs(first!.id)).includes('2 new: apple pear '), output());
    const left = await db.query('SELECT id FROM orders WHERE processed = FALSE');
    assert.deepEqual(left, []);
  }
  // Marked processed: the next polls start nothing more.
  await new Promise((r) => setTimeout(r, 9000));
  for (const { server } of dbs) assert.equal((await executions(`orders_${server.name}`)).length, 1);

  for (const { db } of dbs) await db.query("INSERT INTO orders (id, item) VALUES (3, 'fig')");
  for (const { server } of dbs) {
    const list = await settled(`orders_${server.name}`, 2);
    const messages = await Promise.all(list.map((e) => logs(e.id)));
    assert.ok(
      messages.some((m) => m.includes('1 new: fig ')),
      JSON.stringify(messages),
    );
  }
  assert.doesNotMatch(output(), /error/i);
  assert.equal(await dev.interrupt(), 0, output());
});
