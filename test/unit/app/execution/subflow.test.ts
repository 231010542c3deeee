/** Subflow: child resolved by namespace + id, wait, transmitFailed, outputs, inheritLabels, kill. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { harness, parseFlow, stateOf } from './harness.ts';

const child = `
id: child
namespace: company.child
inputs:
  - { id: n, type: INT }
labels: { owner: child-team }
tasks:
  - id: work
    type: io.kestra.plugin.core.debug.Return
    format: "{{ inputs.n * 2 }} from {{ trigger.flowId }}"
  - id: maybe_fail
    type: io.kestra.plugin.core.execution.Fail
    runIf: "{{ inputs.n > 100 }}"
outputs:
  - { id: doubled, type: STRING, value: "{{ outputs.work.value }}" }
`;

const parent = (props: string) => `
id: parent
namespace: company.team
labels: { project: osprey }
tasks:
  - id: call
    type: io.kestra.plugin.core.flow.Subflow
    namespace: company.child
    flowId: child
${props}
  - id: after
    type: io.kestra.plugin.core.log.Log
    message: "child said {{ outputs.call.outputs.doubled }}"
`;

test('wait (default): the task ends with the child, its outputs are the child’s flow outputs', async () => {
  const h = harness({ flows: [child] });
  const doc = await h.run(parent('    inputs: { n: "{{ 21 }}" }'));
  assert.equal(doc.state.current, 'SUCCESS');
  const call = doc.taskRunList.find((t) => t.taskId === 'call')!;
  const childDoc = (await h.service.get(String(call.outputs?.['executionId'])))!;
  assert.equal(childDoc.parentId, doc.id);
  assert.equal(childDoc.state.current, 'SUCCESS');
  assert.deepEqual(call.outputs?.['outputs'], { doubled: '42 from parent' });
  assert.deepEqual(await h.messages(doc.id), ['child said 42 from parent']);
  assert.equal(childDoc.labels.find((l) => l.key === 'system.correlationId')?.value, doc.id);
  assert.equal(
    childDoc.labels.some((l) => l.key === 'project'),
    false,
  );
});

test('transmitFailed (default true): a failed child fails the task; false: the task succeeds', async () => {
  const h = harness({ flows: [child] });
  const failed = await h.run(parent('    inputs: { n: 500 }'));
  assert.equal(stateOf(failed, 'call'), 'FAILED');
  assert.equal(failed.state.current, 'FAILED');
  const tolerated = await h.run(parent('    inputs: { n: 500 }\n    transmitFailed: false'));
  assert.equal(stateOf(tolerated, 'call'), 'SUCCESS');
  assert.equal(tolerated.taskRunList.find((t) => t.taskId === 'call')?.outputs?.['state'], 'FAILED');
});

test('wait: false ends the task as soon as the child exists', async () => {
  const h = harness({ flows: [child] });
  const doc = await h.run(parent('    inputs: { n: 1 }\n    wait: false'));
  assert.equal(stateOf(doc, 'call'), 'SUCCESS');
  assert.equal(typeof doc.taskRunList[0]?.outputs?.['executionId'], 'string');
  assert.equal(doc.taskRunList[0]?.outputs?.['outputs'], undefined);
});

test('inheritLabels copies the parent’s labels; the task’s labels are added', async () => {
  const h = harness({ flows: [child] });
  const doc = await h.run(
    parent('    inputs: { n: 1 }\n    inheritLabels: true\n    labels: { reason: nightly }'),
  );
  const childDoc = (await h.service.get(String(doc.taskRunList[0]?.outputs?.['executionId'])))!;
  const labels = Object.fromEntries(childDoc.labels.map((l) => [l.key, l.value]));
  assert.equal(labels['project'], 'osprey');
  assert.equal(labels['reason'], 'nightly');
  assert.equal(labels['owner'], 'child-team');
  assert.equal(labels['system.correlationId'], doc.id);
});

test('an unknown child flow or refused inputs fail the task with the reason', async () => {
  const h = harness({ flows: [child] });
  const missing = await h.run(parent('    inputs: { n: 1 }').replace('flowId: child', 'flowId: nope'));
  assert.equal(missing.state.current, 'FAILED');
  assert.match((await h.messages(missing.id, 'ERROR'))[0] ?? '', /company\.child\.nope was not found/);
  const refused = await h.run(parent('    inputs: { n: abc }'));
  assert.equal(refused.state.current, 'FAILED');
  assert.match((await h.messages(refused.id, 'ERROR'))[0] ?? '', /input 'n'/);
});

test('killing the parent kills a running child', async () => {
  const slowChild = `
id: child
namespace: company.child
tasks:
  - { id: nap, type: io.kestra.plugin.core.flow.Sleep, duration: PT1H }
`;
  const h = harness({ flows: [slowChild] });
  const started = await h.service.start({ flow: parseFlow(parent('')) });
  await h.clock.advance(1000);
  const running = (await h.service.get(started.id))!;
  const childId = String(running.taskRunList[0]?.outputs?.['executionId']);
  assert.equal((await h.service.get(childId))?.state.current, 'RUNNING');
  await h.service.kill(started.id);
  const done = await h.settle(started.id);
  assert.equal(done.state.current, 'KILLED');
  assert.equal(stateOf(done, 'call'), 'KILLED');
  assert.equal((await h.service.get(childId))?.state.current, 'KILLED');
});
