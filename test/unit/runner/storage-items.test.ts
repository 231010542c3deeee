/**
 * The item tasks of internal storage, as Kestra documents and tests them: Reverse, FilterItems,
 * DeduplicateItems (on a real local-folder storage, expressions rendered per item by the real
 * expression engine over a task-run context), PurgeCurrentExecutionFiles (the executor's local
 * task), and the Ion reader the item tasks share.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ExecutionControl } from '../../../app/src/execution/local-tasks.ts';
import { localTasks } from '../../../app/src/execution/local-tasks.ts';
import { mergeVariables } from '../../../app/src/execution/render.ts';
import { render } from '../../../flows-schema/src/expressions/index.ts';
import { defaultRegistry } from '../../../flows-schema/src/schema/flow.ts';
import type { RenderedItem, TaskFailure } from '../../../protocol/src/task-contract.ts';
import { findTask } from '../../../runner/src/tasks/registry.ts';
import { deduplicateItemsTask } from '../../../runner/src/tasks/storage/deduplicate-items/index.ts';
import { filterItemsTask } from '../../../runner/src/tasks/storage/filter-items/index.ts';
import { reverseTask } from '../../../runner/src/tasks/storage/reverse/index.ts';
import { parseIonValue } from '../../../runner/src/tasks/support/ion.ts';
import { type TestContext, testContext } from './helpers.ts';

const scope = { namespace: 'company.team', flowId: 'demo', executionId: 'exec1' };
const OUTSIDE = 'kestra:///../../etc/passwd';
const MISSING = 'kestra:///company/team/demo/executions/exec1/missing.ion';

/** Per-item renders as the control plane does them: the item's fields over a task-run context. */
function renderEachOver(context: Record<string, unknown>, calls: number[] = []) {
  return async (template: string, items: readonly Record<string, unknown>[]): Promise<RenderedItem[]> => {
    calls.push(items.length);
    const out: RenderedItem[] = [];
    for (const item of items) {
      try {
        out.push({ value: await render(template, mergeVariables(context, item)) });
      } catch (e) {
        out.push({ error: (e as Error).message });
      }
    }
    return out;
  };
}

async function itemsContext(properties: Record<string, unknown>, calls?: number[]): Promise<TestContext> {
  return testContext(properties, {
    taskId: 'items',
    services: { renderEach: renderEachOver({ inputs: { min: 2 }, flow: { id: 'demo' } }, calls) },
  });
}

/** Lines as Kestra's Ion mapper writes records (`{key:"k1",value:1}`). */
function ionLines(items: Array<Record<string, unknown>>): string {
  return items
    .map(
      (item) =>
        `{${Object.entries(item)
          .map(([k, v]) => `${k}:${JSON.stringify(v)}`)
          .join(',')}}\n`,
    )
    .join('');
}

const read = async (t: TestContext, uri: unknown) => (await t.storage.get(uri as string)).toString();
const nonRetryable = (pattern: RegExp) => (e: TaskFailure) =>
  e.retryable === false && pattern.test(e.message);

// ---- Reverse ----------------------------------------------------------------------------------------

test('Reverse writes the last line first, each followed by the separator, keeping the extension', async () => {
  const t = await testContext({}, { taskId: 'reverse' });
  t.ctx.properties = { from: await t.storage.put(scope, 'get.yml', '1\n2\n3\n') };
  const { outputs } = await reverseTask.run(t.ctx);
  assert.match(outputs?.['uri'] as string, /\/tasks\/reverse\/run1\/.+-reverse\.yml$/);
  assert.equal(await read(t, outputs?.['uri']), '3\n2\n1\n');
  // No final end of line, Windows and old Mac ends of line, an empty line, another separator.
  t.ctx.properties = { from: await t.storage.put(scope, 'a.txt', 'a\r\nb\rc\n\nd'), separator: ',' };
  assert.equal(await read(t, (await reverseTask.run(t.ctx)).outputs?.['uri']), 'd,,c,b,a,');
  t.ctx.properties = { from: await t.storage.put(scope, 'empty.txt', '') };
  assert.equal(await read(t, (await reverseTask.run(t.ctx)).outputs?.['uri']), '');
  t.ctx.properties = { from: await t.storage.put(scope, 'lf.txt', '\n') };
  assert.equal(await read(t, (await reverseTask.run(t.ctx)).outputs?.['uri']), '\n');
  await t.cleanup();
});

