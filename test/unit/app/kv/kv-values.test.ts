import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  assertKvKey,
  durationToMs,
  inferKvType,
  KvError,
  toKvValue,
} from '../../../../app/src/kv/kv-values.ts';
import { isUnder, namespaceChain } from '../../../../app/src/kv/namespaces.ts';

describe('KV keys', () => {
  it('accepts letters, digits, dot, dash and underscore', () => {
    for (const key of ['a', 'my_key', 'last-run.date', 'K2', '0day']) assertKvKey(key);
  });

  it('refuses other keys with a message that states the rule', () => {
    for (const key of ['', 'has space', '.hidden', 'slash/key', 'ünïcode', 'x'.repeat(256)]) {
      assert.throws(
        () => assertKvKey(key),
        (e: unknown) =>
          e instanceof KvError &&
          e.code === 'INVALID_KEY' &&
          /letters, digits, '\.', '-' and '_'/.test(e.message),
        key,
      );
    }
  });
});

describe('KV typed values', () => {
  it('infers the type of an untyped value', () => {
    assert.equal(inferKvType('x'), 'STRING');
    assert.equal(inferKvType(3), 'NUMBER');
    assert.equal(inferKvType(false), 'BOOLEAN');
    assert.equal(inferKvType(new Date()), 'DATETIME');
    assert.equal(inferKvType({ a: 1 }), 'JSON');
    assert.equal(inferKvType([1]), 'JSON');
    assert.equal(inferKvType(null), 'JSON');
  });

  it('normalises each type to its canonical form', () => {
    assert.equal(toKvValue('k', 'STRING', 42), '42');
    assert.equal(toKvValue('k', 'NUMBER', ' 3.5 '), 3.5);
    assert.equal(toKvValue('k', 'BOOLEAN', 'TRUE'), true);
    assert.equal(toKvValue('k', 'DATETIME', '2025-01-31T10:30:00+01:00'), '2025-01-31T09:30:00.000Z');
    assert.equal(toKvValue('k', 'DATETIME', 0), '1970-01-01T00:00:00.000Z');
    assert.equal(toKvValue('k', 'DATE', '2024-02-29'), '2024-02-29');
    assert.equal(toKvValue('k', 'DATE', new Date('2025-03-04T23:00:00Z')), '2025-03-04');
    assert.equal(toKvValue('k', 'DURATION', 'pt1h30m'), 'PT1H30M');
    assert.deepEqual(toKvValue('k', 'JSON', '{"a":[1,2]}'), { a: [1, 2] });
    assert.deepEqual(toKvValue('k', 'JSON', { a: 1 }), { a: 1 });
  });

  it('refuses values that do not fit the type, naming key, value and what is expected', () => {
    const cases: Array<[Parameters<typeof toKvValue>[1], unknown, RegExp]> = [
      ['NUMBER', 'abc', /KV key 'k': 'abc' is not a valid NUMBER value; expected a finite number/],
      ['NUMBER', Number.NaN, /not a valid NUMBER/],
      ['BOOLEAN', 'yes', /expected true or false/],
      ['DATETIME', '2025-01-31', /expected an ISO-8601 date-time/],
      ['DATE', '2023-02-29', /expected a calendar date/],
      ['DURATION', '5 minutes', /expected an ISO-8601 duration/],
      ['DURATION', 'PT', /expected an ISO-8601 duration/],
      ['JSON', '{broken', /expected JSON text/],
      ['STRING', { a: 1 }, /expected a string/],
    ];
    for (const [type, value, message] of cases) {
      assert.throws(() => toKvValue('k', type, value), message, `${type} ${String(value)}`);
    }
  });

  it('reads TTL durations', () => {
    assert.equal(durationToMs('PT1H'), 3_600_000);
    assert.equal(durationToMs('P1DT0.5S'), 86_400_500);
    assert.equal(durationToMs('P'), undefined);
    assert.equal(durationToMs('1h'), undefined);
  });
});

describe('namespace inheritance', () => {
  it('lists the namespace then its parents, nearest first', () => {
    assert.deepEqual(namespaceChain('company.team.project'), [
      'company.team.project',
      'company.team',
      'company',
    ]);
    assert.deepEqual(namespaceChain('company'), ['company']);
  });

  it('refuses an invalid namespace', () => {
    assert.throws(() => namespaceChain('Company Team'), /'Company Team' is not a valid namespace/);
  });

  it('knows which namespaces are under a prefix', () => {
    assert.ok(isUnder('company.team', 'company'));
    assert.ok(isUnder('company', 'company'));
    assert.ok(!isUnder('companyx', 'company'));
  });
});
