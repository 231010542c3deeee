/**
 * Kestra's JSON mapper reads `key: null` as an absent optional property, so `defaults: null`,
 * `description: null`, `retry: null`... validate; a null required property is reported as missing.
 * Scalars where text is expected are read as text (`message: 42`), as Jackson coerces them.
 * (The broad case is test/fixtures/flows/valid/nulls.yaml, checked by valid-flows.test.ts.)
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { validateFlowSource } from '../../../flows-schema/src/validate/validate-flow.ts';

const flow = (task: string) =>
  `id: n\nnamespace: company.team\ntasks:\n  - id: t\n    type: io.kestra.plugin.core.log.Log\n${task}`;

test('a null optional property is absent in the flow read', () => {
  const result = validateFlowSource(flow('    message: hi\n    timeout: null\n    retry: null\n'));
  assert.deepEqual(result.issues, []);
  const task = result.flow?.tasks[0] as Record<string, unknown>;
  assert.equal('timeout' in task, false);
  assert.equal('retry' in task, false);
});

test('a null required property is reported as missing, at the null', () => {
  const result = validateFlowSource(flow('    message: null\n'));
  assert.equal(result.flow, undefined);
  assert.deepEqual(
    result.issues.map((i) => [i.code, i.range.start.line, i.range.start.col, i.message]),
    [['missing-property', 6, 14, "task 't': missing required property 'message': it is null here"]],
  );
});

test('a wrong value next to a null is still reported', () => {
  const result = validateFlowSource(flow('    message: hi\n    timeout: null\n    allowFailure: maybe\n'));
  assert.deepEqual(
    result.issues.map((i) => i.code),
    ['wrong-type'],
  );
});

test('nulls inside data (a list item, a variable) are values, kept as they are', () => {
  const result = validateFlowSource(
    'id: n\nnamespace: company.team\nvariables:\n  a: null\ntasks:\n  - id: t\n    type: io.kestra.plugin.core.flow.ForEach\n    values: [1, null]\n    tasks:\n      - id: l\n        type: io.kestra.plugin.core.log.Log\n        message: x\n',
  );
  assert.deepEqual(result.issues, []);
  assert.deepEqual(result.flow?.variables, { a: null });
});

test('a number or boolean where text is expected is read as text, as Jackson coerces scalars', () => {
  const result = validateFlowSource(
    flow('    message: true\n  - id: r\n    type: io.kestra.plugin.core.debug.Return\n    format: 42\n'),
  );
  assert.deepEqual(result.issues, []);
  const [log, ret] = (result.flow?.tasks ?? []) as Array<Record<string, unknown>>;
  assert.equal(log?.['message'], 'true');
  assert.equal(ret?.['format'], '42');
});

test('text is not turned into a number or boolean: a wrong boolean is still reported', () => {
  const result = validateFlowSource(flow('    message: x\n    allowFailure: maybe\n'));
  assert.deepEqual(
    result.issues.map((i) => i.code),
    ['wrong-type'],
  );
});
