/** Execution control through the service: pause/resume (onResume inputs, Resume task), kill, restart, replay. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InputsRefused } from '../../../../app/src/execution/contract.ts';
import { harness, parseFlow, runsOf, stateOf } from './harness.ts';

const approval = parseFlow(`
id: approval
namespace: company.team
tasks:
  - id: wait_for_approval
    type: io.kestra.plugin.core.flow.Pause
    onResume:
      - { id: approved, type: BOOLEAN }
      - { id: reason, type: STRING, defaults: none given }
  - id: report
    type: io.kestra.plugin.core.log.Log
    message: "approved={{ outputs.wait_for_approval.onResume.approved }} reason={{ outputs.wait_for_approval.onResume.reason }}"
`);

test('resume with onResume inputs: validated, typed, visible to later tasks', async () => {
  const h = harness();
  const started = await h.service.start({ flow: approval });
  await h.clock.advance(1000);
  assert.equal((await h.service.get(started.id))?.state.current, 'PAUSED');
  await assert.rejects(h.service.resume(started.id, { approved: 'perhaps' }), InputsRefused);
  assert.equal((await h.service.get(started.id))?.state.current, 'PAUSED');
  await h.service.resume(started.id, { approved: 'true' });
  const done = await h.settle(started.id);
  assert.equal(done.state.current, 'SUCCESS');
  assert.deepEqual(await h.messages(done.id), ['approved=true reason=none given']);
});

test('the Resume task resumes another paused execution with inputs', async () => {
  const h = harness();
  const paused = await h.service.start({ flow: approval });
  await h.clock.advance(100);
  const resumer = await h.run(
    `
id: resumer
namespace: company.team
inputs:
  - { id: target, type: STRING }
tasks:
  - id: resume
    type: io.kestra.plugin.core.execution.Resume
    executionId: "{{ inputs.target }}"
    inputs: { approved: true, reason: automated }
`,
    { target: paused.id },
  );
  assert.equal(resumer.state.current, 'SUCCESS');
  const done = await h.settle(paused.id);
  assert.deepEqual(await h.messages(done.id), ['approved=true reason=automated']);
});

test('resuming an execution that is not paused is refused with its state', async () => {
  const h = harness();
  const doc = await h.run(`
id: quick
namespace: company.team
tasks:
  - { id: t, type: io.kestra.plugin.core.log.Log, message: m }
`);
  await assert.rejects(h.service.resume(doc.id), /is SUCCESS; only a PAUSED execution can be resumed/);
});

const sleepy = parseFlow(`
id: sleepy
namespace: company.team
tasks:
  - { id: nap, type: io.kestra.plugin.core.flow.Sleep, duration: PT10S }
  - { id: after, type: io.kestra.plugin.core.log.Log, message: awake }
`);

test('pause takes effect after the task in progress; resume goes on', async () => {
  const h = harness();
  const started = await h.service.start({ flow: sleepy });
  await h.clock.advance(1000);
  assert.equal((await h.service.pause(started.id)).state.current, 'PAUSED');
  await h.clock.advance(20_000);
  let doc = (await h.service.get(started.id))!;
  assert.equal(stateOf(doc, 'nap'), 'SUCCESS');
  assert.equal(runsOf(doc, 'after').length, 0);
  await h.service.resume(started.id);
  doc = await h.settle(started.id);
  assert.equal(doc.state.current, 'SUCCESS');
  assert.deepEqual(await h.messages(doc.id), ['awake']);
});

test('kill stops the running task: KILLING, then KILLED', async () => {
  const h = harness();
  const started = await h.service.start({ flow: sleepy });
  await h.clock.advance(1000);
  const killing = await h.service.kill(started.id);
  assert.equal(killing.state.current, 'KILLING');
  const doc = await h.settle(started.id);
  assert.equal(doc.state.current, 'KILLED');
  assert.equal(stateOf(doc, 'nap'), 'KILLED');
  assert.equal(runsOf(doc, 'after').length, 0);
  assert.equal(h.clock.pending, 0);
});

test('restart a FAILED execution: the failed task gets a new attempt, the others are kept', async () => {
  let fail = true;
  const h = harness({
    scripts: {
      flaky: async () =>
        fail ? { state: 'FAILED', error: 'broken' } : { state: 'SUCCESS', outputs: { value: 'fixed' } },
    },
  });
  const flow = `
id: restartable
namespace: company.team
tasks:
  - { id: first, type: io.kestra.plugin.core.log.Log, message: once }
  - { id: flaky, type: io.kestra.plugin.core.debug.Return, format: x }
  - { id: last, type: io.kestra.plugin.core.log.Log, message: "{{ outputs.flaky.value }}" }
`;
  const failed = await h.run(flow);
  assert.equal(failed.state.current, 'FAILED');
  fail = false;
  await h.service.restart(failed.id);
  const doc = await h.settle(failed.id);
  assert.equal(doc.state.current, 'SUCCESS');
  assert.equal(runsOf(doc, 'first')[0]?.attempts.length, 1);
  assert.deepEqual(
    runsOf(doc, 'flaky')[0]?.attempts.map((a) => a.state.current),
    ['FAILED', 'SUCCESS'],
  );
  assert.deepEqual(await h.messages(doc.id, 'INFO'), ['once', 'fixed']);
  assert.equal(h.runner.jobsOf('first').length, 1);
  assert.equal(h.runner.jobsOf('flaky')[1]?.run.attempt, 2);
  await assert.rejects(h.service.restart(doc.id), /only a FAILED or KILLED execution can be restarted/);
});

test('replay from a task run creates a new execution that re-runs from there', async () => {
  const h = harness();
  const flow = `
id: replayable
namespace: company.team
tasks:
  - { id: a, type: io.kestra.plugin.core.debug.Return, format: A }
  - { id: b, type: io.kestra.plugin.core.log.Log, message: "b sees {{ outputs.a.value }}" }
`;
  const first = await h.run(flow);
  const from = runsOf(first, 'b')[0]!.id;
  const replayed = await h.service.replay(first.id, from);
  const doc = await h.settle(replayed.id);
  assert.notEqual(doc.id, first.id);
  assert.equal(doc.originalId, first.id);
  assert.equal(doc.state.current, 'SUCCESS');
  assert.equal(h.runner.jobsOf('a').length, 1);
  assert.equal(h.runner.jobsOf('b').length, 2);
  assert.deepEqual(await h.messages(doc.id), ['b sees A']);
});