test('Reverse reads a large file backwards in blocks, an end of line split between blocks included', async () => {
  const t = await testContext({});
  // Lines of varied length with \r\n ends, so some \r\n straddle a 64 KiB block boundary.
  const lines = Array.from({ length: 20_000 }, (_, i) => `line ${i} ${'x'.repeat(i % 17)}`);
  const text = `${lines.join('\r\n')}\r\n`;
  t.ctx.properties = { from: await t.storage.put(scope, 'big.csv', text) };
  const out = await read(t, (await reverseTask.run(t.ctx)).outputs?.['uri']);
  assert.equal(out, `${[...lines].reverse().join('\n')}\n`);
  // The last block (64 KiB) starts exactly between the \r and the \n of an end of line.
  const b = 'b'.repeat(65_535);
  t.ctx.properties = { from: await t.storage.put(scope, 'edge.txt', `a\r\n${b}`) };
  assert.equal(await read(t, (await reverseTask.run(t.ctx)).outputs?.['uri']), `${b}\na\n`);
  // One line longer than a block.
  const long = 'y'.repeat(200_000);
  t.ctx.properties = { from: await t.storage.put(scope, 'long.txt', `a\n${long}\nb`) };
  assert.equal(await read(t, (await reverseTask.run(t.ctx)).outputs?.['uri']), `b\n${long}\na\n`);
  await t.cleanup();
});

