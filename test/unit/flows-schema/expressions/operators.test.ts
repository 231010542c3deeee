/**
 * Literals, member access, operators, tests, ternary, coalescing and Pebble precedence.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluate, render } from '../../../../flows-schema/src/expressions/index.ts';
import { kestraContext } from './fixture.ts';

const ctx = kestraContext();

async function value(expression: string, context: Record<string, unknown> = ctx): Promise<unknown> {
  return evaluate(expression, context);
}

describe('literals', () => {
  it('strings in single and double quotes, with escapes', async () => {
    assert.equal(await value("'single'"), 'single');
    assert.equal(await value('"double"'), 'double');
    assert.equal(await value("'it\\'s'"), "it's");
    // As in Pebble, only the quote is unescaped; other backslashes stay as written.
    assert.equal(await value('"say \\"hi\\""'), 'say "hi"');
    assert.equal(await value("'a\\nb'"), 'a\\nb');
    assert.equal(await value("'\\d+'"), '\\d+');
  });

  it('numbers, booleans, null and none', async () => {
    assert.equal(await value('42'), 42);
    assert.equal(await value('3.5'), 3.5);
    assert.equal(await value('-7'), -7);
    assert.equal(await value('true'), true);
    assert.equal(await value('false'), false);
    assert.equal(await value('null'), null);
    assert.equal(await value('none'), null);
  });

  it('lists, maps (quoted or bare keys) and ranges', async () => {
    assert.deepEqual(await value('[1, "two", [3]]'), [1, 'two', [3]]);
    assert.deepEqual(await value("{'k': 1, other: inputs.x}"), { k: 1, other: 'hello' });
    assert.deepEqual(await value('1..4'), [1, 2, 3, 4]);
    assert.deepEqual(await value('(1..3)'), [1, 2, 3]);
  });

  it('double-quoted strings interpolate #{...}', async () => {
    assert.equal(await value('"Hi #{inputs.x | upper}!"'), 'Hi HELLO!');
  });
});

describe('member access and indexing', () => {
  it('reads with dots, brackets, variables as keys and list positions', async () => {
    assert.equal(await value('outputs.child.b.value'), 'child-b');
    assert.equal(await value("outputs['child']['b']['value']"), 'child-b');
    assert.equal(await value('outputs.child[taskrun.value]["value"]'), 'child-a');
    assert.equal(await value('inputs.list[0]'), 3);
    assert.equal(await value('inputs.list.1'), 1);
    assert.equal(await value('items[2].name'), 'c');
  });

  it('knows size, length, first and last of lists and strings', async () => {
    assert.equal(await value('inputs.list.size'), 3);
    assert.equal(await value('inputs.list.length'), 3);
    assert.equal(await value('inputs.list.first'), 3);
    assert.equal(await value('inputs.list.last'), 2);
    assert.equal(await value('inputs.x.length'), 5);
  });
});

describe('arithmetic', () => {
  const cases: Array<[string, unknown]> = [
    ['1 + 2', 3],
    ['10 - 4', 6],
    ['6 * 7', 42],
    ['10 / 4', 2],
    ['10 / 4.0', 2.5],
    ['7.5 / 2', 3.75],
    ['-7 / 2', -3],
    ['7 % 3', 1],
    ['-inputs.n', -2],
    ["'a' + 1", 'a1'],
    ['[1] + [2, 3]', [1, 2, 3]],
    ['[1] + 2', [1, 2]],
  ];
  for (const [expression, expected] of cases) {
    it(`${expression} = ${JSON.stringify(expected)}`, async () => {
      assert.deepEqual(await value(expression), expected);
    });
  }

  it('fails on text in arithmetic and on integer division by zero', async () => {
    await assert.rejects(value("'a' - 1"), /invalid operands for '-': string and number/);
    await assert.rejects(value('1 / 0'), /division by zero/);
  });
});

describe('concatenation with ~', () => {
  it('joins any values as text', async () => {
    assert.equal(await value("'n=' ~ inputs.n ~ ',' ~ inputs.flag ~ ',' ~ inputs.nothing"), 'n=2,true,');
    assert.equal(await value("'list: ' ~ inputs.list"), 'list: [3,1,2]');
  });
});

describe('comparisons and logic', () => {
  const cases: Array<[string, boolean]> = [
    ['1 == 1', true],
    ['1 == 1.0', true],
    ["'1' == 1", false],
    ['[1, 2] == [1, 2]', true],
    ["{'a': 1} == {'a': 1}", true],
    ['1 != 2', true],
    ['1 < 2', true],
    ['2 > 1', true],
    ['2 <= 2', true],
    ['3 >= 4', false],
    ["'abc' < 'abd'", true],
    ['1 equals 1', true],
    ['true and false', false],
    ['true or false', true],
    ['true && true', true],
    ['false || false', false],
    ['not false', true],
    ['!true', false],
    ['inputs.list contains 3', true],
    ["inputs.x contains 'ell'", true],
    ["map contains 'k1'", true],
    ['2 in inputs.list', true],
    ["'z' in ['a', 'b']", false],
    ['5 not in inputs.list', true],
  ];
  for (const [expression, expected] of cases) {
    it(`${expression} → ${expected}`, async () => {
      assert.equal(await value(expression), expected);
    });
  }

  it('short-circuits and/or: the right side is not evaluated', async () => {
    assert.equal(await value('false and nope.x'), false);
    assert.equal(await value('true or nope.x'), true);
  });

  it("compares with Liquid's empty and blank", async () => {
    assert.equal(await value('inputs.empty == empty'), true);
    assert.equal(await value('[] == empty'), true);
    assert.equal(await value('inputs.list == empty'), false);
    assert.equal(await value('inputs.nothing == blank'), true);
    assert.equal(await value("'  ' == blank"), true);
    assert.equal(await value('inputs.x != empty'), true);
  });

  it('fails to order values of different kinds', async () => {
    await assert.rejects(value('[1] < 2'), /cannot compare list with number using '<'/);
  });
});

describe('tests (is ...)', () => {
  const cases: Array<[string, boolean]> = [
    ['inputs.x is defined', true],
    ['inputs.nope is defined', false],
    ['outputs.nope.deep.value is defined', false],
    ['inputs.nope is not defined', true],
    ['inputs.nothing is null', true],
    ['inputs.x is not null', true],
    ['inputs.nope is null', true],
    ['inputs.empty is empty', true],
    ['inputs.list is empty', false],
    ['{} is empty', true],
    ['4 is even', true],
    ['3 is odd', true],
    ['3 is not odd', false],
    ['inputs.list is iterable', true],
    ['map is map', true],
    ['inputs.json is json', true],
    ['inputs.x is json', false],
    ['not inputs.nope is defined', true],
  ];
  for (const [expression, expected] of cases) {
    it(`${expression} → ${expected}`, async () => {
      assert.equal(await value(expression), expected);
    });
  }
});

describe('ternary and coalescing', () => {
  it('a ? b : c, nested', async () => {
    assert.equal(await value("inputs.flag ? 'yes' : 'no'"), 'yes');
    assert.equal(await value("inputs.n > 5 ? 'big' : inputs.n > 1 ? 'medium' : 'small'"), 'medium');
  });

  it('?? falls back on undefined or null, ??? only on undefined', async () => {
    assert.equal(await value("outputs.nope.value ?? 'fallback'"), 'fallback');
    assert.equal(await value("inputs.nothing ?? 'fallback'"), 'fallback');
    assert.equal(await value("inputs.x ?? 'fallback'"), 'hello');
    assert.equal(await value("inputs.nothing ??? 'fallback'"), null);
    assert.equal(await value("inputs.nope ??? 'fallback'"), 'fallback');
    assert.equal(await value("inputs.nope ?? inputs.other ?? 'last'"), 'last');
  });
});

describe('precedence (Pebble)', () => {
  const cases: Array<[string, unknown]> = [
    ['1 + 2 * 3', 7],
    ['(1 + 2) * 3', 9],
    ['10 - 2 - 3', 5],
    ['2 * 3 % 4', 2],
    ['1 + 2 == 3', true],
    ['1 < 2 and 3 > 4 or true', true],
    ['true or false and false', true],
    ['not 1 == 2', true],
    ['not false and false', false],
    ['-2 * 3', -6],
    ['-2 | abs', 2],
    // `~` binds tighter than `+` and `|` in Pebble: 1 + (2 ~ 'x'), ('a' ~ 1) + 2.
    ["1 + 2 ~ 'x'", '12x'],
    ["'a' ~ 1 + 2", 'a12'],
    ["'ab' ~ 'cd' | upper", 'ABCD'],
    ["inputs.nope ?? 'x' | upper", 'X'],
    ["inputs.n > 1 ? 'a' ~ 'b' : 'c'", 'ab'],
    ['1 + inputs.list | length', 4],
  ];
  for (const [expression, expected] of cases) {
    it(`${expression} = ${JSON.stringify(expected)}`, async () => {
      assert.deepEqual(await value(expression), expected);
    });
  }

  it('parentheses override precedence in templates too', async () => {
    assert.equal(await render("{{ 'total: ' ~ (inputs.n + 1) }}", ctx), 'total: 3');
  });
});
