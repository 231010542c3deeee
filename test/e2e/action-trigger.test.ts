/**
 * `command: trigger` of the Action bundle against a real `osprey server` process (PGlite in a temp
 * data folder) and a real `osprey runner`: the flows are deployed into the database first, as
 * `osprey dev` deploys a local repository.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { deployLocalFlows } from '../../app/src/dev/local-deployer.ts';
import { systemClock } from '../../app/src/execution/clock.ts';
import { createPostgresPorts } from '../../app/src/github/postgres/index.ts';
import { openRepository } from '../../app/src/local/local-repository.ts';
import { openDatabase } from '../../app/src/storage/database.ts';
import { migrate } from '../../app/src/storage/migrate.ts';
import { DatabaseTriggerStore } from '../../app/src/triggers/index.ts';
import { annotations, ROOT, runStep, workspaceWith } from './action-support.ts';
import { freePort, type Proc, spawnNode } from './server/support/processes.ts';

const BIN = join(ROOT, 'bin/osprey.js');
const TOKEN = `osp_test_${randomBytes(16).toString('hex')}`;
const REGISTRATION = `reg_${randomBytes(16).toString('hex')}`;

const HELLO = `id: hello
namespace: company.team
inputs:
  - id: user
    type: STRING
    defaults: world
tasks:
  - id: greet
    type: io.kestra.plugin.core.log.Log
    message: "Hello, {{ inputs.user }}!"
  - id: wait
    type: io.kestra.plugin.core.flow.Sleep
    duration: PT0.3S
outputs:
  - id: greeting
    type: STRING
    value: "Hello, {{ inputs.user }}"
`;

const BROKEN = `id: broken
namespace: company.team
tasks:
  - id: boom
    type: io.kestra.plugin.core.execution.Fail
    errorMessage: no luck
`;

describe('command: trigger against osprey server', () => {
  const workspace = workspaceWith({
    'flows/company/team/hello.yaml': HELLO,
    'flows/company/team/broken.yaml': BROKEN,
  });
  let url = '';
  const procs: Proc[] = [];

  before(async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'osprey-action-server-'));
    const db = await openDatabase({ dataDir, vacuumIntervalMs: 0 });
    await migrate(db);
    const ports = createPostgresPorts(db);
    const repository = openRepository(workspace);
    await deployLocalFlows({
      root: repository.root,
      config: repository.config,
      store: ports.store,
      ownership: ports.ownership,
      triggers: new DatabaseTriggerStore(db, systemClock),
    });
    await db.close();
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    const server = spawnNode([BIN, 'server'], {
      DATABASE_URL: '',
      OSPREY_DATA_DIR: dataDir,
      OSPREY_API_TOKEN: TOKEN,
      OSPREY_RUNNER_TOKEN: REGISTRATION,
      OSPREY_HOST: '127.0.0.1',
      PORT: String(port),
    });
    procs.push(server);
    await server.waitFor(/Osprey server listening on/, 60_000);
    const runner = spawnNode(
      [
        BIN,
        'runner',
        '--server',
        url,
        '--token',
        REGISTRATION,
        '--name',
        'ci',
        '--state-dir',
        join(dataDir, 'runner'),
      ],
      { XDG_CACHE_HOME: join(dataDir, 'cache') },
    );
    procs.push(runner);
    await runner.waitFor(/is taking jobs/, 30_000);
  });

  after(async () => {
    for (const p of procs.reverse()) await p.kill('SIGTERM');
  });

  it('starts the flow, streams its logs, waits for the end and sets the outputs', async () => {
    const r = await runStep(workspace, {
      command: 'trigger',
      flow: 'company.team.hello',
      server: url,
      token: TOKEN,
      inputs: '{"user": "Ada"}',
      timeout: '60',
    });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^::add-mask::osp_test_/m);
    assert.match(r.stdout, new RegExp(`^Started execution (\\w+) of company\\.team\\.hello on ${url}$`, 'm'));
    assert.match(r.stdout, /INFO {2}greet Hello, Ada!/);
    assert.equal(r.outputs['state'], 'SUCCESS');
    assert.deepEqual(JSON.parse(r.outputs['outputs'] ?? ''), { greeting: 'Hello, Ada' });
    assert.match(r.summary, /## Osprey: trigger company\.team\.hello/);
    assert.match(r.summary, /\| greet \| SUCCESS \|/);
    assert.doesNotMatch(r.stdout.replace(/::add-mask::.*/g, ''), new RegExp(TOKEN));
  });

  it('wait: false returns once the execution started; a flow given as its file works too', async () => {
    const r = await runStep(workspace, {
      command: 'trigger',
      flow: 'flows/company/team/hello.yaml',
      server: url,
      token: TOKEN,
      wait: 'false',
    });
    assert.equal(r.code, 0, r.stdout);
    assert.match(r.outputs['execution-id'] ?? '', /^\w{10,}$/);
    assert.notEqual(r.outputs['state'], 'SUCCESS');
    assert.match(r.summary, /not waited for \(wait: false\)/);
  });

  it('a failed execution fails the step', async () => {
    const r = await runStep(workspace, {
      command: 'trigger',
      flow: 'company.team.broken',
      server: url,
      token: TOKEN,
    });
    assert.equal(r.code, 1, r.stdout);
    assert.equal(r.outputs['state'], 'FAILED');
    assert.match(
      r.stdout,
      new RegExp(`^::error::execution \\w+ of company\\.team\\.broken ended FAILED on ${url}$`, 'm'),
    );
  });

  it('a wrong token and an unknown flow fail with what to do', async () => {
    const wrong = await runStep(workspace, {
      command: 'trigger',
      flow: 'company.team.hello',
      server: url,
      token: 'osp_not_a_real_token_000000000000',
    });
    assert.equal(wrong.code, 1);
    assert.match(
      wrong.stdout,
      new RegExp(`^::error::the Osprey server at ${url} refused the token \\(input 'token'\\)`, 'm'),
    );
    const unknown = await runStep(workspace, {
      command: 'trigger',
      flow: 'company.team.nope',
      server: url,
      token: TOKEN,
    });
    assert.equal(unknown.code, 1);
    assert.match(
      unknown.stdout,
      new RegExp(`^::error::flow company\\.team\\.nope is not deployed on ${url}: .*Check input 'flow'`, 'm'),
    );
    const annotated = annotations(unknown.stdout);
    assert.equal(annotated.length, 1);
  });
});
