/**
 * `osprey dev` as a newcomer runs it: the real CLI on a repository made by `osprey init`, driven over
 * the REST API, with flows edited while it runs.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

const root = join(import.meta.dirname, '../..');
const bin = join(root, 'bin/osprey.js');

describe('osprey dev', () => {
  let repo: string;
  let child: ChildProcess;
  let output = '';
  let url = '';
  let token = '';

  /** Waits for `pattern` in the output (from `from` on: what was printed after that point). */
  const waitFor = async (pattern: RegExp, ms = 20_000, from = 0): Promise<RegExpMatchArray> => {
    const deadline = Date.now() + ms;
    for (;;) {
      const m = output.slice(from).match(pattern);
      if (m) return m;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}; output:\n${output}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const api = async (method: string, path: string, body?: FormData) => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}` },
      ...(body ? { body } : {}),
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };

  before(async () => {
    repo = join(mkdtempSync(join(tmpdir(), 'osprey-dev-e2e-')), 'flows-repo');
    assert.equal(spawnSync(process.execPath, [bin, 'init', repo]).status, 0);
    const env = { ...process.env };
    delete env['DATABASE_URL'];
    delete env['OSPREY_API_TOKEN'];
    delete env['PORT'];
    child = spawn(process.execPath, [bin, 'dev', '--port', '0'], { cwd: repo, env });
    child.stdout?.on('data', (d) => (output += d));
    child.stderr?.on('data', (d) => (output += d));
    url = (await waitFor(/Osprey dev is running on (http:\/\/\S+)/, 60_000))[1] as string;
    token = (await waitFor(/API token: (\S+)/))[1] as string;
  });
  after(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });

  it('deploys the repository flows at start and runs them through the API with the embedded runner', async () => {
    assert.match(output, /\+ company\.team\.hello_world \(flows\/company\/team\/hello_world\.yaml\)/);
    const form = new FormData();
    form.set('user', 'dev');
    const { status, json } = await api('POST', '/api/v1/executions/company.team/hello_world?wait=true', form);
    assert.equal(status, 200, JSON.stringify(json));
    assert.equal((json['state'] as { current: string }).current, 'SUCCESS');
    assert.deepEqual(json['outputs'], { regions: 'region EU, region US' });
    const logs = await api('GET', `/api/v1/logs/${json['id'] as string}`);
    const messages = (logs.json as unknown as Array<{ message: string }>).map((l) => l.message);
    assert.ok(messages.includes('Hello, dev!'), messages.join('\n'));
    assert.ok(
      messages.some((m) => m.includes('Ship small, ship often')),
      'KV seeded from namespaces/company/kv.yaml',
    );
  });

  it('redeploys on save and refuses an invalid flow with its line and column', async () => {
    const file = join(repo, 'flows/company/team/hello_world.yaml');
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace('Hello, {{ inputs.user }}!', 'Hi {{ inputs.user }}'),
    );
    await waitFor(/~ company\.team\.hello_world/);
    writeFileSync(
      join(repo, 'flows/company/team/broken.yaml'),
      'id: broken\nnamespace: company.team\ntasks:\n  - id: a\n    type: io.kestra.plugin.core.log.Lgo\n',
    );
    await waitFor(/flows\/company\/team\/broken\.yaml:5:11: task 'a': unknown task type/);
    const form = new FormData();
    form.set('user', 'again');
    const { json } = await api('POST', '/api/v1/executions/company.team/hello_world?wait=true', form);
    const logs = await api('GET', `/api/v1/logs/${json['id'] as string}`);
    assert.ok((logs.json as unknown as Array<{ message: string }>).some((l) => l.message === 'Hi again'));
  });

  it('writes flows created, changed and deleted through the API back to the folder, and deploys them', async () => {
    const yaml = (message: string) =>
      `id: from_api\nnamespace: company.team\ntasks:\n  - id: say\n    type: io.kestra.plugin.core.log.Log\n    message: ${message}\n`;
    const send = async (method: string, path: string, body: string) => {
      const res = await fetch(`${url}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-yaml' },
        body,
      });
      return { status: res.status, json: (await res.json()) as Record<string, unknown> };
    };
    const file = join(repo, 'flows/company/team/from_api.yaml');

    const created = await send('POST', '/api/v1/flows', yaml('made through the API'));
    assert.equal(created.status, 200, JSON.stringify(created.json));
    assert.equal(created.json['file'], 'flows/company/team/from_api.yaml');
    assert.equal(created.json['created'], true);
    assert.equal(created.json['revision'], 1);
    assert.equal(readFileSync(file, 'utf8'), yaml('made through the API'));
    const run = await api('POST', '/api/v1/executions/company.team/from_api?wait=true');
    assert.equal((run.json['state'] as { current: string }).current, 'SUCCESS', JSON.stringify(run.json));

    const updated = await send('PUT', '/api/v1/flows/company.team/from_api', yaml('changed through the API'));
    assert.equal(updated.status, 200, JSON.stringify(updated.json));
    assert.equal(updated.json['created'], false);
    assert.equal(updated.json['revision'], 2);
    assert.equal(readFileSync(file, 'utf8'), yaml('changed through the API'));

    const wrongId = await send('PUT', '/api/v1/flows/company.team/other', yaml('x'));
    assert.equal(wrongId.status, 400);
    assert.match(
      String(wrongId.json['message']),
      /declares company\.team\.from_api, not company\.team\.other/,
    );
    const invalid = await send('POST', '/api/v1/flows', 'id: bad_api\nnamespace: company.team\ntasks: []\n');
    assert.equal(invalid.status, 400, JSON.stringify(invalid.json));
    assert.ok(Array.isArray(invalid.json['issues']));
    assert.equal(existsSync(join(repo, 'flows/company/team/bad_api.yaml')), false, 'nothing written');

    // The folder edit after the API write is picked up as before (both ways).
    const mark = output.length;
    writeFileSync(file, yaml('edited in the folder'));
    await waitFor(/~ company\.team\.from_api/, 20_000, mark);
    const source = await api('GET', '/api/v1/flows/company.team/from_api?source=true');
    assert.equal(source.json['source'], yaml('edited in the folder'));

    const deleted = await fetch(`${url}/api/v1/flows/company.team/from_api`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(deleted.status, 204);
    assert.equal(existsSync(file), false);
    assert.equal((await api('GET', '/api/v1/flows/company.team/from_api')).status, 404);
  });

  it('includes the templates of templates/ in flows saved there or sent through the API, and redeploys when one changes', async () => {
    const template = (word: string) =>
      `id: greeting\nnamespace: company.team\ntasks:\n  - id: hello\n    type: io.kestra.plugin.core.log.Log\n    message: "${word} {{ parent.outputs.args.who }}"\n`;
    mkdirSync(join(repo, 'templates'), { recursive: true });
    writeFileSync(join(repo, 'templates/greeting.yaml'), template('hello'));
    const flow = `id: templated
namespace: company.team
tasks:
  - id: include
    type: io.kestra.plugin.core.flow.Template
    namespace: company.team
    templateId: greeting
    args:
      who: dev
`;
    const created = await fetch(`${url}/api/v1/flows`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-yaml' },
      body: flow,
    });
    assert.equal(created.status, 200, await created.clone().text());
    await waitFor(/\+ company\.team\.templated/);
    const said = async () => {
      const { json } = await api('POST', '/api/v1/executions/company.team/templated?wait=true');
      assert.equal((json['state'] as { current: string }).current, 'SUCCESS', JSON.stringify(json));
      const logs = await api('GET', `/api/v1/logs/${json['id'] as string}`);
      return (logs.json as unknown as Array<{ taskId?: string; message: string }>)
        .filter((l) => l.taskId === 'hello')
        .map((l) => l.message);
    };
    assert.deepEqual(await said(), ['hello dev']);
    const mark = output.length;
    writeFileSync(join(repo, 'templates/greeting.yaml'), template('goodbye'));
    await waitFor(/~ company\.team\.templated/, 20_000, mark);
    assert.deepEqual(await said(), ['goodbye dev']);
  });

  it('stops cleanly on Ctrl-C', async () => {
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    assert.equal(code, 0, output);
  });
});