test('Reverse honours charset: ISO-8859-1 bytes and UTF-16LE text', async () => {
  const t = await testContext({});
  t.ctx.properties = {
    from: await t.storage.put(scope, 'l.txt', Buffer.from('café\nnaïve\n', 'latin1')),
    charset: 'ISO-8859-1',
  };
  const latin = await t.storage.get((await reverseTask.run(t.ctx)).outputs?.['uri'] as string);
  assert.deepEqual(latin, Buffer.from('naïve\ncafé\n', 'latin1'));
  t.ctx.properties = {
    from: await t.storage.put(scope, 'u.txt', Buffer.from('é1\r\né2\r\n', 'utf16le')),
    charset: 'UTF-16LE',
  };
  const utf16 = await t.storage.get((await reverseTask.run(t.ctx)).outputs?.['uri'] as string);
  assert.equal(utf16.toString('utf16le'), 'é2\né1\n');
  t.ctx.properties = { from: await t.storage.put(scope, 'x.txt', 'a'), charset: 'UTF-16' };
  await assert.rejects(reverseTask.run(t.ctx), nonRetryable(/charset' must name the byte order/));
  t.ctx.properties = { from: await t.storage.put(scope, 'x.txt', 'a'), charset: 'EBCDIC-999' };
  await assert.rejects(reverseTask.run(t.ctx), nonRetryable(/'EBCDIC-999' is not a supported charset/));
  await t.cleanup();
});

test('Reverse refuses a missing file and a URI outside the storage', async () => {
  const t = await testContext({ from: MISSING }, { taskId: 'reverse' });
  await assert.rejects(reverseTask.run(t.ctx), nonRetryable(/task 'reverse'.*missing\.ion' does not exist/));
  t.ctx.properties = { from: OUTSIDE };
  await assert.rejects(
    reverseTask.run(t.ctx),
    nonRetryable(/internal storage URI 'kestra:\/\/\/\.\.\/\.\.\/etc\/passwd' contains a '\.\.' segment/),
  );
  t.ctx.properties = {};
  await assert.rejects(reverseTask.run(t.ctx), nonRetryable(/property 'from' is required/));
  await t.cleanup();
});

// ---- FilterItems (Kestra's FilterItemsTest) ---------------------------------------------------------

const VALID = [
  { key: 'k1', value: 1 },
  { key: 'k2', value: 2 },
  { key: 'k3', value: 3 },
  { key: 'k4', value: 4 },
];
const INVALID = [
  { key: 'k1', value: 1 },
  { key: 'k2', value: 'dummy' },
  { key: 'k3', value: 3 },
  { key: 'k4', value: 4 },
];

async function filter(
  items: Array<Record<string, unknown>>,
  properties: Record<string, unknown>,
): Promise<{ lines: string; outputs: Record<string, unknown> }> {
  const t = await itemsContext({});
  try {
    t.ctx.properties = { from: await t.storage.put(scope, 'items.ion', ionLines(items)), ...properties };
    const { outputs } = await filterItemsTask.run(t.ctx);
    return { lines: await read(t, outputs?.['uri']), outputs: outputs ?? {} };
  } finally {
    await t.cleanup();
  }
}

test('FilterItems INCLUDE keeps the items matching the condition, EXCLUDE drops them; lines are kept as written', async () => {
  const include = await filter(VALID, { filterCondition: ' {{ value % 2 == 0 }} ', filterType: 'INCLUDE' });
  assert.equal(include.lines, ionLines([VALID[1]!, VALID[3]!]));
  assert.equal(include.outputs['processedItemsTotal'], 4);
  assert.equal(include.outputs['droppedItemsTotal'], 2);
  assert.match(include.outputs['uri'] as string, /\/tasks\/items\/run1\/.+-items\.ion$/);
  const exclude = await filter(VALID, { filterCondition: ' {{ value % 2 == 0 }} ', filterType: 'EXCLUDE' });
  assert.equal(exclude.lines, ionLines([VALID[0]!, VALID[2]!]));
  assert.deepEqual([exclude.outputs['processedItemsTotal'], exclude.outputs['droppedItemsTotal']], [4, 2]);
  // INCLUDE is the default; a non-boolean value is true unless "false", "0", "-0" or empty.
  const truthy = await filter(VALID, { filterCondition: '{{ value }}' });
  assert.equal(truthy.lines, ionLines(VALID));
  const zeroes = await filter([{ v: 0 }, { v: '-0' }, { v: '' }, { v: 'false' }, { v: 'no' }], {
    filterCondition: '{{ v }}',
  });
  assert.equal(zeroes.lines, ionLines([{ v: 'no' }]));
});

test('FilterItems: an item the condition cannot be rendered on fails the task, naming it, or is kept or dropped', async () => {
  await assert.rejects(
    filter(INVALID, { filterCondition: ' {{ value % 2 == 0 }}', errorOrNullBehavior: 'FAIL' }),
    nonRetryable(
      /task 'items' \(FilterItems\): cannot render 'filterCondition' on item 2 \(\{key:"k2",value:"dummy"\}\): .*'%'.*errorOrNullBehavior/,
    ),
  );
  // FAIL is the default.
  await assert.rejects(filter(INVALID, { filterCondition: '{{ value % 2 == 0 }}' }), /on item 2/);
  const include = await filter(INVALID, {
    filterCondition: ' {{ value % 2 == 0 }}',
    errorOrNullBehavior: 'INCLUDE',
  });
  assert.equal(include.lines, ionLines([INVALID[1]!, INVALID[3]!]));
  assert.deepEqual([include.outputs['processedItemsTotal'], include.outputs['droppedItemsTotal']], [4, 2]);
  const exclude = await filter(INVALID, {
    filterCondition: ' {{ value % 2 == 0 }}',
    errorOrNullBehavior: 'EXCLUDE',
  });
  assert.equal(exclude.lines, ionLines([INVALID[3]!]));
  assert.deepEqual([exclude.outputs['processedItemsTotal'], exclude.outputs['droppedItemsTotal']], [4, 3]);
  // A field missing from an item is an error of that item too.
  await assert.rejects(
    filter([{ a: 1 }, { b: 2 }], { filterCondition: '{{ a == 1 }}' }),
    /on item 2 \(\{b:2\}\)/,
  );
});

test('FilterItems reads JSON lines and Ion text alike, with the task-run context beside the fields', async () => {
  const t = await itemsContext({});
  const text = '{"product_id": "20", "n": 1}\n{product_id:"14",n:2}\n{\'product_id\':"20",n:3} // third\n';
  t.ctx.properties = {
    from: await t.storage.put(scope, 'orders.ion', text),
    filterCondition: '{{ (product_id | number) == 20 and n >= inputs.min }}',
  };
  const { outputs } = await filterItemsTask.run(t.ctx);
  assert.equal(await read(t, outputs?.['uri']), '{\'product_id\':"20",n:3} // third\n');
  await t.cleanup();
});

test('FilterItems renders in batches, and a condition without an expression needs no render', async () => {
  const calls: number[] = [];
  const t = await itemsContext({}, calls);
  const items = Array.from({ length: 2500 }, (_, i) => ({ i }));
  t.ctx.properties = {
    from: await t.storage.put(scope, 'many.ion', ionLines(items)),
    filterCondition: '{{ i % 1000 == 0 }}',
  };
  const { outputs } = await filterItemsTask.run(t.ctx);
  assert.equal(await read(t, outputs?.['uri']), ionLines([{ i: 0 }, { i: 1000 }, { i: 2000 }]));
  assert.deepEqual(calls, [1000, 1000, 500]);
  // Without renderEach (a server older than protocol 3): a constant condition still works.
  const { renderEach, ...withoutRenderEach } = t.ctx.services;
  assert.ok(renderEach);
  t.ctx.services = withoutRenderEach;
  t.ctx.properties = { from: t.ctx.properties['from'], filterCondition: 'false' };
  assert.equal((await filterItemsTask.run(t.ctx)).outputs?.['droppedItemsTotal'], 2500);
  t.ctx.properties = { from: t.ctx.properties['from'], filterCondition: '{{ i > 1 }}' };
  await assert.rejects(
    filterItemsTask.run(t.ctx),
    nonRetryable(/cannot render 'filterCondition' per item.*protocol/),
  );
  await t.cleanup();
});

test('FilterItems refuses bad input: a missing file, a URI outside the storage, a line that is no item, a bad filterType', async () => {
  const t = await itemsContext({ from: MISSING, filterCondition: '{{ a }}' });
  await assert.rejects(
    filterItemsTask.run(t.ctx),
    nonRetryable(/task 'items'.*missing\.ion' does not exist/),
  );
  t.ctx.properties = { from: OUTSIDE, filterCondition: '{{ a }}' };
  await assert.rejects(
    filterItemsTask.run(t.ctx),
    nonRetryable(/internal storage URI 'kestra:\/\/\/\.\.\/\.\.\/etc\/passwd' contains a '\.\.' segment/),
  );
  t.ctx.properties = {
    from: await t.storage.put(scope, 'bad.ion', '{a:1}\nnot json {\n'),
    filterCondition: '{{ a }}',
  };
  await assert.rejects(
    filterItemsTask.run(t.ctx),
    nonRetryable(/line 2 is not an Ion value .*: not json \{/),
  );
  t.ctx.properties = {
    from: await t.storage.put(scope, 'list.ion', '{a:1}\n\n'),
    filterCondition: '{{ a }}',
  };
  await assert.rejects(filterItemsTask.run(t.ctx), nonRetryable(/line 2 is not an Ion value \(no value/));
  t.ctx.properties = { from: await t.storage.put(scope, 'n.ion', '[1,2]\n'), filterCondition: '{{ a }}' };
  await assert.rejects(filterItemsTask.run(t.ctx), nonRetryable(/line 1 is not an item \(an Ion struct/));
  t.ctx.properties = {
    from: await t.storage.put(scope, 'ok.ion', '{a:1}\n'),
    filterCondition: '{{ a }}',
    filterType: 'KEEP',
  };
  await assert.rejects(
    filterItemsTask.run(t.ctx),
    nonRetryable(/'filterType' must be one of INCLUDE, EXCLUDE/),
  );
  await t.cleanup();
});

// ---- DeduplicateItems (Kestra's DeduplicateItemsTest) -----------------------------------------------

test('DeduplicateItems keeps the last item of each key, in file order', async () => {
  const t = await itemsContext({});
  const values = [
    { key: 'k1', value: 'v1' },
    { key: 'k2', value: 'v1' },
    { key: 'k3', value: 'v1' },
    { key: 'k1', value: 'v2' },
    { key: 'k2', value: 'v2' },
    { key: 'k2', value: null },
    { key: 'k3', value: 'v2' },
    { key: 'k1', value: 'v3' },
  ];
  t.ctx.properties = { from: await t.storage.put(scope, 'kv.ion', ionLines(values)), expr: ' {{ key }} ' };
  const { outputs } = await deduplicateItemsTask.run(t.ctx);
  assert.equal(await read(t, outputs?.['uri']), ionLines([values[5]!, values[6]!, values[7]!]));
  assert.match(outputs?.['uri'] as string, /-items\.ion$/);
  assert.deepEqual(
    [outputs?.['numKeys'], outputs?.['droppedItemsTotal'], outputs?.['processedItemsTotal']],
    [3, 5, 8],
  );
  // A key made of several fields.
  const values2 = [
    { key: 'k1', v1: 'k1', v2: 'v1' },
    { key: 'k2', v1: 'k2', v2: 'v1' },
    { key: 'k3', v1: 'k3', v2: 'v1' },
    { key: 'k1', v1: 'k1', v2: 'v2' },
    { key: 'k2', v1: 'k2', v2: null },
    { key: 'k3', v1: 'k3', v2: 'v2' },
    { key: 'k1', v1: 'k1', v2: 'v3' },
  ];
  t.ctx.properties = {
    from: await t.storage.put(scope, 'kv2.ion', ionLines(values2)),
    expr: ' {{ key }}-{{ v1 }}',
  };
  const second = (await deduplicateItemsTask.run(t.ctx)).outputs;
  assert.equal(await read(t, second?.['uri']), ionLines([values2[4]!, values2[5]!, values2[6]!]));
  assert.deepEqual(
    [second?.['numKeys'], second?.['droppedItemsTotal'], second?.['processedItemsTotal']],
    [3, 4, 7],
  );
  await t.cleanup();
});

test('DeduplicateItems: ids too large for a number stay distinct keys', async () => {
  const t = await itemsContext({});
  t.ctx.properties = {
    from: await t.storage.put(scope, 'ids.ion', '{id:12345678901234567890}\n{id:12345678901234567891}\n'),
    expr: '{{ id }}',
  };
  assert.equal((await deduplicateItemsTask.run(t.ctx)).outputs?.['numKeys'], 2);
  await t.cleanup();
});

test('DeduplicateItems refuses bad input: a key that cannot be rendered (naming the item), a missing file, a URI outside', async () => {
  const t = await itemsContext({});
  t.ctx.properties = {
    from: await t.storage.put(scope, 'kv.ion', '{email:"a@x"}\n{name:"b"}\n'),
    expr: '{{ email }}',
  };
  await assert.rejects(
    deduplicateItemsTask.run(t.ctx),
    nonRetryable(
      /task 'items' \(DeduplicateItems\): cannot render 'expr' on item 2 \(\{name:"b"\}\): .*'email' is not defined/,
    ),
  );
  t.ctx.properties = { from: MISSING, expr: '{{ email }}' };
  await assert.rejects(deduplicateItemsTask.run(t.ctx), nonRetryable(/missing\.ion' does not exist/));
  t.ctx.properties = { from: OUTSIDE, expr: '{{ email }}' };
  await assert.rejects(
    deduplicateItemsTask.run(t.ctx),
    nonRetryable(/internal storage URI 'kestra:\/\/\/\.\.\/\.\.\/etc\/passwd' contains a '\.\.' segment/),
  );
  t.ctx.properties = { from: OUTSIDE };
  await assert.rejects(deduplicateItemsTask.run(t.ctx), nonRetryable(/property 'expr' is required/));
  await t.cleanup();
});

// ---- PurgeCurrentExecutionFiles ---------------------------------------------------------------------

test('PurgeCurrentExecutionFiles deletes every file of the current execution and outputs their URIs', async () => {
  const t = await testContext({});
  const input = await t.storage.put(scope, 'orders.csv', 'a,b');
  const output = await t.storage.put({ ...scope, taskId: 'write', taskRunId: 'r1' }, 'out.ion', '{}');
  const other = await t.storage.put({ ...scope, executionId: 'exec2' }, 'keep.txt', 'x');
  const tasks = localTasks({ deps: { storage: t.storage } } as unknown as ExecutionControl);
  const purge = tasks.get('io.kestra.plugin.core.storage.PurgeCurrentExecutionFiles')!;
  const execution = { id: 'exec1', namespace: 'company.team', flowId: 'demo' };
  const ctx = { execution, run: { taskId: 'purge' } } as unknown as Parameters<typeof purge>[1];
  const result = await purge({}, ctx);
  assert.equal(result.state, 'SUCCESS');
  assert.deepEqual(result.outputs, { uris: [input, output].sort() });
  assert.equal(await t.storage.exists(input), false);
  assert.equal(await t.storage.exists(output), false);
  assert.equal(await t.storage.exists(other), true);
  // No file (any more): nothing deleted, not a failure.
  assert.deepEqual((await purge({ includeChildExecutions: true }, ctx)).outputs, { uris: [] });
  await t.cleanup();
});

test('the four tasks and their old names are known to the schema and to a runner', () => {
  for (const [alias, type] of [
    ['io.kestra.core.tasks.storages.Reverse', 'io.kestra.plugin.core.storage.Reverse'],
    ['io.kestra.core.tasks.storages.FilterItems', 'io.kestra.plugin.core.storage.FilterItems'],
    ['io.kestra.core.tasks.storages.DeduplicateItems', 'io.kestra.plugin.core.storage.DeduplicateItems'],
    [
      'io.kestra.core.tasks.storages.PurgeExecution',
      'io.kestra.plugin.core.storage.PurgeCurrentExecutionFiles',
    ],
    [
      'io.kestra.plugin.core.storage.PurgeExecution',
      'io.kestra.plugin.core.storage.PurgeCurrentExecutionFiles',
    ],
  ] as const) {
    assert.equal(defaultRegistry.get(alias)?.type, type);
  }
  assert.equal(findTask('io.kestra.core.tasks.storages.FilterItems'), filterItemsTask);
  assert.deepEqual(defaultRegistry.get('io.kestra.plugin.core.storage.FilterItems')?.renderedByTask, [
    'filterCondition',
  ]);
});

// ---- Ion ----------------------------------------------------------------------------------------------

test('Ion lines: structs, symbols, annotations, numbers, timestamps, strings; errors say where', () => {
  assert.deepEqual(
    parseIonValue(
      `{'order id':"x", t:2024-01-01T00:00:00Z, d:1.5d0, f:2.5e0, s:sym, n:null.int, an:a::b::5, blob:{{aGVsbG8=}}, clob:{{"hi"}}, sx:(a + 1), h:0x1F, ls:'''a''' '''b''', e:"\\u00e9\\n"} /* c */`,
    ),
    {
      'order id': 'x',
      t: '2024-01-01T00:00:00Z',
      d: 1.5,
      f: 2.5,
      s: 'sym',
      n: null,
      an: 5,
      blob: 'aGVsbG8=',
      clob: 'hi',
      sx: ['a', '+', 1],
      h: 31,
      ls: 'ab',
      e: 'é\n',
    },
  );
  assert.deepEqual(parseIonValue('{"a": [1, 2.5, 1e3, null, true], "b": {"c": false}}'), {
    a: [1, 2.5, 1000, null, true],
    b: { c: false },
  });
  assert.equal(Object.getPrototypeOf(parseIonValue('{"__proto__": {"x": 1}}')), Object.prototype);
  assert.throws(() => parseIonValue('{a:1} {b:2}'), /more than one value .* at column 7/);
  assert.throws(() => parseIonValue('{a:"x}'), /unterminated string/);
  assert.throws(() => parseIonValue('{a 1}'), /expected ':' at column 4/);
});
