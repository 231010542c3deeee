/** Task-level behaviour the executor owns: timeout, logLevel, pluginDefaults, secrets masking, Labels. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { harness } from './harness.ts';

test('timeout: the task is stopped and FAILED, and the flow fails', async () => {
  const h = harness();
  const doc = await h.run(`
id: slow
namespace: company.team
tasks:
  - id: nap
    type: io.kestra.plugin.core.flow.Sleep
    duration: PT1H
    timeout: PT2S
  - id: next
    type: io.kestra.plugin.core.log.Log
    message: never
`);
  assert.equal(doc.state.current, 'FAILED');
  assert.equal(doc.taskRunList[0]?.state.current, 'FAILED');
  assert.equal(doc.state.duration, 'PT2S');
  assert.deepEqual(await h.messages(doc.id, 'ERROR'), ['Task timed out after PT2S']);
  assert.equal(h.runner.jobsOf('nap')[0]?.timeoutMs, 2000);
});

test('a timed-out attempt is retried when the task has a retry policy', async () => {
  const h = harness();
  const doc = await h.run(`
id: slow_retry
namespace: company.team
tasks:
  - id: nap
    type: io.kestra.plugin.core.flow.Sleep
    duration: PT1H
    timeout: PT1S
    retry: { type: constant, interval: PT1S, maxAttempts: 3 }
`);
  assert.equal(doc.taskRunList[0]?.attempts.length, 3);
  assert.equal(doc.state.current, 'FAILED');
});

test('logLevel drops the task’s logs below that level', async () => {
  const h = harness();
  const doc = await h.run(`
id: quiet
namespace: company.team
tasks:
  - { id: debug, type: io.kestra.plugin.core.log.Log, message: hidden, level: DEBUG, logLevel: INFO }
  - { id: warn, type: io.kestra.plugin.core.log.Log, message: shown, level: WARN, logLevel: INFO }
`);
  assert.deepEqual(await h.messages(doc.id), ['shown']);
});

test('pluginDefaults apply by type prefix; a task’s own value wins unless forced', async () => {
  const h = harness();
  const doc = await h.run(`
id: defaults
namespace: company.team
pluginDefaults:
  - type: io.kestra.plugin.core.log
    values: { level: WARN }
  - type: io.kestra.plugin.core.debug.Return
    forced: true
    values: { format: forced }
tasks:
  - { id: a, type: io.kestra.plugin.core.log.Log, message: default level }
  - { id: b, type: io.kestra.plugin.core.log.Log, message: own level, level: ERROR }
  - { id: c, type: io.kestra.plugin.core.debug.Return, format: own }
`);
  const logs = await h.service.logs(doc.id);
  assert.deepEqual(
    logs.map((l) => [l.taskId, l.level]),
    [
      ['a', 'WARN'],
      ['b', 'ERROR'],
    ],
  );
  assert.deepEqual(doc.taskRunList[2]?.outputs, { value: 'forced' });
});

test('pluginDefaults can set common properties such as retry', async () => {
  const h = harness();
  const doc = await h.run(`
id: defaults_retry
namespace: company.team
pluginDefaults:
  - type: io.kestra.plugin.core.execution.Fail
    values: { retry: { type: constant, interval: PT1S, maxAttempts: 2 } }
tasks:
  - { id: f, type: io.kestra.plugin.core.execution.Fail }
`);
  assert.equal(doc.taskRunList[0]?.attempts.length, 2);
});

test('secrets: resolved values are masked in logs and outputs, inherited from parent namespaces', async () => {
  const h = harness({ secrets: { company: { TOKEN: 's3cr3t-value' } } });
  const doc = await h.run(`
id: secret
namespace: company.team
tasks:
  - { id: show, type: io.kestra.plugin.core.log.Log, message: "token={{ secret('TOKEN') }}" }
  - { id: ret, type: io.kestra.plugin.core.debug.Return, format: "{{ secret('TOKEN') }}!" }
`);
  assert.equal(doc.state.current, 'SUCCESS');
  assert.deepEqual(await h.messages(doc.id), ['token=******']);
  assert.deepEqual(doc.taskRunList[1]?.outputs, { value: '******!' });
  assert.equal(h.runner.jobsOf('ret')[0]?.properties['format'], 's3cr3t-value!');
  assert.deepEqual(h.runner.jobsOf('ret')[0]?.secrets, ['s3cr3t-value']);
});

test('a missing secret fails the task and says where it was looked for', async () => {
  const h = harness();
  const doc = await h.run(`
id: nosecret
namespace: company.team
tasks:
  - { id: show, type: io.kestra.plugin.core.log.Log, message: "{{ secret('NOPE') }}" }
`);
  assert.equal(doc.state.current, 'FAILED');
  assert.match((await h.messages(doc.id, 'ERROR'))[0] ?? '', /NOPE.*company\.team or company/);
});

test('Labels task adds labels; system.* labels are refused; system.readOnly freezes them', async () => {
  const h = harness();
  const doc = await h.run(`
id: labels
namespace: company.team
labels: { team: data }
tasks:
  - { id: set, type: io.kestra.plugin.core.execution.Labels, labels: { stage: done, team: platform } }
`);
  assert.equal(doc.state.current, 'SUCCESS');
  assert.deepEqual(doc.labels, [
    { key: 'team', value: 'platform' },
    { key: 'system.correlationId', value: doc.id },
    { key: 'stage', value: 'done' },
  ]);
  const reserved = await h.run(`
id: labels_reserved
namespace: company.team
tasks:
  - { id: set, type: io.kestra.plugin.core.execution.Labels, labels: { system.correlationId: hijack } }
`);
  assert.equal(reserved.state.current, 'FAILED');
  assert.equal(reserved.labels.find((l) => l.key === 'system.correlationId')?.value, reserved.id);
  const frozen = await h.run(`
id: labels_ro
namespace: company.team
labels: { system.readOnly: "true" }
tasks:
  - { id: set, type: io.kestra.plugin.core.execution.Labels, labels: { stage: done } }
`);
  assert.equal(frozen.state.current, 'FAILED');
  assert.match((await h.messages(frozen.id, 'ERROR'))[0] ?? '', /read-only/);
});

test('Exit ends the execution in its state; later tasks never run', async () => {
  const h = harness();
  const doc = await h.run(`
id: exit
namespace: company.team
tasks:
  - { id: stop, type: io.kestra.plugin.core.execution.Exit, state: WARNING }
  - { id: later, type: io.kestra.plugin.core.log.Log, message: never }
`);
  assert.equal(doc.state.current, 'WARNING');
  assert.equal(doc.taskRunList.length, 1);
});

test('a disabled flow cannot be started', async () => {
  const h = harness();
  await assert.rejects(
    h.run(`
id: off
namespace: company.team
disabled: true
tasks:
  - { id: t, type: io.kestra.plugin.core.log.Log, message: m }
`),
    /disabled/,
  );
});

test('KV lookups inherit from parent namespaces; an explicit namespace is used as is', async () => {
  const h = harness({
    kv: { company: { my_key_from_company_namespace: 'from company' }, test: { test_value: 'from test' } },
  });
  const doc = await h.run(`
id: key_value_inheritance
namespace: company.team
tasks:
  - id: get_kv_from_parent
    type: io.kestra.plugin.core.log.Log
    message: "{{ kv('my_key_from_company_namespace') }}"
  - id: get_kv_from_another_namespace
    type: io.kestra.plugin.core.log.Log
    message: "{{ kv('test_value', namespace='test') }}"
`);
  assert.equal(doc.state.current, 'SUCCESS');
  assert.deepEqual(await h.messages(doc.id), ['from company', 'from test']);
});
