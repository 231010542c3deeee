import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MASK, SecretMasker } from '../../../protocol/src/masking.ts';

describe('SecretMasker', () => {
  it('masks every occurrence, longest value first', () => {
    const m = new SecretMasker();
    m.register('hunter2');
    m.register('hunter2-extended');
    assert.equal(m.mask('a hunter2-extended b hunter2 c'), `a ${MASK} b ${MASK} c`);
  });

  it('masks the JSON-escaped form and each line of a multi-line secret', () => {
    const m = new SecretMasker();
    m.register('pa"ss\nword-line');
    assert.equal(m.mask(JSON.stringify({ v: 'pa"ss\nword-line' })), `{"v":"${MASK}"}`);
    assert.equal(m.mask('log: word-line'), `log: ${MASK}`);
  });

  it('masks strings and keys inside values, leaving other types alone', () => {
    const m = new SecretMasker();
    m.register('s3cr3t-token');
    const out = m.maskValue({
      url: 'https://x?t=s3cr3t-token',
      n: 3,
      list: ['s3cr3t-token', true],
      's3cr3t-token': null,
    });
    assert.deepEqual(out, { url: `https://x?t=${MASK}`, n: 3, list: [MASK, true], [MASK]: null });
  });

  it('does not mask values shorter than 4 characters', () => {
    const m = new SecretMasker();
    m.register('abc');
    assert.equal(m.size, 0);
    assert.equal(m.mask('abc abc'), 'abc abc');
  });

  it('masks error messages and stacks', () => {
    const m = new SecretMasker();
    m.register('p4ssw0rd!');
    const e = m.maskError(new TypeError('login failed for p4ssw0rd!'));
    assert.equal(e.message, `login failed for ${MASK}`);
    assert.equal(e.name, 'TypeError');
    assert.ok(!e.stack?.includes('p4ssw0rd!'));
  });
});
