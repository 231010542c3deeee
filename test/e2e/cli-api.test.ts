/**
 * `osprey tokens`, `osprey kv` and `osprey secrets` as a user runs them: the real CLI (a child
 * process) against a real HTTP server (the REST API on @hono/node-server, port 0) whose embedded
 * database lives in a temporary OSPREY_DATA_DIR. The first token is bootstrapped with the CLI
 * before the server starts; while the server holds the folder, the CLI says so.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { ExecutionIndex } from '../../app/src/api/executions/execution-index.ts';
import { apiRoutes } from '../../app/src/api/index.ts';
import { TokenService } from '../../app/src/auth/token-service.ts';
import { PostgresFlowRevisionStore } from '../../app/src/deployments/postgres-flow-revision-store.ts';
import type { ExecutionDocument, LogEntry } from '../../app/src/execution/contract.ts';
import { createLocalExecutionService, type LocalExecutionService } from '../../app/src/execution/local.ts';
import { KvService } from '../../app/src/kv/kv-service.ts';
import { parseMasterKey } from '../../app/src/secrets/master-key.ts';
import { buildSecretService } from '../../app/src/secrets/secret-service.ts';
import { type Database, openDatabase } from '../../app/src/storage/database.ts';
import { migrate } from '../../app/src/storage/migrate.ts';
import { validateFlowSource } from '../../flows-schema/src/validate/validate-flow.ts';
import { SecretMasker } from '../../protocol/src/masking.ts';
import { createEmbeddedRunner } from '../../runner/src/embedded-runner.ts';
import { memoryStorage } from '../unit/app/execution/harness.ts';

const root = join(import.meta.dirname, '../..');
const bin = join(root, 'bin/osprey.js');
const dataDir = mkdtempSync(join(tmpdir(), 'osprey-cli-api-'));
const SECRET = `s3cr3t-${randomBytes(6).toString('hex')}`;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function osprey(
  args: string[],
  options: { env?: Record<string, string>; stdin?: string } = {},
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const env: Record<string, string | undefined> = {
      ...process.env,
      OSPREY_DATA_DIR: dataDir,
      ...options.env,
    };
    delete env['DATABASE_URL'];
    if (options.env?.['OSPREY_API_TOKEN'] === undefined) delete env['OSPREY_API_TOKEN'];
    const child = spawn(process.execPath, [bin, ...args], {
      cwd: root,
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.stdin ?? '');
  });
}

/** The REST API over the data folder, as a server wires it (execution service in memory). */
async function startServer(): Promise<{ url: string; db: Database; close(): Promise<void> }> {
  const db = await openDatabase({ dataDir, vacuumIntervalMs: 0 });
  await migrate(db);
  const kv = new KvService(db);
  const secrets = buildSecretService({
    db,
    masterKey: parseMasterKey(randomBytes(32).toString('base64')),
    backends: { 'vault.team': { type: 'env', prefix: 'VAULT_', base64: false } },
    env: { VAULT_DB_PASSWORD: 'from-the-environment' },
  });
  const flows = new PostgresFlowRevisionStore(db);
  const storage = memoryStorage();
  let executions: LocalExecutionService | undefined;
  const runner = createEmbeddedRunner({
    storage,
    kv,
    render: (job, template) => executions!.renderForJob(job, template),
    execution: (id) => executions!.summary(id),
  });
  executions = createLocalExecutionService({
    runner,
    storage,
    kv,
    secrets: { get: (ns, name) => secrets.get(ns, name) },
    flows: { get: async () => undefined },
  });
  const search = new ExecutionIndex(executions);
  const app = new Hono();
  app.route(
    '/api/v1',
    apiRoutes({
      executions,
      search,
      flows,
      kv,
      secrets,
      tokens: new TokenService(db),
      validate: validateFlowSource,
      masker: new SecretMasker(),
    }),
  );
  await flows.apply({
    repository: 'acme/flows',
    branch: 'main',
    sha: '0123456789abcdef0123456789abcdef01234567',
    expectedSha: undefined,
    upserts: [
      {
        namespace: 'company.team',
        flowId: 'uses_kv',
        path: 'flows/uses_kv.yaml',
        source: `id: uses_kv
namespace: company.team
tasks:
  - id: read
    type: io.kestra.plugin.core.log.Log
    message: "greeting={{ kv('greeting') }} secret={{ secret('DB_PASSWORD') }}"
  - id: pause
    type: io.kestra.plugin.core.flow.Sleep
    duration: PT0.2S
  - id: done
    type: io.kestra.plugin.core.log.Log
    message: done
`,
      },
    ],
    deletions: [],
  });
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    db,
    close: async () => {
      search.close();
      await new Promise<void>((r) => server.close(() => r()));
      await db.close();
    },
  };
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((r) => probe.close(() => r()));
  return port;
}

