/**
 * The HTTP polling Trigger end to end: a spawned `osprey dev` on a temp repository whose flow polls
 * a local HTTP server every 2 s, with a bearer token from a secret (SECRET_<NAME>, base64) and a
 * `responseCondition` on the body. While the server answers "pending" nothing starts; the one
 * "ready" answer starts exactly one execution, whose Log task sees `trigger.code`, `trigger.body`,
 * `trigger.headers` and `trigger.uri`.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startDev } from './osprey-cli.ts';

const TOKEN = 'e2e-http-trigger-token-7f3a';

test('an HTTP Trigger starts an execution only when its responseCondition holds, with trigger.*', async (t) => {
  let polls = 0;
  let unauthorized = 0;
  let readyAnswers = 0;
  const api = createServer((req, res) => {
    if (req.headers['authorization'] !== `Bearer ${TOKEN}`) {
      unauthorized++;
      return void res.writeHead(401).end();
    }
    polls++;
    const ready = readyAnswers > 0;
    if (ready) readyAnswers--;
    res
      .writeHead(200, { 'content-type': 'application/json', 'x-build': '17' })
      .end(JSON.stringify(ready ? { status: 'ready', build: 17 } : { status: 'pending' }));
  });
  await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
  const apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;

  const root = await mkdtemp(join(tmpdir(), 'osprey-http-trigger-'));
  t.after(async () => {
    api.closeAllConnections();
    await new Promise((resolve) => api.close(resolve));
  });
  await mkdir(join(root, 'flows'), { recursive: true });
  await writeFile(join(root, '.osprey.yml'), 'flows: flows\n');
  await writeFile(
    join(root, 'flows', 'build_watch.yaml'),
    `id: build_watch
namespace: company.team
tasks:
  - id: announce
    type: io.kestra.plugin.core.log.Log
    message: "{{ trigger.code }} build {{ json(trigger.body).build }} ({{ trigger.headers['x-build'] | first }}) from {{ trigger.uri }}"
triggers:
  - id: ready
    type: io.kestra.plugin.core.http.Trigger
    uri: ${apiUrl}/builds/latest
    headers:
      Authorization: "Bearer {{ secret('API_TOKEN') }}"
    params:
      flow: "{{ flow.id }}"
    responseCondition: "{{ json(response.body).status == 'ready' }}"
    interval: PT2S
`,
  );
  const dev = await startDev(t, root, { SECRET_API_TOKEN: Buffer.from(TOKEN).toString('base64') });
  const output = dev.output;
  const until = async (what: string, done: () => boolean, ms = 30_000) => {
    const deadline = Date.now() + ms;
    while (!done()) {
      if (Date.now() > deadline) throw new Error(`${what} did not happen; output:\n${output()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const executions = async () =>
    (
      await dev.get<{
        results: Array<{
          id: string;
          state: { current: string };
          trigger?: { id: string; variables?: unknown };
        }>;
      }>('/api/v1/executions/search?namespace=company.team&flowId=build_watch&size=50')
    ).results;
  const logs = async (id: string) =>
    (await dev.get<Array<{ message: string }>>(`/api/v1/logs/${id}`)).map((l) => l.message);

  // "pending": the first poll (at deploy) and the next ones start nothing.
  await until('three polls', () => polls >= 3, 20_000);
  assert.equal(unauthorized, 0, 'the token comes from the secret');
  assert.deepEqual(await executions(), []);

  readyAnswers = 1;
  let list: Awaited<ReturnType<typeof executions>> = [];
  const deadline = Date.now() + 30_000;
  for (;;) {
    list = await executions();
    if (list.length > 0 && ['SUCCESS', 'FAILED', 'WARNING'].includes(list[0]!.state.current)) break;
    if (Date.now() > deadline) throw new Error(`${JSON.stringify(list)}\n${output()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  const [run] = list;
  assert.equal(run?.state.current, 'SUCCESS', output());
  assert.equal(run?.trigger?.id, 'ready');
  assert.deepEqual(await logs(run!.id), [`200 build 17 (17) from ${apiUrl}/builds/latest?flow=build_watch`]);

  // "pending" again: the polls go on, and start nothing more.
  const seen = polls;
  await until('two more polls', () => polls >= seen + 2, 20_000);
  assert.equal((await executions()).length, 1);
  assert.doesNotMatch(output(), /error/i);
  assert.ok(!output().includes(TOKEN), 'the secret never reaches the output');
  assert.equal(await dev.interrupt(), 0, output());
});
