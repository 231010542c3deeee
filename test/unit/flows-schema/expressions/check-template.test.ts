/**
 * checkTemplate: problems and their offsets, without rendering.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkTemplate, type ExpressionProblem } from '../../../../flows-schema/src/expressions/index.ts';

/** The problems, each with the text its offset and length point at. */
function check(template: string): Array<ExpressionProblem & { text: string }> {
  return checkTemplate(template).map((p) => ({ ...p, text: template.slice(p.offset, p.offset + p.length) }));
}

describe('checkTemplate', () => {
  it('finds nothing wrong in valid templates, including plain text', () => {
    assert.deepEqual(checkTemplate('no expression here'), []);
    assert.deepEqual(
      checkTemplate(
        "{{ outputs.t['value'] | default('x') }} {% for i in range(1, 3) %}{{ loop.index }}{% else %}-{% endfor %}" +
          "{% if a is defined %}{% elseif b %}{% else %}{% endif %}{% set x = {'a': [1]} %}{% raw %}{{ {% endraw %}{# c #}",
      ),
      [],
    );
  });

  it('reports an unclosed {{ at its opening', () => {
    const [problem, ...rest] = check('Hello {{ inputs.name');
    assert.deepEqual(rest, []);
    assert.equal(problem?.message, "'{{' is not closed: add '}}'");
    assert.equal(problem?.offset, 6);
    assert.equal(problem?.text, '{{');
  });

  it('reports an unclosed {% at its opening', () => {
    const [problem] = check('a {% if x');
    assert.equal(problem?.message, "'{%' is not closed: add '%}'");
    assert.equal(problem?.offset, 2);
  });

  it('reports a bad operator where it is', () => {
    const [problem] = check('{{ a === b }}');
    assert.equal(problem?.message, "unexpected '=' after '==': expected a value");
    assert.equal(problem?.offset, 7);
    assert.equal(problem?.text, '=');
    const [power] = check('x {{ 2 ** 3 }}');
    assert.equal(power?.text, '*');
    assert.equal(power?.offset, 8);
  });

  it('reports a missing operand after an operator', () => {
    const [problem] = check('{{ inputs.n + }}');
    assert.equal(problem?.message, "expected a value after '+'");
    assert.equal(problem?.text, '+');
  });

  it('reports unbalanced parentheses and brackets', () => {
    const [open] = check('{{ (1 + 2 }}');
    assert.match(open?.message ?? '', /^missing '\)' to close this '\('/);
    assert.equal(open?.text, '(');
    const [close] = check('{{ 1 + 2) }}');
    assert.equal(close?.message, "unexpected ')': it has no matching opening bracket");
    assert.equal(close?.text, ')');
    const [bracket] = check("{{ a['b' }}");
    assert.match(bracket?.message ?? '', /^missing '\]' to close this '\['/);
    assert.equal(bracket?.text, '[');
  });

  it('reports an unknown tag on the whole tag', () => {
    const [problem] = check('x {% foo bar %} y');
    assert.match(
      problem?.message ?? '',
      /^unknown tag '\{% foo %\}'; supported tags: if\/elseif\/elsif\/else/,
    );
    assert.equal(problem?.text, '{% foo bar %}');
  });

  it('reports unknown filters and functions on their names', () => {
    const [filter, fn] = check("{{ x | nope }} {{ missing('a') }}");
    assert.equal(filter?.message, "unknown filter 'nope'");
    assert.equal(filter?.text, 'nope');
    assert.match(fn?.message ?? '', /^unknown function 'missing\(\)'/);
    assert.equal(fn?.text, "missing('a')");
  });

  it('reports unclosed blocks and stray end tags', () => {
    const [unclosed] = check('{% if a %}yes');
    assert.equal(unclosed?.message, "'{% if a %}' is not closed: add '{% endif %}'");
    assert.equal(unclosed?.text, '{% if a %}');
    const [stray] = check('a {% endfor %}');
    assert.equal(stray?.message, "unexpected '{% endfor %}': it has no matching opening tag here");
    assert.equal(stray?.offset, 2);
  });

  it('reports an unterminated string', () => {
    const [problem] = check("{{ 'abc }}");
    assert.match(problem?.message ?? '', /^string is not closed/);
    assert.equal(problem?.offset, 3);
  });

  it('reports every broken expression, in order, and keeps checking the structure', () => {
    const template = '{{ ok }}\n{% if a %}\n{{ a | bogus }}\n{% elseif %}\n{% endif %}\n{{ b ) }}\n{% wat %}';
    const problems = check(template);
    assert.deepEqual(
      problems.map((p) => [p.message.split(';')[0], p.text]),
      [
        ["unknown filter 'bogus'", 'bogus'],
        ["'{% elseif %}' is incomplete: empty expression: write a value", '{% elseif %}'],
        ["unexpected ')': it has no matching opening bracket", ')'],
        ["unknown tag '{% wat %}'", '{% wat %}'],
      ],
    );
  });

  it('reports bad tag arguments', () => {
    const [forProblem] = check('{% for x of list %}{% endfor %}');
    assert.equal(forProblem?.message, "expected 'in' after 'x', as in {% for item in items %}");
    assert.equal(forProblem?.text, 'of');
    const [setProblem] = check('{% set = 1 %}');
    assert.match(setProblem?.message ?? '', /^expected a name after 'set'/);
  });

  it('reports unsupported tags', () => {
    const [problem] = check("{% include 'x' %}");
    assert.equal(
      problem?.message,
      "the '{% include %}' tag is not supported: flows cannot include other files",
    );
  });
});
