/**
 * Kestra expression forms added for compatibility, with the semantics of Kestra's own classes
 * (kestra-io/kestra core/src/main/java/io/kestra/core/runners/pebble/): the `jq` filter (JqFilter:
 * always a list, string input read as JSON, null stays null), `className` (ClassNameFilter),
 * the `isIn` operator (InExpression; docs: expressions, "isIn"), `currentEachOutput()`
 * (CurrentEachOutputFunction) and `tasksWithState()` (TasksWithStateFunction).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkTemplate, evaluate, render } from '../../../../flows-schema/src/expressions/index.ts';

const ctx = {
  execution: { state: 'KILLED' },
  outputs: {
    api: { body: '{"items":[{"id":1,"tags":["a"]},{"id":2,"tags":["b","c"]}]}' },
    data: {
      value: {
        users: [
          { name: 'ada', age: 36 },
          { name: 'bob', age: 17 },
        ],
      },
    },
  },
  inputs: { nothing: null, n: 3, f: 1.5, big: 2 ** 40 },
};

describe('jq', () => {
  const cases: Array<[string, unknown]> = [
    ["outputs.data.value | jq('.users[].name')", ['ada', 'bob']],
    ["outputs.data.value | jq('.users | length') | first", 2],
    ["outputs.data.value | jq('[.users[] | select(.age >= 18) | .name]') | first", ['ada']],
    // A string is read as JSON, as Kestra's JqFilter does.
    ["outputs.api.body | jq('.items[].id')", [1, 2]],
    ["outputs.api.body | jq('.items[1].tags') | first", ['b', 'c']],
    ["outputs.data.value | jq('.missing')", [null]],
    ["outputs.data.value | jq('empty')", []],
    ["inputs.nothing | jq('.a')", null],
    ["outputs.data.value | jq(expression='.users[0].age')", [36]],
  ];
  for (const [expression, expected] of cases) {
    it(`${expression} → ${JSON.stringify(expected)}`, async () => {
      assert.deepEqual(await evaluate(expression, ctx), expected);
    });
  }

  it('renders inside a template, and multiline string results keep their text', async () => {
    assert.equal(await render("{{ outputs.data.value | jq('.users[0].name') | first }}", ctx), 'ada');
    assert.equal(await render("{{ multiline | jq('.t') | first }}", { multiline: { t: 'a\nb' } }), 'a\nb');
  });

  it('a jq syntax error names the query', async () => {
    await assert.rejects(
      evaluate("outputs.data.value | jq('.users[')", ctx),
      /jq\('\.users\['\): .*syntax error/,
    );
    assert.equal(process.exitCode, undefined, "jq's exit status does not leak into the process's");
  });

  it('a string that is not JSON is refused with what to do', async () => {
    await assert.rejects(evaluate("'plain' | jq('.')", ctx), /the input text is not JSON/);
  });

  it('is a known filter for validation, and needs its expression', () => {
    assert.deepEqual(checkTemplate("{{ x | jq('.a') }}"), []);
    assert.match(
      checkTemplate('{{ x | jq }}')[0]?.message ?? '',
      /filter 'jq' needs 1 argument \(expression\)/,
    );
  });
});

describe('className', () => {
  const cases: Array<[string, unknown]> = [
    ["'a' | className", 'java.lang.String'],
    ['inputs.n | className', 'java.lang.Integer'],
    ['inputs.big | className', 'java.lang.Long'],
    ['inputs.f | className', 'java.lang.Double'],
    ['true | className', 'java.lang.Boolean'],
    ['[1] | className', 'java.util.ArrayList'],
    ['{"a": 1} | className', 'java.util.LinkedHashMap'],
    ['inputs.nothing | className', null],
  ];
  for (const [expression, expected] of cases) {
    it(`${expression} → ${JSON.stringify(expected)}`, async () => {
      assert.equal(await evaluate(expression, ctx), expected);
    });
  }
});

describe('isIn', () => {
  const cases: Array<[string, boolean]> = [
    // The docs' example.
    ["execution.state isIn ['SUCCESS', 'KILLED', 'CANCELLED']", true],
    ["execution.state isIn ['SUCCESS']", false],
    // Compared as text, as InExpression does.
    ["3 isIn ['1', '3']", true],
    ["'3' isIn [1, 3]", true],
    // A map matches by key or by value.
    ["'k' isIn {'k': 'v'}", true],
    ["'v' isIn {'k': 'v'}", true],
    ["'x' isIn {'k': 'v'}", false],
    // Null on either side is false.
    ['inputs.nothing isIn [null]', false],
    ["'a' isIn inputs.nothing", false],
    ["not (execution.state isIn ['SUCCESS'])", true],
    ["execution.state isIn ['KILLED'] and true", true],
  ];
  for (const [expression, expected] of cases) {
    it(`${expression} → ${expected}`, async () => {
      assert.equal(await evaluate(expression, ctx), expected);
    });
  }

  it('works in a runIf-like condition template', async () => {
    assert.equal(await render("{{ execution.state isIn ['KILLED', 'FAILED'] }}", ctx), 'true');
  });
});

describe('currentEachOutput', () => {
  const outputs = {
    inner: { a: { value: 'out-a' }, b: { value: 'out-b' } },
    nested: { x: { '1': { value: 'x1' }, '2': { value: 'x2' } } },
  };

  it('reads the outputs of the current iteration', async () => {
    const each = { outputs, taskrun: { value: 'b' }, parents: [{ taskrun: { value: null } }] };
    assert.deepEqual(await evaluate('currentEachOutput(outputs.inner)', each), { value: 'out-b' });
    assert.equal(await evaluate('currentEachOutput(outputs.inner).value', each), 'out-b');
  });

  it('walks nested ForEach values outermost first', async () => {
    const nested = { outputs, taskrun: { value: '2' }, parents: [{ taskrun: { value: 'x' } }] };
    assert.equal(await evaluate('currentEachOutput(outputs.nested).value', nested), 'x2');
  });

  it('outside a ForEach, says where it is read', async () => {
    await assert.rejects(
      evaluate('currentEachOutput(outputs.inner)', { outputs, taskrun: { value: null } }),
      /read inside a ForEach/,
    );
    await assert.rejects(evaluate("currentEachOutput('x')", { outputs }), /needs a task's outputs map/);
  });
});

describe('tasksWithState', () => {
  const tasks = {
    ok: { state: 'SUCCESS' },
    broken: { state: 'FAILED' },
    each: { a: { state: 'FAILED' }, b: { state: 'SUCCESS' } },
  };

  it('lists the task runs in a state, any case, with the iteration value', async () => {
    assert.deepEqual(await evaluate("tasksWithState('failed')", { tasks }), [
      { taskId: 'broken', state: 'FAILED' },
      { taskId: 'each', state: 'FAILED', value: 'a' },
    ]);
    assert.deepEqual(await evaluate("tasksWithState('SUCCESS') | length", { tasks }), 2);
    assert.deepEqual(await evaluate("tasksWithState('KILLED')", { tasks }), []);
  });
});
