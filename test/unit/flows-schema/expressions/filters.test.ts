/**
 * Every supported filter, in Pebble and Liquid syntax.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluate, render } from '../../../../flows-schema/src/expressions/index.ts';
import { kestraContext } from './fixture.ts';

const ctx = { ...kestraContext(), lines: 'l1\nl2' };

async function value(expression: string): Promise<unknown> {
  return evaluate(expression, ctx);
}

function cases(list: Array<[string, unknown]>): void {
  for (const [expression, expected] of list) {
    it(`${expression} → ${JSON.stringify(expected)}`, async () => {
      assert.deepEqual(await value(expression), expected);
    });
  }
}

describe('default', () => {
  cases([
    ["inputs.nope | default('x')", 'x'],
    ["outputs.nope.deep.value | default('x')", 'x'],
    ["inputs.nothing | default('x')", 'x'],
    ["inputs.empty | default('x')", 'x'],
    ["inputs.x | default('x')", 'hello'],
    // Pebble keeps false, Liquid's colon form replaces it.
    ['false | default(true)', false],
    ['false | default: true', true],
    ['false | default: true, allow_false: true', false],
    ["inputs.nope | default: 'liquid'", 'liquid'],
  ]);
});

describe('text filters', () => {
  cases([
    ["'Hello' | upper", 'HELLO'],
    ["'Hello' | lower", 'hello'],
    ["'hello wORLD' | capitalize", 'Hello wORLD'],
    ["'hello big world' | title", 'Hello Big World'],
    ["'  padded  ' | trim", 'padded'],
    ["'a,b,c' | split(',')", ['a', 'b', 'c']],
    ["'a,b,c' | split(',', 2)", ['a', 'b,c']],
    ["'a,b' | split: ','", ['a', 'b']],
    ["'a,b,,' | split(',')", ['a', 'b']],
    ["lines | split('\\n')", ['l1', 'l2']],
    ["'a.b.c' | split('\\.')", ['a', 'b', 'c']],
    ["'a|b' | split('\\|')", ['a', 'b']],
    ["'a  b\tc' | split('\\s+')", ['a', 'b', 'c']],
    ["'a.b' | split('.')", ['a', 'b']],
    ["'Hello World' | replace({'World': 'There', 'Hello': 'Hi'})", 'Hi There'],
    ["'aXbXc' | replace('X', '-')", 'a-b-c'],
    ["'aXbXc' | replace: 'X', '+'", 'a+b+c'],
    ["'Hello' | startsWith('He')", true],
    ["'Hello' | startsWith('lo')", false],
    ["'Hello' | endsWith('lo')", true],
    ["'a.b.c' | substringBefore('.')", 'a'],
    ["'a.b.c' | substringBeforeLast('.')", 'a.b'],
    ["'a.b.c' | substringAfter('.')", 'b.c'],
    ["'a.b.c' | substringAfterLast('.')", 'c'],
    ["'Hello Wörld!' | slugify", 'hello-world'],
    ["'abcdefghij' | abbreviate(6)", 'abc...'],
    ["'a b&c' | urlencode", 'a+b%26c'],
    ["'a+b%26c' | urldecode", 'a b&c'],
    ['lines | indent(2)', 'l1\n  l2'],
    ["lines | nindent(4, '-')", '\n----l1\n----l2'],
    ["\"it's\" | escapeChar('single')", "it\\'s"],
    ['42 | string', '42'],
  ]);
});

describe('collection filters', () => {
  cases([
    ['inputs.list | length', 3],
    ['inputs.x | length', 5],
    ['map | length', 2],
    ['inputs.nothing | length', 0],
    ['inputs.list | size', 3],
    ['inputs.list | first', 3],
    ['inputs.list | last', 2],
    ["'abc' | first", 'a'],
    ["inputs.list | join(', ')", '3, 1, 2'],
    ['inputs.list | join', '312'],
    ["inputs.list | join: '-'", '3-1-2'],
    ['map | keys', ['k1', 'k2']],
    ['map | values', ['v1', 'v2']],
    ['inputs.list | sort', [1, 2, 3]],
    ['inputs.list | rsort', [3, 2, 1]],
    ["items | sort('n') | first", { name: 'a', n: 1 }],
    ["items | sort: 'name' | last", { name: 'c', n: 3 }],
    ['inputs.list | reverse', [2, 1, 3]],
    ["'abc' | reverse", 'cba'],
    ['[1, 2, 3, 4, 5] | slice(1, 3)', [2, 3]],
    ["'Hello World' | slice(0, 5)", 'Hello'],
    ['[1, 2, 3, 4, 5] | slice: 1, 3', [2, 3, 4]],
    ["'Hello World' | slice: -5, 5", 'World'],
    ['[1, 2] | merge([3])', [1, 2, 3]],
    ["{'a': 1} | merge({'b': 2})", { a: 1, b: 2 }],
    ['[1, 2, 1, 3, 2] | distinct', [1, 2, 3]],
    ['[[1, 2], [3], 4] | flatten', [1, 2, 3, 4]],
    ['[1, 2, 3, 4, 5] | chunk(2)', [[1, 2], [3, 4], [5]]],
  ]);
});

describe('number filters', () => {
  cases([
    ['-5 | abs', 5],
    ["'-2.5' | abs", 2.5],
    ['outputs.t.vars.count | number + 1', 6],
    ["'3.25' | number('FLOAT')", 3.25],
    ['3.14159 | round: 2', 3.14],
    ['3.6 | round', 4],
    ['1234567.891 | numberformat("#,##0.00")', '1,234,567.89'],
    ['0.5 | numberformat("0.000")', '0.500'],
  ]);

  it('number fails on text that is not a number', async () => {
    await assert.rejects(value("'abc' | number"), /cannot convert 'abc' to a number/);
    await assert.rejects(value("'1.5' | number('INT')"), /not a whole number/);
  });
});

describe('serialization, encoding and hashing filters', () => {
  cases([
    ['outputs.child.a | json', '{"value":"child-a"}'],
    ['inputs.list | toJson', '[3,1,2]'],
    ["'text' | json", '"text"'],
    ['map | yaml', 'k1: v1\nk2: v2\n'],
    ["'abc' | base64encode", 'YWJj'],
    ["'YWJj' | base64decode", 'abc'],
    ["'abc' | sha256", 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
    ["'abc' | sha1", 'a9993e364706816aba3e25717850c26c9cd0d89d'],
    ["'abc' | md5", '900150983cd24fb0d6963f7d28e17f72'],
  ]);
});

describe('Liquid filters keep working', () => {
  cases([
    ["'hello' | upcase", 'HELLO'],
    ["'HELLO' | downcase", 'hello'],
    ["'a' | append: 'b' | prepend: '>'", '>ab'],
    ['5 | plus: 3', 8],
    ['5 | minus: 3', 2],
    ['5 | times: 3', 15],
    ['7 | divided_by: 2', 3.5],
    ["'Hello World' | truncate: 8", 'Hello...'],
    ["items | map: 'name' | join: ','", 'b,a,c'],
    ["items | where: 'name', 'a' | size", 1],
    ["items | map: 'n' | sum", 6],
    ['[1, 1, 2] | uniq', [1, 2]],
    ["'  x  ' | strip", 'x'],
  ]);
});

describe('filter syntax', () => {
  it('chains filters in both syntaxes in one expression', async () => {
    assert.equal(await render("{{ inputs.x | upper | replace: 'L', '_' | default('none') }}", ctx), 'HE__O');
  });

  it('passes named arguments to Pebble filters', async () => {
    assert.equal(await value("'2024-01-15T10:30:00Z' | date(format='yyyy', timeZone='UTC')"), '2024');
  });

  it('rejects unknown filters and arguments when the template is parsed', async () => {
    await assert.rejects(
      render('{{ inputs.x | nope }}', ctx),
      /Unable to parse "\{\{ inputs.x \| nope \}\}": unknown filter 'nope'/,
    );
    await assert.rejects(
      render("{{ inputs.x | date(zone='UTC') }}", ctx),
      /filter 'date' has no argument named 'zone'/,
    );
    await assert.rejects(
      render('{{ inputs.x | toIon }}', ctx),
      /unknown filter 'toIon' \(not supported by Osprey/,
    );
  });
});
