import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TaskFailure } from '../../../../protocol/src/task-contract.ts';
import { concatTask } from '../../../../runner/src/tasks/storage/concat/index.ts';
import { deleteTask } from '../../../../runner/src/tasks/storage/delete/index.ts';
import { sizeTask } from '../../../../runner/src/tasks/storage/size/index.ts';
import { parseBytes, splitTask } from '../../../../runner/src/tasks/storage/split/index.ts';
import { writeTask } from '../../../../runner/src/tasks/storage/write/index.ts';
import { testContext } from '../helpers.ts';

const scope = { namespace: 'company.team', flowId: 'demo', executionId: 'exec1' };

test('Write stores content as a .ion file by default and outputs its uri', async () => {
  const t = await testContext({ content: 'field1,field2\n1,A\n' }, { taskId: 'write' });
  const { outputs } = await writeTask.run(t.ctx);
  const uri = outputs?.['uri'] as string;
  assert.match(
    uri,
    /^kestra:\/\/\/company\/team\/demo\/executions\/exec1\/tasks\/write\/run1\/.+-write\.ion$/,
  );
  assert.equal((await t.storage.get(uri)).toString(), 'field1,field2\n1,A\n');
  t.ctx.properties = { content: 'x', extension: 'csv' };
  assert.match((await writeTask.run(t.ctx)).outputs?.['uri'] as string, /\.csv$/);
  await t.cleanup();
});

test('Concat joins files in order with the separator', async () => {
  const t = await testContext({});
  const a = await t.storage.put(scope, 'a.txt', 'first');
  const b = await t.storage.put(scope, 'b.txt', 'second');
  t.ctx.properties = { files: [a, b], separator: '\n', extension: '.txt' };
  const uri = (await concatTask.run(t.ctx)).outputs?.['uri'] as string;
  assert.match(uri, /\.txt$/);
  assert.equal((await t.storage.get(uri)).toString(), 'first\nsecond');
  // As `{{ outputs.split.uris }}` renders: a JSON string.
  t.ctx.properties = { files: JSON.stringify([b, a]) };
  assert.equal(
    (await t.storage.get((await concatTask.run(t.ctx)).outputs?.['uri'] as string)).toString(),
    'secondfirst',
  );
  await t.cleanup();
});

test('Concat of a missing file fails without writing', async () => {
  const t = await testContext({ files: ['kestra:///company/team/demo/executions/exec1/missing.txt'] });
  await assert.rejects(
    concatTask.run(t.ctx),
    (e: TaskFailure) => !e.retryable && /missing\.txt' does not exist/.test(e.message),
  );
  await t.cleanup();
});

test('Size outputs the size in bytes', async () => {
  const t = await testContext({});
  t.ctx.properties = { uri: await t.storage.put(scope, 'a.txt', 'héllo') };
  assert.deepEqual((await sizeTask.run(t.ctx)).outputs, { size: 6 });
  t.ctx.properties = { uri: 'kestra:///company/team/none.txt' };
  await assert.rejects(
    sizeTask.run(t.ctx),
    (e: TaskFailure) => e instanceof TaskFailure && !e.retryable && /does not exist/.test(e.message),
  );
  await t.cleanup();
});

test('Delete removes the file; a missing one fails only with errorOnMissing', async () => {
  const t = await testContext({});
  const uri = await t.storage.put(scope, 'a.txt', 'x');
  t.ctx.properties = { uri };
  assert.deepEqual((await deleteTask.run(t.ctx)).outputs, { uri, deleted: true });
  assert.equal(await t.storage.exists(uri), false);
  assert.deepEqual((await deleteTask.run(t.ctx)).outputs, { uri, deleted: false });
  t.ctx.properties = { uri, errorOnMissing: true };
  await assert.rejects(deleteTask.run(t.ctx), /unable to find file/);
  await t.cleanup();
});

test('storage tasks refuse URIs that leave the storage', async () => {
  const t = await testContext({ uri: 'kestra:///../../etc/passwd' });
  await assert.rejects(
    sizeTask.run(t.ctx),
    (e: TaskFailure) => e instanceof TaskFailure && /points outside|contains a '\.\.'/.test(e.message),
  );
  await assert.rejects(deleteTask.run(t.ctx), TaskFailure);
  await t.cleanup();
});

async function splitLines(
  t: Awaited<ReturnType<typeof testContext>>,
  props: Record<string, unknown>,
): Promise<string[]> {
  t.ctx.properties = props;
  const uris = (await splitTask.run(t.ctx)).outputs?.['uris'] as string[];
  return Promise.all(uris.map(async (u) => (await t.storage.get(u)).toString()));
}

test('Split by rows, partitions and bytes', async () => {
  const t = await testContext({});
  const from = await t.storage.put(scope, 'rows.csv', 'r1\nr2\nr3\nr4\nr5\n');
  assert.deepEqual(await splitLines(t, { from, rows: 2 }), ['r1\nr2\n', 'r3\nr4\n', 'r5\n']);
  assert.deepEqual(await splitLines(t, { from, lines: '3' }), ['r1\nr2\nr3\n', 'r4\nr5\n']);
  assert.deepEqual(await splitLines(t, { from, partitions: 2 }), ['r1\nr3\nr5\n', 'r2\nr4\n']);
  // Kestra drops empty partitions.
  assert.deepEqual(await splitLines(t, { from, partitions: 8 }), ['r1\n', 'r2\n', 'r3\n', 'r4\n', 'r5\n']);
  // A part is closed once it holds at least `bytes`.
  assert.deepEqual(await splitLines(t, { from, bytes: '5B' }), ['r1\nr2\n', 'r3\nr4\n', 'r5\n']);
  t.ctx.properties = { from, rows: 2 };
  const uris = (await splitTask.run(t.ctx)).outputs?.['uris'] as string[];
  assert.ok(uris.every((u) => u.endsWith('.csv')));
  await t.cleanup();
});

test('Split needs a way to split', async () => {
  const t = await testContext({});
  const from = await t.storage.put(scope, 'rows.csv', 'r1\n');
  t.ctx.properties = { from };
  await assert.rejects(splitTask.run(t.ctx), /set one of bytes, rows or partitions/);
  t.ctx.properties = { from, bytes: 'ten megs' };
  await assert.rejects(splitTask.run(t.ctx), /must be a size such as 512KB/);
  await t.cleanup();
});

test('parseBytes reads sizes 1024-based', () => {
  assert.equal(parseBytes('10MB'), 10 * 1024 * 1024);
  assert.equal(parseBytes('512kb'), 512 * 1024);
  assert.equal(parseBytes('100'), 100);
  assert.equal(parseBytes('1.5KB'), 1536);
  assert.equal(parseBytes('MB'), undefined);
});
