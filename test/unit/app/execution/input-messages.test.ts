/**
 * A refused input says which bound it broke and what it was given, as Kestra's do
 * ("it must match the pattern `A\d+`", "it must be more than '10'"): min/max, minLength/maxLength,
 * validator, after/before, the allowed values. A SECRET's value is never repeated.
 * Bounds from kestra-io/kestra core/src/test/resources/flows/valids/inputs.yaml.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InputsRefused } from '../../../../app/src/execution/contract.ts';
import { parseInputs } from '../../../../app/src/execution/inputs/parse-inputs.ts';
import type { Input } from '../../../../flows-schema/src/schema/inputs.ts';
import { harness } from './harness.ts';

async function refusal(def: object, raw: unknown): Promise<string> {
  const r = await parseInputs([{ id: 'x', ...def } as Input], { x: raw });
  assert.equal(r.problems.length, 1, `expected a refusal of ${JSON.stringify(raw)}`);
  return r.problems[0]!.message;
}

const cases: Array<[string, object, unknown, string]> = [
  ['INT min', { type: 'INT', min: 10, max: 20 }, '9', '(INT) must be at least 10 (min), got 9'],
  ['INT max', { type: 'INT', min: 10, max: 20 }, 21, '(INT) must be at most 20 (max), got 21'],
  [
    'FLOAT min',
    { type: 'FLOAT', min: 0.1, max: 0.5 },
    '0.05',
    '(FLOAT) must be at least 0.1 (min), got 0.05',
  ],
  ['FLOAT max', { type: 'FLOAT', min: 0.1, max: 0.5 }, 0.6, '(FLOAT) must be at most 0.5 (max), got 0.6'],
  [
    'DURATION min',
    { type: 'DURATION', min: 'PT10S', max: 'PT20S' },
    'PT5S',
    '(DURATION) must be at least PT10S (min), got PT5S',
  ],
  [
    'DURATION max',
    { type: 'DURATION', min: 'PT10S', max: 'PT20S' },
    'PT1M',
    '(DURATION) must be at most PT20S (max), got PT1M',
  ],
  [
    'STRING validator',
    { type: 'STRING', validator: 'A\\d+' },
    'B12',
    "(STRING) must match the pattern A\\d+ (validator), got 'B12'",
  ],
  [
    'STRING minLength',
    { type: 'STRING', minLength: 3 },
    'ab',
    '(STRING) must be at least 3 characters long (minLength), got 2',
  ],
  [
    'STRING maxLength',
    { type: 'STRING', maxLength: 3 },
    'abcd',
    '(STRING) must be at most 3 characters long (maxLength), got 4',
  ],
  [
    'DATE after',
    { type: 'DATE', after: '2023-01-01', before: '2023-12-31' },
    '2022-06-01',
    '(DATE) must be after 2023-01-01 (after), got 2022-06-01',
  ],
  [
    'DATE before',
    { type: 'DATE', after: '2023-01-01', before: '2023-12-31' },
    '2024-06-01',
    '(DATE) must be before 2023-12-31 (before), got 2024-06-01',
  ],
  [
    'TIME after',
    { type: 'TIME', after: '01:00:00', before: '11:59:59' },
    '00:30:00',
    '(TIME) must be after 01:00:00 (after), got 00:30:00',
  ],
  [
    'SELECT values',
    { type: 'SELECT', values: ['a', 'b'] },
    'c',
    "(SELECT) must be one of the allowed values a, b, got 'c'",
  ],
  [
    'MULTISELECT values',
    { type: 'MULTISELECT', values: ['a', 'b'] },
    ['a', 'z'],
    "(MULTISELECT) must be among the allowed values a, b, got 'z'",
  ],
  [
    'ENUM values',
    { type: 'ENUM', values: ['on', 'off'] },
    'up',
    "(ENUM) must be one of the allowed values on, off, got 'up'",
  ],
  ['ARRAY item', { type: 'ARRAY', itemType: 'INT' }, '[1,"x"]', '(ARRAY) item 1 must be an integer, got "x"'],
];

for (const [name, def, raw, message] of cases) {
  test(`a refusal names the bound: ${name}`, async () => {
    assert.equal(await refusal(def, raw), message);
  });
}

test('a SECRET refused by its validator does not repeat the value', async () => {
  const message = await refusal({ type: 'SECRET', validator: '[a-z]+' }, 'Hunter2-Long');
  assert.equal(message, '(SECRET) must match the pattern [a-z]+ (validator), got a value of 12 characters');
});

test('a refused start names the input and the bound in its error', async () => {
  const h = harness();
  const flow = `id: f\nnamespace: company.team\ninputs:\n  - id: validatedInt\n    type: INT\n    min: 10\n    max: 20\ntasks:\n  - { id: t, type: io.kestra.plugin.core.log.Log, message: "{{ inputs.validatedInt }}" }\n`;
  await assert.rejects(h.run(flow, { validatedInt: '42' }), (e: unknown) => {
    assert.ok(e instanceof InputsRefused);
    assert.equal(e.message, "input 'validatedInt': (INT) must be at most 20 (max), got 42");
    return true;
  });
});
