/**
 * The public API: context variables, printing, caching, renderDeep, evaluate, renderCondition.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ExpressionError,
  evaluate,
  isTemplate,
  render,
  renderCondition,
  renderDeep,
} from '../../../../flows-schema/src/expressions/index.ts';
import { kestraContext } from './fixture.ts';

const ctx = kestraContext();

describe('render: Kestra context variables', () => {
  const cases: Array<[string, string]> = [
    ['{{ flow.id }}', 'hello-world'],
    ['{{ flow.namespace }}', 'company.team'],
    ['{{ execution.id }}', 'exec-42'],
    ['{{ execution.state }}', 'RUNNING'],
    ['{{ inputs.x }}', 'hello'],
    ['{{ outputs.t.value }}', 'from-t'],
    ["{{ outputs.t['value'] }}", 'from-t'],
    ['{{ outputs.t["value"] }}', 'from-t'],
    ["{{ outputs.child['a'].value }}", 'child-a'],
    ['{{ outputs.child[taskrun.value].value }}', 'child-a'],
    ["{{ outputs['my-task'].value }}", 'dashed'],
    ['{{ vars.x }}', 'var-x'],
    ['{{ labels.x }}', 'label-x'],
    ['{{ trigger.executionId }}', 'trigger-exec'],
    ['{{ taskrun.value }}', 'a'],
    ['{{ parent.taskrun.value }}', 'parent-value'],
    ['{{ tasks.some_task.state }}', 'SUCCESS'],
    ['{{ kestra.environment }}', 'dev'],
    ['{{ kestra.url }}', 'http://localhost:8080'],
  ];
  for (const [template, expected] of cases) {
    it(`${template} → ${expected}`, async () => {
      assert.equal(await render(template, ctx), expected);
    });
  }

  it('mixes text and several expressions', async () => {
    assert.equal(
      await render('Flow {{ flow.namespace }}.{{ flow.id }} run {{ execution.id }}', ctx),
      'Flow company.team.hello-world run exec-42',
    );
  });
});

describe('render: how values print', () => {
  it('prints numbers, booleans and null', async () => {
    assert.equal(
      await render('{{ inputs.n }}|{{ 2.5 }}|{{ inputs.flag }}|{{ inputs.nothing }}|', ctx),
      '2|2.5|true||',
    );
  });

  it('prints maps and lists as JSON, as Kestra does', async () => {
    assert.equal(await render('{{ inputs.list }}', ctx), '[3,1,2]');
    assert.equal(await render('{{ outputs.child.a }}', ctx), '{"value":"child-a"}');
    assert.equal(await render("{{ {'a': {'b': 1}} }}", ctx), '{"a":{"b":1}}');
  });

  it('prints dates as ISO-8601', async () => {
    assert.equal(
      await render('{{ d }}', { d: new Date('2024-01-15T10:30:00Z') }),
      '2024-01-15T10:30:00.000Z',
    );
  });
});

describe('render: fast path and caching', () => {
  it('isTemplate detects {{ and {%', () => {
    assert.equal(isTemplate('plain text'), false);
    assert.equal(isTemplate('a {{ b }}'), true);
    assert.equal(isTemplate('{% if a %}{% endif %}'), true);
    assert.equal(isTemplate('{ not } { a template }'), false);
  });

  it('returns strings without expressions unchanged, even with odd braces', async () => {
    const text = 'echo $' + '{#array[@]} {"json": true} { }';
    assert.equal(await render(text, {}), text);
  });

  it('keeps an unclosed {# (shell array length) as text next to expressions', async () => {
    assert.equal(await render('n=$' + '{#list[@]} {{ x }}', { x: 1 }), 'n=$' + '{#list[@]} 1');
  });

  it('renders the same cached template against different contexts', async () => {
    const template = 'Hi {{ name }}';
    assert.equal(await render(template, { name: 'Ann' }), 'Hi Ann');
    assert.equal(await render(template, { name: 'Bob' }), 'Hi Bob');
  });

  it('does not mutate the context when a template sets variables', async () => {
    const context = { a: 1 };
    assert.equal(await render('{% set a = 2 %}{{ a }}', context), '2');
    assert.deepEqual(context, { a: 1 });
  });
});

describe('renderDeep', () => {
  it('renders strings inside objects and arrays, keys included, and keeps other values', async () => {
    const value = {
      message: '{{ inputs.x }}',
      list: ['{{ flow.id }}', 3, true, null],
      nested: { '{{ labels.team }}': '{{ inputs.n + 1 }}' },
      count: 4,
    };
    assert.deepEqual(await renderDeep(value, ctx), {
      message: 'hello',
      list: ['hello-world', 3, true, null],
      nested: { data: '3' },
      count: 4,
    });
    assert.equal(value.message, '{{ inputs.x }}', 'the input is not modified');
  });

  it('returns containers without templates as they are', async () => {
    const value = { a: [1, 'x'], b: { c: 'plain' } };
    assert.equal(await renderDeep(value, ctx), value);
  });
});

describe('evaluate', () => {
  it('returns typed values', async () => {
    assert.equal(await evaluate('inputs.n + 1', ctx), 3);
    assert.equal(await evaluate('inputs.flag and inputs.n > 1', ctx), true);
    assert.deepEqual(await evaluate('inputs.list | sort', ctx), [1, 2, 3]);
    assert.deepEqual(await evaluate('outputs.child.a', ctx), { value: 'child-a' });
  });

  it('accepts an expression wrapped in {{ }}', async () => {
    assert.equal(await evaluate('{{ inputs.n * 10 }}', ctx), 20);
  });

  it('fails with an ExpressionError naming the undefined variable', async () => {
    await assert.rejects(evaluate('inputs.nope', ctx), (error: unknown) => {
      assert.ok(error instanceof ExpressionError);
      assert.equal(error.message, `Unable to evaluate "inputs.nope": variable 'inputs.nope' is not defined`);
      assert.equal(error.expression, 'inputs.nope');
      return true;
    });
  });
});

describe('renderCondition', () => {
  const cases: Array<[string, boolean]> = [
    ['{{ inputs.flag }}', true],
    ['{{ inputs.n > 5 }}', false],
    ['true', true],
    ['TRUE', true],
    ['false', false],
    ['False', false],
    ['0', false],
    ['-0', false],
    ['', false],
    ['  ', false],
    ['{{ inputs.empty }}', false],
    ['{{ inputs.nothing }}', false],
    ['yes', true],
    ['{{ inputs.n }}', true],
  ];
  for (const [template, expected] of cases) {
    it(`${JSON.stringify(template)} → ${expected}`, async () => {
      assert.equal(await renderCondition(template, ctx), expected);
    });
  }
});
