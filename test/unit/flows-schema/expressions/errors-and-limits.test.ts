/**
 * Undefined-variable failures, the sandbox and the output and loop limits.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ExpressionError, evaluate, render } from '../../../../flows-schema/src/expressions/index.ts';
import { kestraContext } from './fixture.ts';

const ctx = kestraContext();

async function failure(template: string, context: Record<string, unknown> = ctx): Promise<ExpressionError> {
  try {
    await render(template, context);
  } catch (error) {
    assert.ok(error instanceof ExpressionError, `expected an ExpressionError, got ${String(error)}`);
    return error;
  }
  assert.fail(`expected ${template} to fail`);
}

describe('undefined variables fail the render', () => {
  it('names the missing path as far as it resolved', async () => {
    const error = await failure('{{ outputs.nope.value }}');
    assert.equal(
      error.message,
      `Unable to render "{{ outputs.nope.value }}": variable 'outputs.nope' is not defined`,
    );
    assert.equal(error.expression, '{{ outputs.nope.value }}');
    assert.equal(error.template, '{{ outputs.nope.value }}');
    assert.equal(error.offset, 0);
  });

  it('names a missing root variable', async () => {
    assert.match((await failure('{{ nope }}')).message, /variable 'nope' is not defined/);
  });

  it('names the failing block inside a longer template, with its position', async () => {
    const error = await failure('line 1 {{ flow.id }}\nline 2 {{ inputs.x }} {{ inputs.typo }}');
    assert.equal(
      error.message,
      `Unable to render "{{ inputs.typo }}": variable 'inputs.typo' is not defined (line 2, column 23)`,
    );
    assert.equal(error.expression, '{{ inputs.typo }}');
    assert.equal(error.offset, 43);
  });

  it('a member of null is undefined', async () => {
    assert.match(
      (await failure('{{ inputs.nothing.field }}')).message,
      /variable 'inputs.nothing.field' is not defined/,
    );
  });

  it('shows resolved keys of brackets and list positions', async () => {
    assert.match(
      (await failure('{{ outputs.child[taskrun.id].value }}')).message,
      /variable 'outputs.child\["tr-1"\]' is not defined/,
    );
    assert.match(
      (await failure('{{ inputs.list[10] }}')).message,
      /variable 'inputs.list\[10\]' is not defined/,
    );
  });

  it('fails in tag conditions, loop collections and set values too', async () => {
    assert.match(
      (await failure('{% if nope %}x{% endif %}')).message,
      /^Unable to render "\{% if nope %\}": variable 'nope'/,
    );
    assert.match(
      (await failure('{% for x in outputs.nope %}{% endfor %}')).message,
      /variable 'outputs.nope' is not defined/,
    );
    assert.match(
      (await failure('{% set y = inputs.nope %}')).message,
      /variable 'inputs.nope' is not defined/,
    );
  });

  it('explains task ids with dashes', async () => {
    assert.match(
      (await failure('{{ outputs.my-task.value }}')).message,
      /variable 'outputs.my' is not defined \('outputs.my-task.value' is read as a subtraction; for a name containing '-', write it in brackets/,
    );
  });

  it('default, ??, ??? and is defined do not fail', async () => {
    assert.equal(
      await render(
        "{{ outputs.nope.value | default('d') }} {{ outputs.nope.value ?? 'c' }} {{ nope ??? 'u' }} {{ nope is defined }}",
        ctx,
      ),
      'd c u false',
    );
  });

  it('null values print as empty text', async () => {
    assert.equal(await render('[{{ inputs.nothing }}]', ctx), '[]');
  });
});

describe('sandbox: only data is reachable', () => {
  const sandbox = { a: {}, list: [1], text: 'x', fn: () => 'called' };

  it('constructor and prototype are never reachable', async () => {
    for (const template of [
      '{{ a.constructor }}',
      "{{ ''.__proto__ }}",
      "{{ a['constructor']['constructor'] }}",
      '{{ a.__proto__ }}',
      '{{ list.constructor }}',
      '{{ text.constructor }}',
      "{{ a['toString'] }}",
      '{{ a.hasOwnProperty }}',
      '{{ fn }}',
    ]) {
      const error = await failure(template, sandbox);
      assert.match(error.message, /is not defined/, template);
      assert.doesNotMatch(error.message, /function|native code/i, template);
    }
  });

  it('escape attempts with default or ?? yield the fallback, not internals', async () => {
    assert.equal(await render("{{ a.constructor | default('blocked') }}", sandbox), 'blocked');
    assert.equal(await render("{{ a['constructor']['constructor'] ?? 'blocked' }}", sandbox), 'blocked');
    const viaLiquid = await render("{{ [a] | map: 'constructor' | first }}", sandbox);
    assert.doesNotMatch(viaLiquid, /function|Object/);
  });

  it('map literals and set cannot pollute prototypes', async () => {
    const out = await render(
      "{% set p = {'__proto__': {'polluted': 1}} %}{{ p | json }}{{ {}.polluted ?? '-clean' }}",
      {},
    );
    assert.equal(out, '{"__proto__":{"polluted":1}}-clean');
    assert.equal((Object.prototype as Record<string, unknown>)['polluted'], undefined);
    assert.equal(await render('{% set __proto__ = 1 %}{{ __proto__ }}', {}), '1');
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
  });

  it('objects that are not plain data are opaque', async () => {
    await assert.rejects(evaluate('m.size', { m: new Map([['a', 1]]) }), /variable 'm.size' is not defined/);
  });
});

describe('limits', () => {
  it('loop iterations are bounded (default 100 000, nested loops included)', async () => {
    const twenty = { list: Array.from({ length: 20 }, (_, i) => i) };
    await assert.rejects(
      render('{% for i in list %}{% endfor %}', twenty, { maxIterations: 10 }),
      /more than 10 loop iterations/,
    );
    await assert.rejects(
      render('{% for i in range(1, 400) %}{% for j in range(1, 400) %}{% endfor %}{% endfor %}', {}),
      /more than 100000 loop iterations: shorten the loop or raise maxIterations/,
    );
    assert.equal(await render('{% for i in range(1, 10) %}{% endfor %}ok', {}, { maxIterations: 10 }), 'ok');
  });

  it('ranges are bounded by maxIterations', async () => {
    await assert.rejects(
      evaluate('range(1, 1000)', {}, { maxIterations: 100 }),
      /range of 1000 numbers exceeds the limit of 100/,
    );
    await assert.rejects(evaluate('1..1000', {}, { maxIterations: 100 }), /exceeds the limit/);
  });

  it('the output size is bounded in bytes (default 10 MB)', async () => {
    await assert.rejects(
      render('{% for i in range(1, 200) %}0123456789{% endfor %}', {}, { maxOutputBytes: 1000 }),
      /the output exceeds the limit of 1000 bytes: reduce it or raise maxOutputBytes/,
    );
    await assert.rejects(
      render('{{ t }}', { t: 'é'.repeat(600) }, { maxOutputBytes: 1000 }),
      /exceeds the limit of 1000 bytes/,
    );
    assert.equal((await render('{{ t }}', { t: 'é'.repeat(400) }, { maxOutputBytes: 1000 })).length, 400);
  });

  it('strings built by expressions are bounded, even when not printed', async () => {
    await assert.rejects(
      render("{% set s = 'x' %}{% for i in range(1, 40) %}{% set s = s ~ s %}{% endfor %}", {}),
      /exceeds the output limit of 10485760 bytes/,
    );
  });

  it('captures are bounded', async () => {
    await assert.rejects(
      render(
        '{% capture c %}{% for i in range(1, 500) %}xxxxx{% endfor %}{% endcapture %}',
        {},
        { maxOutputBytes: 1000 },
      ),
      /exceeds the limit of 1000 bytes/,
    );
  });
});
