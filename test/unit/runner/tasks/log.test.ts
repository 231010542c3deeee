import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TaskFailure } from '../../../../protocol/src/task-contract.ts';
import { echoTask } from '../../../../runner/src/tasks/debug/echo/index.ts';
import { returnTask } from '../../../../runner/src/tasks/debug/return/index.ts';
import { logTask } from '../../../../runner/src/tasks/log/log/index.ts';
import { outputValuesTask } from '../../../../runner/src/tasks/output/output-values/index.ts';
import { testContext } from '../helpers.ts';

test('Log writes the message at INFO by default', async () => {
  const t = await testContext({ message: 'Hello World!' });
  const result = await logTask.run(t.ctx);
  assert.equal(result.state, 'SUCCESS');
  assert.deepEqual(t.logs, [{ level: 'INFO', message: 'Hello World!' }]);
  await t.cleanup();
});

test('Log writes each message of a list at the given level', async () => {
  const t = await testContext({ message: ['one', 'two'], level: 'WARN' });
  await logTask.run(t.ctx);
  assert.deepEqual(t.logs, [
    { level: 'WARN', message: 'one' },
    { level: 'WARN', message: 'two' },
  ]);
  await t.cleanup();
});

test('Log writes a typed value as JSON and refuses an unknown level', async () => {
  const t = await testContext({ message: { a: 1 } });
  await logTask.run(t.ctx);
  assert.deepEqual(t.logs, [{ level: 'INFO', message: '{"a":1}' }]);
  t.ctx.properties = { message: 'x', level: 'LOUD' };
  await assert.rejects(
    logTask.run(t.ctx),
    (e: TaskFailure) => e.retryable === false && /level.*TRACE, DEBUG, INFO, WARN, ERROR/.test(e.message),
  );
  await t.cleanup();
});

test('Log without message fails naming the property', async () => {
  const t = await testContext({});
  await assert.rejects(
    logTask.run(t.ctx),
    /task 'task1' \(io\.kestra\.plugin\.core\.log\.Log\): property 'message' is required/,
  );
  await t.cleanup();
});

test('Return exposes format as the value output', async () => {
  const t = await testContext({ format: 'hello 42' });
  assert.deepEqual((await returnTask.run(t.ctx)).outputs, { value: 'hello 42' });
  await t.cleanup();
});

test('Echo logs format at its level', async () => {
  const t = await testContext({ format: 'echoed', level: 'debug' });
  await echoTask.run(t.ctx);
  assert.deepEqual(t.logs, [{ level: 'DEBUG', message: 'echoed' }]);
  await t.cleanup();
});

test('OutputValues exposes values as the values output', async () => {
  const t = await testContext({ values: { a: 'x', n: 2, nested: { b: [1, 2] } } });
  assert.deepEqual((await outputValuesTask.run(t.ctx)).outputs, {
    values: { a: 'x', n: 2, nested: { b: [1, 2] } },
  });
  t.ctx.properties = { values: ['not', 'a', 'map'] };
  await assert.rejects(outputValuesTask.run(t.ctx), /property 'values' must be a map/);
  await t.cleanup();
});
