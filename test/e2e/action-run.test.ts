/** `command: run` and `command: test` of the Action bundle: the flow runs inside the step. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { annotations, runStep, workspaceWith } from './action-support.ts';

const GREET = `id: greet
namespace: company.team
inputs:
  - id: user
    type: STRING
tasks:
  - id: hello
    type: io.kestra.plugin.core.log.Log
    message: "Hello, {{ inputs.user }}!"
  - id: motto
    type: io.kestra.plugin.core.debug.Return
    format: "{{ kv('motto') }}"
  - id: script
    type: io.kestra.plugin.scripts.shell.Commands
    namespaceFiles:
      enabled: true
    commands:
      - cat greeting.txt
outputs:
  - id: motto
    type: STRING
    value: "{{ outputs.motto.value }}"
`;

const BROKEN = `id: broken
namespace: company.team
tasks:
  - id: first
    type: io.kestra.plugin.core.log.Log
    message: before
  - id: boom
    type: io.kestra.plugin.core.execution.Fail
    errorMessage: the data is not there
`;

const repository = () =>
  workspaceWith({
    'flows/company/team/greet.yaml': GREET,
    'flows/company/team/broken.yaml': BROKEN,
    'namespaces/company/kv.yaml': 'motto: Ship small\n',
    'namespaces/company.team/files/greeting.txt': 'from a namespace file\n',
  });

test('run: the flow runs in the job with namespace files and KV; logs grouped per task; outputs set', async () => {
  const r = await runStep(repository(), {
    command: 'run',
    flow: 'company.team.greet',
    inputs: 'user: Ada',
  });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /^::group::hello · SUCCESS · [\d.]+s\n.*INFO {2}hello Hello, Ada!\n::endgroup::$/m);
  assert.match(
    r.stdout,
    /^::group::script · SUCCESS · [\d.]+s\n(.*\n)*.*from a namespace file\n(.*\n)*?::endgroup::$/m,
  );
  assert.equal(r.outputs['state'], 'SUCCESS');
  assert.match(r.outputs['execution-id'] ?? '', /^\w{10,}$/);
  assert.deepEqual(JSON.parse(r.outputs['outputs'] ?? ''), { motto: 'Ship small' });
  assert.match(r.summary, /## Osprey: run company\.team\.greet/);
  assert.match(r.summary, /✅ `company\.team\.greet` SUCCESS in [\d.]+s — execution `\w+`/);
  assert.match(r.summary, /\| motto \| SUCCESS \| [\d.]+s \| `\{"value":"Ship small"\}` \|/);
});

test('run: a failing execution fails the step, annotates the failed task at its line', async () => {
  const r = await runStep(repository(), { command: 'run', flow: 'flows/company/team/broken.yaml' });
  assert.equal(r.code, 1, r.stdout);
  assert.equal(r.outputs['state'], 'FAILED');
  const failed = annotations(r.stdout).find((a) => a.props['title'] === 'task boom FAILED');
  assert.deepEqual(failed?.props, {
    title: 'task boom FAILED',
    file: 'flows/company/team/broken.yaml',
    line: '7',
  });
  assert.match(failed?.message ?? '', /task 'boom' of company\.team\.broken FAILED: .*the data is not there/);
  assert.match(r.stdout, /^::error::execution \w+ of company\.team\.broken ended FAILED$/m);
  assert.match(r.summary, /❌ `company\.team\.broken` FAILED/);
  assert.match(r.summary, /\| boom \| FAILED \|/);
});

test('run: refused inputs and an unknown flow say what to do', async () => {
  const ws = repository();
  const missing = await runStep(ws, { command: 'run', flow: 'company.team.greet' });
  assert.equal(missing.code, 1);
  assert.match(
    missing.stdout,
    /::error::no execution of company\.team\.greet was created: input 'user': .*Give inputs with the 'inputs' input/,
  );
  const unknown = await runStep(ws, { command: 'run', flow: 'company.team.nope' });
  assert.equal(unknown.code, 1);
  assert.match(
    unknown.stdout,
    /::error::input 'flow': no valid flow company\.team\.nope in .*its flows are company\.team\.broken, company\.team\.greet/,
  );
});

test('test: validates every flow, then runs the listed ones; one failing run fails the step', async () => {
  const r = await runStep(repository(), {
    command: 'test',
    flow: 'company.team.greet\ncompany.team.broken',
    inputs: '{"user": "Ada"}',
  });
  assert.equal(r.code, 1, r.stdout);
  assert.equal(r.outputs['state'], 'FAILED');
  const results = JSON.parse(r.outputs['outputs'] ?? '');
  assert.equal(results['company.team.greet'].state, 'SUCCESS');
  assert.equal(results['company.team.broken'].state, 'FAILED');
  assert.match(r.summary, /## Osprey: validate/);
  assert.match(
    r.summary,
    /\| `company\.team\.greet` \| `\w+` \| SUCCESS \|\n\| `company\.team\.broken` \| `\w+` \| FAILED \|/,
  );
});

test('run: past the timeout the execution is killed and the step fails; SECRET_* values are masked', async () => {
  const slow = `id: slow
namespace: company.team
tasks:
  - id: nap
    type: io.kestra.plugin.core.flow.Sleep
    duration: PT30S
`;
  const ws = workspaceWith({ 'flows/company/team/slow.yaml': slow });
  const secret = 'hunter2-very-secret';
  const started = Date.now();
  const r = await runStep(
    ws,
    { command: 'run', flow: 'company.team.slow', timeout: '1s' },
    { SECRET_API_KEY: Buffer.from(secret).toString('base64') },
  );
  assert.ok(Date.now() - started < 20_000, 'the step does not wait for the 30 s sleep');
  assert.equal(r.code, 1, r.stdout);
  assert.equal(r.outputs['state'], 'KILLED');
  assert.match(
    r.stdout,
    /^::error::execution \w+ of company\.team\.slow ended KILLED \(killed after the timeout of 1 s\)$/m,
  );
  assert.match(r.stdout, new RegExp(`^::add-mask::${secret}$`, 'm'));
});
