import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TaskFailure } from '../../../../protocol/src/task-contract.ts';
import { exitTask } from '../../../../runner/src/tasks/execution/exit/index.ts';
import { failTask, isTruthy } from '../../../../runner/src/tasks/execution/fail/index.ts';
import { labelsTask } from '../../../../runner/src/tasks/execution/labels/index.ts';
import { sleepTask } from '../../../../runner/src/tasks/flow/sleep/index.ts';
import { testContext } from '../helpers.ts';

test('Fail without condition fails with errorMessage, or Kestra\'s "Task failure"', async () => {
  const t = await testContext({ errorMessage: 'Something went wrong' });
  await assert.rejects(
    failTask.run(t.ctx),
    (e: TaskFailure) => e instanceof TaskFailure && e.message === 'Something went wrong',
  );
  t.ctx.properties = {};
  await assert.rejects(failTask.run(t.ctx), (e: TaskFailure) => e.message === 'Task failure' && e.retryable);
  await t.cleanup();
});

test('Fail with a condition fails only when it renders truthy', async () => {
  const t = await testContext({ condition: 'false', errorMessage: 'boom' });
  assert.equal((await failTask.run(t.ctx)).state, 'SUCCESS');
  for (const falsy of ['', '0', '-0', 'false', 'FALSE', false, 0]) {
    t.ctx.properties = { condition: falsy, errorMessage: 'boom' };
    assert.equal((await failTask.run(t.ctx)).state, 'SUCCESS', String(falsy));
  }
  for (const truthy of ['true', 'yes', '1', true]) {
    t.ctx.properties = { condition: truthy, errorMessage: 'boom' };
    await assert.rejects(failTask.run(t.ctx), /boom/, String(truthy));
  }
  assert.equal(isTruthy(' 0 '), false);
  await t.cleanup();
});

test('Exit asks the engine to end the execution in its state', async () => {
  const t = await testContext({});
  assert.deepEqual(await exitTask.run(t.ctx), { state: 'SUCCESS', effects: { exit: 'SUCCESS' } });
  t.ctx.properties = { state: 'KILLED' };
  assert.deepEqual((await exitTask.run(t.ctx)).effects, { exit: 'KILLED' });
  t.ctx.properties = { state: 'CANCELED' };
  assert.deepEqual((await exitTask.run(t.ctx)).effects, { exit: 'CANCELLED' });
  t.ctx.properties = { state: 'DONE' };
  await assert.rejects(
    exitTask.run(t.ctx),
    /property 'state' must be one of SUCCESS, WARNING, KILLED, FAILED/,
  );
  await t.cleanup();
});

test('Labels accepts a map, a list and a JSON string', async () => {
  const t = await testContext({ labels: { team: 'data', n: 3, obj: { a: 1 } } });
  assert.deepEqual((await labelsTask.run(t.ctx)).effects?.labels, [
    { key: 'team', value: 'data' },
    { key: 'n', value: '3' },
    { key: 'obj', value: '{"a":1}' },
  ]);
  t.ctx.properties = {
    labels: [
      { key: 'order', value: 'A1' },
      { key: 'order', value: 'A2' },
    ],
  };
  assert.deepEqual((await labelsTask.run(t.ctx)).effects?.labels, [{ key: 'order', value: 'A2' }]);
  t.ctx.properties = { labels: '{"customer": "c-9"}' };
  assert.deepEqual((await labelsTask.run(t.ctx)).effects?.labels, [{ key: 'customer', value: 'c-9' }]);
  t.ctx.properties = { labels: 'not json' };
  await assert.rejects(labelsTask.run(t.ctx), /not a JSON object of labels/);
  await t.cleanup();
});

test('Labels refuses system labels with the offending label named', async () => {
  const t = await testContext({ labels: { ok: 'yes', 'system.correlationId': 'abc' } });
  await assert.rejects(
    labelsTask.run(t.ctx),
    (e: TaskFailure) =>
      !e.retryable &&
      e.message.includes('system.correlationId=abc') &&
      e.message.includes("without the 'system.' prefix"),
  );
  await t.cleanup();
});

test('Sleep waits for its duration', async () => {
  const t = await testContext({ duration: 'PT0.2S' });
  const start = Date.now();
  assert.equal((await sleepTask.run(t.ctx)).state, 'SUCCESS');
  assert.ok(Date.now() - start >= 190, `slept ${Date.now() - start} ms`);
  await t.cleanup();
});

test('Sleep stops at once when aborted', async () => {
  const t = await testContext({ duration: 'PT1H' });
  const start = Date.now();
  setTimeout(() => t.abort.abort(new Error('killed')), 50);
  await assert.rejects(sleepTask.run(t.ctx));
  assert.ok(Date.now() - start < 1000);
  await t.cleanup();
});

test('Sleep refuses a duration that is not ISO-8601', async () => {
  const t = await testContext({ duration: '3 seconds' });
  await assert.rejects(
    sleepTask.run(t.ctx),
    /property 'duration' must be an ISO-8601 duration such as PT30S/,
  );
  await t.cleanup();
});
