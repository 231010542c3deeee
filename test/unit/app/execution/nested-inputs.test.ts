/**
 * Kestra's input forms kept for older and newer flows alike: the pre-0.15 `name:` key read as `id:`
 * (docs: migration-guide/0.15.0/inputs-name), and dotted ids as nested inputs
 * (kestra-io/kestra core/src/test/resources/flows/valids/inputs.yaml: `nested.string`, `nested.more.int`).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseInputs } from '../../../../app/src/execution/inputs/parse-inputs.ts';
import type { Input } from '../../../../flows-schema/src/schema/inputs.ts';
import { validateFlowSource } from '../../../../flows-schema/src/validate/validate-flow.ts';
import { harness } from './harness.ts';

const OLD_STYLE = `id: myflow
namespace: company.team
inputs:
  - name: beverage
    type: STRING
    defaults: coffee
  - name: quantity
    type: INT
    defaults: 1
tasks:
  - id: order
    type: io.kestra.plugin.core.debug.Return
    format: "{{ inputs.quantity }} {{ inputs.beverage }}"
`;

test("the deprecated input key 'name' is read as the id, with a warning naming the rename", () => {
  const result = validateFlowSource(OLD_STYLE);
  assert.ok(result.flow, result.issues.map((i) => i.message).join('\n'));
  assert.deepEqual(
    result.flow.inputs?.map((i) => i.id),
    ['beverage', 'quantity'],
  );
  assert.deepEqual(
    result.issues.map((i) => [i.severity, i.code, i.range.start.line, i.range.start.col]),
    [
      ['warning', 'deprecated-input-name', 4, 5],
      ['warning', 'deprecated-input-name', 7, 5],
    ],
  );
  assert.match(result.issues[0]!.message, /rename it to 'id: beverage'/);
});

test("an old-style flow runs: 'name' inputs render as inputs.<name>", async () => {
  const flow = validateFlowSource(OLD_STYLE).flow!;
  const h = harness();
  const doc = await h.run(flow, { quantity: '3' });
  assert.equal(doc.state.current, 'SUCCESS');
  assert.deepEqual(doc.inputs, { beverage: 'coffee', quantity: 3 });
  assert.equal(h.runner.jobsOf('order')[0]?.properties['format'], '3 coffee');
});

test("when both 'id' and 'name' are given, the id wins and 'name' is reported as ignored", () => {
  const text = OLD_STYLE.replace('  - name: beverage', '  - id: drink\n    name: beverage').replace(
    'inputs.beverage',
    'inputs.drink',
  );
  const result = validateFlowSource(text);
  assert.deepEqual(
    result.flow?.inputs?.map((i) => i.id),
    ['drink', 'quantity'],
  );
  assert.match(result.issues[0]!.message, /ignored here, as 'id' is given/);
});

const NESTED = `id: nested
namespace: company.team
inputs:
  - id: users.firstName
    type: STRING
  - id: users.lastName
    type: STRING
    defaults: Doe
  - id: nested.more.int
    type: INT
    required: false
tasks:
  - id: hello
    type: io.kestra.plugin.core.debug.Return
    format: "{{ inputs.users.firstName }} {{ inputs.users.lastName }} {{ inputs.nested.more.int ?? 'none' }}"
`;

test('dotted input ids validate, and inputs.users.firstName is a declared reference', () => {
  const result = validateFlowSource(NESTED);
  assert.deepEqual(result.issues, []);
  assert.ok(result.flow);
});

test('dotted input ids are nested inputs: {{ inputs.users.firstName }}', async () => {
  const h = harness();
  const doc = await h.run(validateFlowSource(NESTED).flow!, { 'users.firstName': 'Ada' });
  assert.equal(doc.state.current, 'SUCCESS');
  assert.deepEqual(doc.inputs, {
    users: { firstName: 'Ada', lastName: 'Doe' },
    nested: { more: { int: null } },
  });
  assert.equal(h.runner.jobsOf('hello')[0]?.properties['format'], 'Ada Doe none');
});

test('a nested input may also be given as a nested map, and is refused by its dotted id', async () => {
  const defs = [
    { id: 'users.age', type: 'INT', min: 18 },
    { id: 'users.name', type: 'STRING' },
  ] as Input[];
  const given = await parseInputs(defs, { users: { age: '20', name: 'Ada' } });
  assert.deepEqual(given, { values: { users: { age: 20, name: 'Ada' } }, problems: [] });
  const refused = await parseInputs(defs, { 'users.age': '3' });
  assert.deepEqual(
    refused.problems.map((p) => p.input),
    ['users.age', 'users.name'],
  );
});

test('a dotted id needs a name in each part', () => {
  for (const id of ['users.', 'users..name', '.users']) {
    const result = validateFlowSource(NESTED.replace('users.firstName\n', `${id}\n`));
    assert.equal(result.flow, undefined, id);
    assert.ok(
      result.issues.some((i) => i.path === 'inputs[0].id'),
      result.issues.map((i) => i.message).join('\n'),
    );
  }
});

test('a nested SECRET input is masked in the document', async () => {
  const h = harness();
  const flow = validateFlowSource(
    NESTED.replace('  - id: users.lastName\n    type: STRING', '  - id: users.password\n    type: SECRET'),
  ).flow!;
  const doc = await h.run(flow, { 'users.firstName': 'Ada', 'users.password': 'hunter2-long' });
  assert.deepEqual((doc.inputs as { users: unknown }).users, { firstName: 'Ada', password: '******' });
});