describe('osprey tokens, kv and secrets against a server', { timeout: 120_000 }, () => {
  let token = '';
  let server: Awaited<ReturnType<typeof startServer>> | undefined;
  let env: Record<string, string> = {};

  before(async () => {
    // The first token, before any server: straight on the (new) embedded database.
    const created = await osprey(['tokens', 'create', 'first-admin']);
    assert.equal(created.code, 0, created.stderr);
    token = created.stdout.trim();
    assert.match(token, /^osp_api_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    assert.match(created.stderr, /Created API token 'first-admin' \(id [0-9a-f]{16}\)/);
    assert.match(created.stderr, /it will not be shown again/);
    const listed = await osprey(['tokens', 'ls']);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, /first-admin/);
    assert.ok(!listed.stdout.includes(token.split('_').at(-1)!), 'ls never shows the secret part');
    server = await startServer();
    env = { OSPREY_SERVER: server.url, OSPREY_API_TOKEN: token };
  });

  after(async () => {
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('osprey tokens says which process holds the embedded database and what to do', async () => {
    const r = await osprey(['tokens', 'ls']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`in use by process ${process.pid}`));
    assert.match(r.stderr, /Stop that process, or set DATABASE_URL/);
    const usage = await osprey(['tokens', 'create']);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /tokens create takes one name/);
  });

  it('osprey kv set, get, ls and rm round-trip typed values through the REST API', async () => {
    const set = await osprey(['kv', 'set', 'company.team', 'greeting', 'hello world'], { env });
    assert.equal(set.code, 0, set.stderr);
    assert.match(set.stdout, /set company\.team\/greeting \(STRING\)/);
    const count = await osprey(['kv', 'set', 'company.team', 'count', '42', '--ttl', 'PT1H'], { env });
    assert.equal(count.code, 0, count.stderr);
    assert.match(count.stdout, /\(NUMBER, expires \d{4}-/);
    const day = await osprey(['kv', 'set', 'company.team', 'day', '2025-01-31', '--type', 'DATE'], { env });
    assert.equal(day.code, 0, day.stderr);
    const piped = await osprey(['kv', 'set', 'company.team', 'doc', '-'], { env, stdin: '{"a": [1, 2]}\n' });
    assert.equal(piped.code, 0, piped.stderr);

    assert.equal((await osprey(['kv', 'get', 'company.team', 'greeting'], { env })).stdout, 'hello world\n');
    const json = await osprey(['kv', 'get', 'company.team', 'doc', '--json'], { env });
    assert.deepEqual(JSON.parse(json.stdout), { type: 'JSON', value: { a: [1, 2] } });
    const ls = await osprey(['kv', 'ls', 'company.team'], { env });
    assert.equal(ls.code, 0, ls.stderr);
    assert.deepEqual(
      ls.stdout
        .trim()
        .split('\n')
        .map((l) => l.split(/\s+/).slice(0, 2)),
      [
        ['KEY', 'TYPE'],
        ['count', 'NUMBER'],
        ['day', 'DATE'],
        ['doc', 'JSON'],
        ['greeting', 'STRING'],
      ],
    );
    assert.equal((await osprey(['kv', 'rm', 'company.team', 'doc'], { env })).code, 0);
    const gone = await osprey(['kv', 'get', 'company.team', 'doc'], { env });
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /no KV entry 'doc' in namespace company\.team/);
    const bad = await osprey(['kv', 'set', 'company.team', 'n', 'abc', '--type', 'NUMBER'], { env });
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /'abc' is not a valid NUMBER value/);
  });

  it('osprey secrets takes values from stdin or --from-env, never argv, and never prints them', async () => {
    const set = await osprey(['secrets', 'set', 'company.team', 'DB_PASSWORD'], {
      env,
      stdin: `${SECRET}\n`,
    });
    assert.equal(set.code, 0, set.stderr);
    assert.match(set.stdout, /set secret DB_PASSWORD in namespace company\.team \(postgres backend\)/);
    const fromEnv = await osprey(['secrets', 'set', 'company.team', 'API_KEY', '--from-env', 'MY_KEY'], {
      env: { ...env, MY_KEY: 'key-from-env-123' },
    });
    assert.equal(fromEnv.code, 0, fromEnv.stderr);
    const argv = await osprey(['secrets', 'set', 'company.team', 'LEAKY', 'in-argv-value'], { env });
    assert.equal(argv.code, 2);
    assert.match(argv.stderr, /takes no value on the command line \(it would stay in your shell history\)/);
    const ls = await osprey(['secrets', 'ls', 'company.team'], { env });
    assert.equal(ls.code, 0, ls.stderr);
    assert.match(ls.stdout, /API_KEY\s+postgres\s+read-write/);
    assert.match(ls.stdout, /DB_PASSWORD\s+postgres\s+read-write/);
    const readOnly = await osprey(['secrets', 'set', 'vault.team', 'DB_PASSWORD'], {
      env,
      stdin: 'x-value-1',
    });
    assert.equal(readOnly.code, 1);
    assert.match(readOnly.stderr, /managed by the read-only env backend; change it at the source/);
    const roList = await osprey(['secrets', 'ls', 'vault.team'], { env });
    assert.match(roList.stderr, /env backend \(read-only/);
    assert.match(roList.stdout, /DB_PASSWORD\s+env\s+read-only/);
    assert.equal((await osprey(['secrets', 'rm', 'company.team', 'API_KEY'], { env })).code, 0);
    for (const r of [set, fromEnv, ls, readOnly]) {
      assert.ok(
        !(r.stdout + r.stderr).includes(SECRET) && !(r.stdout + r.stderr).includes('key-from-env-123'),
      );
    }
  });

  it('an execution over real HTTP reads the KV and secret set by the CLI, masked, and its log stream ends', async () => {
    const url = server!.url;
    const headers = { Authorization: `Bearer ${token}` };
    const started = (await (
      await fetch(`${url}/api/v1/executions/company.team/uses_kv`, { method: 'POST', headers })
    ).json()) as ExecutionDocument;
    const res = await fetch(`${url}/api/v1/logs/${started.id}/follow`, { headers });
    const text = await res.text();
    const lines = text
      .split('\n')
      .filter((l) => l.startsWith('data: '))
      .map((l) => JSON.parse(l.slice(6)) as LogEntry | { state: string });
    assert.deepEqual(
      lines.filter((l) => 'message' in l).map((l) => (l as LogEntry).message),
      ['greeting=hello world secret=******', 'done'],
    );
    assert.match(text, /event: end\ndata: \{"executionId":"[^"]+","state":"SUCCESS"\}/);
    assert.ok(!text.includes(SECRET));
  });

  it('refused tokens and absent servers get messages that say what to do', async () => {
    const wrong = await osprey(['kv', 'ls', 'company.team'], {
      env: {
        ...env,
        OSPREY_API_TOKEN: 'osp_api_0123456789abcdef_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      },
    });
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /refused the token; create one with `osprey tokens create <name>`/);
    const none = await osprey(['kv', 'ls', 'company.team'], { env: { OSPREY_SERVER: server!.url } });
    assert.equal(none.code, 1);
    assert.match(none.stderr, /no API token: set OSPREY_API_TOKEN or pass --token/);
    const port = await closedPort();
    const down = await osprey(['kv', 'ls', 'company.team', '--server', `http://127.0.0.1:${port}`], { env });
    assert.equal(down.code, 1);
    assert.match(
      down.stderr,
      new RegExp(
        `no Osprey server at http://127\\.0\\.0\\.1:${port}; start one with \`osprey server\` or \`osprey dev\``,
      ),
    );
  });
});
