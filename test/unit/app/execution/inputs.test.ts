/** Inputs parsed and validated per type; a refused start creates nothing and names the input. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InputsRefused } from '../../../../app/src/execution/contract.ts';
import { parseInputs } from '../../../../app/src/execution/inputs/parse-inputs.ts';
import type { Input } from '../../../../flows-schema/src/schema/inputs.ts';
import { harness, parseFlow } from './harness.ts';

const defs = (list: object[]) => list as Input[];

test('each type parses its raw form into a typed value', async () => {
  const r = await parseInputs(
    defs([
      { id: 's', type: 'STRING' },
      { id: 'i', type: 'INT' },
      { id: 'f', type: 'FLOAT' },
      { id: 'b', type: 'BOOLEAN' },
      { id: 'dt', type: 'DATETIME' },
      { id: 'd', type: 'DATE' },
      { id: 'du', type: 'DURATION' },
      { id: 'j', type: 'JSON' },
      { id: 'y', type: 'YAML' },
      { id: 'sel', type: 'SELECT', values: ['a', 'b'] },
      { id: 'ms', type: 'MULTISELECT', values: ['a', 'b', 'c'] },
      { id: 'arr', type: 'ARRAY', itemType: 'INT' },
      { id: 'e', type: 'EMAIL' },
      { id: 'u', type: 'URI' },
    ]),
    {
      s: 'x',
      i: '42',
      f: '1.5',
      b: 'TRUE',
      dt: '2025-01-31T10:00:00+01:00',
      d: '2025-01-31',
      du: 'PT5M',
      j: '{"k":[1]}',
      y: 'k: v',
      sel: 'b',
      ms: '["a","c"]',
      arr: '[1,2]',
      e: 'a@b.io',
      u: 'https://x.io/a',
    },
  );
  assert.deepEqual(r.problems, []);
  assert.deepEqual(r.values, {
    s: 'x',
    i: 42,
    f: 1.5,
    b: true,
    dt: '2025-01-31T09:00:00.000Z',
    d: '2025-01-31',
    du: 'PT5M',
    j: { k: [1] },
    y: { k: 'v' },
    sel: 'b',
    ms: ['a', 'c'],
    arr: [1, 2],
    e: 'a@b.io',
    u: 'https://x.io/a',
  });
});

test('defaults fill missing inputs; optional missing inputs are null', async () => {
  const r = await parseInputs(
    defs([
      { id: 'a', type: 'INT', defaults: 7 },
      { id: 'b', type: 'STRING', required: false },
    ]),
    {},
  );
  assert.deepEqual(r, { values: { a: 7, b: null }, problems: [] });
});

test('constraints are checked and every problem names its input', async () => {
  const r = await parseInputs(
    defs([
      { id: 'count', type: 'INT', min: 1, max: 10 },
      { id: 'code', type: 'STRING', validator: '[A-Z]{3}' },
      { id: 'color', type: 'ENUM', values: ['red', 'blue'] },
      { id: 'needed', type: 'STRING' },
      { id: 'flag', type: 'BOOLEAN' },
    ]),
    { count: '11', code: 'abcd', color: 'green', flag: 'maybe' },
  );
  assert.deepEqual(
    r.problems.map((p) => p.input),
    ['count', 'code', 'color', 'needed', 'flag'],
  );
  assert.match(r.problems[0]!.message, /at most 10/);
  assert.match(r.problems[3]!.message, /required/);
});

test('an invalid input refuses the start: no execution is created, the message names the input', async () => {
  const h = harness();
  const flow = parseFlow(`
id: typed
namespace: company.team
inputs:
  - { id: count, type: INT }
tasks:
  - { id: t, type: io.kestra.plugin.core.log.Log, message: "{{ inputs.count }}" }
`);
  await assert.rejects(h.service.start({ flow, inputs: { count: 'abc' } }), (e: unknown) => {
    assert.ok(e instanceof InputsRefused);
    assert.match(e.message, /input 'count': \(INT\) must be an integer/);
    return true;
  });
  assert.equal(h.runner.jobs.length, 0);
  assert.equal(await h.service.get('id0001'), undefined);
});

test('the conditional_branching seed: a BOOLEAN input with a default drives runIf', async () => {
  const h = harness();
  const yaml = `
id: conditional_branching
namespace: company.team
inputs:
  - id: run_task
    type: BOOLEAN
    defaults: true
tasks:
  - id: run_if_true
    type: io.kestra.plugin.core.log.Log
    message: Hello World!
    runIf: "{{ inputs.run_task }}"
`;
  const ran = await h.run(yaml);
  assert.equal(ran.taskRunList[0]?.state.current, 'SUCCESS');
  assert.deepEqual(await h.messages(ran.id), ['Hello World!']);
  const skipped = await h.run(yaml, { run_task: 'false' });
  assert.equal(skipped.taskRunList[0]?.state.current, 'SKIPPED');
  assert.equal(skipped.state.current, 'SUCCESS');
});
