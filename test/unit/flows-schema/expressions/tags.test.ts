/**
 * Pebble and Liquid tags: if, for, set/assign, capture, case, raw, comments, whitespace control.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { render } from '../../../../flows-schema/src/expressions/index.ts';
import { kestraContext } from './fixture.ts';

const ctx = kestraContext();

async function out(template: string, context: Record<string, unknown> = ctx): Promise<string> {
  return render(template, context);
}

describe('if (Pebble and Liquid)', () => {
  it('if / elseif / else / endif', async () => {
    const template = '{% if inputs.n > 5 %}big{% elseif inputs.n > 1 %}medium{% else %}small{% endif %}';
    assert.equal(await out(template), 'medium');
    assert.equal(await out(template, { inputs: { n: 9 } }), 'big');
    assert.equal(await out(template, { inputs: { n: 0 } }), 'small');
  });

  it("Liquid's elsif", async () => {
    assert.equal(await out('{% if false %}a{% elsif inputs.flag %}b{% endif %}'), 'b');
  });

  it('conditions use Kestra truthiness', async () => {
    assert.equal(await out("{% if 'false' %}t{% else %}f{% endif %}"), 'f');
    assert.equal(await out('{% if 0 %}t{% else %}f{% endif %}'), 'f');
    assert.equal(await out('{% if inputs.empty %}t{% else %}f{% endif %}'), 'f');
    assert.equal(await out('{% if inputs.list %}t{% else %}f{% endif %}'), 't');
    assert.equal(await out("{% if 'text' %}t{% else %}f{% endif %}"), 't');
  });

  it('is defined guards optional values', async () => {
    assert.equal(await out('{% if outputs.nope is defined %}x{% else %}absent{% endif %}'), 'absent');
  });

  it('unless', async () => {
    assert.equal(await out('{% unless inputs.flag %}off{% else %}on{% endunless %}'), 'on');
  });
});

describe('for', () => {
  it("Pebble's loop variable: index from 0, revindex, first, last, length", async () => {
    assert.equal(
      await out(
        '{% for x in inputs.list %}{{ loop.index }}/{{ loop.revindex }}/{{ loop.length }}{% if loop.first %}F{% endif %}{% if loop.last %}L{% endif %}:{{ x }} {% endfor %}',
      ),
      '0/2/3F:3 1/1/3:1 2/0/3L:2 ',
    );
  });

  it("Liquid's forloop: index from 1, index0, rindex, first, last", async () => {
    assert.equal(
      await out(
        '{% for x in inputs.list %}{{ forloop.index }}{{ forloop.index0 }}{{ forloop.rindex }}{% if forloop.last %}!{% endif %},{% endfor %}',
      ),
      '103,212,321!,',
    );
  });

  it('else runs for an empty or null collection', async () => {
    assert.equal(await out('{% for x in [] %}x{% else %}none{% endfor %}'), 'none');
    assert.equal(await out('{% for x in inputs.nothing %}x{% else %}none{% endfor %}'), 'none');
  });

  it('maps iterate as {key, value} entries, or with two variables', async () => {
    assert.equal(await out('{% for e in map %}{{ e.key }}={{ e.value }};{% endfor %}'), 'k1=v1;k2=v2;');
    assert.equal(await out('{% for k, v in map %}{{ k }}={{ v }};{% endfor %}'), 'k1=v1;k2=v2;');
    assert.equal(await out('{% for i, x in inputs.list %}{{ i }}:{{ x }} {% endfor %}'), '0:3 1:1 2:2 ');
  });

  it('ranges, Liquid ranges and modifiers', async () => {
    assert.equal(await out('{% for i in range(1, 3) %}{{ i }}{% endfor %}'), '123');
    assert.equal(await out('{% for i in (1..3) %}{{ i }}{% endfor %}'), '123');
    assert.equal(await out('{% for i in (1..10) limit: 3 offset: 2 %}{{ i }}{% endfor %}'), '345');
    assert.equal(await out('{% for i in (1..3) reversed %}{{ i }}{% endfor %}'), '321');
  });

  it('break and continue', async () => {
    assert.equal(
      await out('{% for i in (1..5) %}{% if i == 3 %}{% break %}{% endif %}{{ i }}{% endfor %}'),
      '12',
    );
    assert.equal(
      await out('{% for i in (1..5) %}{% if i is even %}{% continue %}{% endif %}{{ i }}{% endfor %}'),
      '135',
    );
  });

  it('nested loops keep their own loop variables', async () => {
    assert.equal(
      await out(
        '{% for a in [1, 2] %}{% for b in [1, 2] %}{{ loop.index }}{% endfor %}{{ loop.index }} {% endfor %}',
      ),
      '010 011 ',
    );
  });

  it('loop outputs nested by value (outputs.child[taskrun.value])', async () => {
    assert.equal(
      await out("{% for v in ['a', 'b'] %}{{ outputs.child[v].value }} {% endfor %}"),
      'child-a child-b ',
    );
  });

  it('refuses to loop over a string', async () => {
    await assert.rejects(
      out('{% for c in inputs.x %}{% endfor %}'),
      /cannot loop over a string: parse JSON text with fromJson/,
    );
  });
});

describe('variables: set, assign, capture', () => {
  it('Pebble set', async () => {
    assert.equal(await out('{% set total = inputs.n * 10 %}{{ total + 1 }}'), '21');
    assert.equal(await out("{% set m = {'a': [1, 2]} %}{{ m.a[1] }}"), '2');
  });

  it('Liquid assign with colon filters', async () => {
    assert.equal(await out("{% assign name = inputs.x | upcase | append: '!' %}{{ name }}"), 'HELLO!');
  });

  it('set inside a loop accumulates', async () => {
    assert.equal(
      await out('{% set sum = 0 %}{% for i in inputs.list %}{% set sum = sum + i %}{% endfor %}{{ sum }}'),
      '6',
    );
  });

  it('capture', async () => {
    assert.equal(
      await out('{% capture msg %}{{ flow.id }}-{{ execution.id }}{% endcapture %}[{{ msg | upper }}]'),
      '[HELLO-WORLD-EXEC-42]',
    );
  });
});

describe('other tags', () => {
  it('case / when with commas and or, else', async () => {
    const template =
      "{% case labels.team %}{% when 'ops' %}O{% when 'data', 'ml' %}D{% else %}?{% endcase %}";
    assert.equal(await out(template), 'D');
    assert.equal(await out(template, { labels: { team: 'x' } }), '?');
    assert.equal(await out('{% case 2 %}{% when 1 or 2 %}hit{% endcase %}'), 'hit');
  });

  it('raw and verbatim leave expressions untouched', async () => {
    assert.equal(await out('{% raw %}{{ inputs.x }} {% if %}{% endraw %}'), '{{ inputs.x }} {% if %}');
    assert.equal(await out('{% verbatim %}{{ x }}{% endverbatim %}'), '{{ x }}');
  });

  it('Pebble comments and Liquid comments', async () => {
    assert.equal(await out('a{# {{ broken + }} #}b'), 'ab');
    assert.equal(await out('a{% comment %}{{ broken + }}{% endcomment %}b'), 'ab');
    assert.equal(await out('a{% # note %}b'), 'ab');
  });

  it('echo and the liquid tag', async () => {
    assert.equal(await out('{% echo inputs.x | upper %}'), 'HELLO');
    assert.equal(await out('{% liquid\n  assign n = inputs.n | plus: 1\n  echo n\n%}'), '3');
  });

  it('the Pebble filter block', async () => {
    assert.equal(await out('{% filter upper | trim %}  hi {{ inputs.x }} {% endfilter %}'), 'HI HELLO');
  });

  it('whitespace control with - on outputs and tags', async () => {
    assert.equal(await out('a  {{- inputs.x -}}  b'), 'ahellob');
    assert.equal(await out('[\n  {%- for i in [1, 2] %}\n  {{ i }}\n  {%- endfor %}\n]'), '[\n  1\n  2\n]');
  });

  it('map literals may close with }} inside an output', async () => {
    assert.equal(await out("{{ {'a': {'b': 1}} }}"), '{"a":{"b":1}}');
    assert.equal(await out('{{ "}}" ~ \'{{\' }}'), '}}{{');
  });

  it('unsupported tags fail with the reason', async () => {
    await assert.rejects(
      out("{% include 'other.html' %}"),
      /the '\{% include %\}' tag is not supported: flows cannot include other files/,
    );
    await assert.rejects(
      out('{% macro m() %}x{% endmacro %}'),
      /the '\{% macro %\}' tag is not supported: macros are not supported/,
    );
  });
});
