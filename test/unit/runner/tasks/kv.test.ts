import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TaskFailure } from '../../../../protocol/src/task-contract.ts';
import { deleteKvTask } from '../../../../runner/src/tasks/kv/delete/index.ts';
import { getTask } from '../../../../runner/src/tasks/kv/get/index.ts';
import { getKeysTask } from '../../../../runner/src/tasks/kv/get-keys/index.ts';
import { setTask } from '../../../../runner/src/tasks/kv/set/index.ts';
import { testContext } from '../helpers.ts';

test('Set stores in the execution namespace by default, Get reads it back', async () => {
  const t = await testContext({ key: 'my_key', value: 'v1' });
  await setTask.run(t.ctx);
  assert.deepEqual(await t.kv.get('company.team', 'my_key'), { value: 'v1' });
  t.ctx.properties = { key: 'my_key' };
  assert.deepEqual((await getTask.run(t.ctx)).outputs, { value: 'v1' });
  await t.cleanup();
});

test('Set writes to an explicit namespace and converts by kvType', async () => {
  const t = await testContext({ key: 'n', value: '42', kvType: 'NUMBER', namespace: 'company' });
  await setTask.run(t.ctx);
  assert.deepEqual(await t.kv.get('company', 'n'), { value: 42 });
  t.ctx.properties = { key: 'j', value: '{"a":[1]}', kvType: 'JSON' };
  await setTask.run(t.ctx);
  assert.deepEqual(await t.kv.get('company.team', 'j'), { value: { a: [1] } });
  t.ctx.properties = { key: 'b', value: 'true', kvType: 'BOOLEAN' };
  await setTask.run(t.ctx);
  assert.deepEqual(await t.kv.get('company.team', 'b'), { value: true });
  t.ctx.properties = { key: 'bad', value: 'abc', kvType: 'NUMBER' };
  await assert.rejects(setTask.run(t.ctx), /'abc' is not a number \(kvType NUMBER\)/);
  await t.cleanup();
});

test('Set with overwrite false refuses an existing key', async () => {
  const t = await testContext({ key: 'k', value: 'first' });
  await setTask.run(t.ctx);
  t.ctx.properties = { key: 'k', value: 'second', overwrite: false };
  await assert.rejects(
    setTask.run(t.ctx),
    (e: TaskFailure) => !e.retryable && /already exists and overwrite is false/.test(e.message),
  );
  assert.deepEqual(await t.kv.get('company.team', 'k'), { value: 'first' });
  await t.cleanup();
});

test('Set passes ttl as milliseconds and validates keys', async () => {
  const seen: unknown[] = [];
  const t = await testContext({ key: 'k', value: 'v', ttl: 'PT1M' });
  t.ctx.services.kv = { ...t.kv, set: async (...args: unknown[]) => void seen.push(args) } as never;
  await setTask.run(t.ctx);
  assert.deepEqual(seen, [['company.team', 'k', 'v', { overwrite: true, ttlMs: 60_000 }]]);
  t.ctx.properties = { key: '../etc', value: 'v' };
  await assert.rejects(setTask.run(t.ctx), /'..\/etc' is not a valid KV key/);
  await t.cleanup();
});

test('Get of a missing key outputs nothing, or fails with errorOnMissing', async () => {
  const t = await testContext({ key: 'nope' });
  assert.deepEqual((await getTask.run(t.ctx)).outputs, {});
  t.ctx.properties = { key: 'nope', errorOnMissing: true, namespace: 'company' };
  await assert.rejects(
    getTask.run(t.ctx),
    /no value found for key 'nope' in namespace 'company' and errorOnMissing is true/,
  );
  await t.cleanup();
});

test('Delete outputs deleted, GetKeys lists keys by prefix', async () => {
  const t = await testContext({});
  await t.kv.set('company.team', 'a_1', 1);
  await t.kv.set('company.team', 'a_2', 2);
  await t.kv.set('company.team', 'b_1', 3);
  await t.kv.set('company', 'a_3', 4);
  t.ctx.properties = { prefix: 'a_' };
  assert.deepEqual((await getKeysTask.run(t.ctx)).outputs, { keys: ['a_1', 'a_2'] });
  t.ctx.properties = {};
  assert.deepEqual(((await getKeysTask.run(t.ctx)).outputs?.['keys'] as string[] | undefined)?.sort(), [
    'a_1',
    'a_2',
    'b_1',
  ]);
  t.ctx.properties = { key: 'a_1' };
  assert.deepEqual((await deleteKvTask.run(t.ctx)).outputs, { deleted: true });
  assert.deepEqual((await deleteKvTask.run(t.ctx)).outputs, { deleted: false });
  t.ctx.properties = { key: 'a_1', errorOnMissing: true };
  await assert.rejects(deleteKvTask.run(t.ctx), /no value found for key 'a_1'/);
  await t.cleanup();
});
