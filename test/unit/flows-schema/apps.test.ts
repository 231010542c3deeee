/**
 * App files (`apps/**.yaml`): Kestra's documented apps validate; each invalid fixture states what
 * must be reported in `# expect: <code> <line>:<col> <message fragment>` lines, and the reported set
 * must match exactly, at those positions (they become pull-request annotations).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { accessOf } from '../../../flows-schema/src/apps/app.ts';
import { validateAppSource } from '../../../flows-schema/src/apps/validate-app.ts';

const dir = join(import.meta.dirname, '../../fixtures/apps');
const EXPECT = /^# expect: (\S+) (\d+):(\d+) (.+)$/gm;

for (const file of readdirSync(join(dir, 'valid'))) {
  test(`apps/valid/${file}`, () => {
    const result = validateAppSource(readFileSync(join(dir, 'valid', file), 'utf8'));
    assert.deepEqual(result.issues, []);
    assert.ok(result.app);
  });
}

for (const file of readdirSync(join(dir, 'invalid'))) {
  test(`apps/invalid/${file}`, () => {
    const text = readFileSync(join(dir, 'invalid', file), 'utf8');
    const expected = [...text.matchAll(EXPECT)].map((m) => ({
      key: `${m[1]} ${m[2]}:${m[3]}`,
      fragment: m[4]?.trim() ?? '',
    }));
    const result = validateAppSource(text);
    assert.equal(result.app, undefined);
    const actual = result.issues.map((i) => ({
      key: `${i.code} ${i.range.start.line}:${i.range.start.col}`,
      message: i.message,
    }));
    assert.deepEqual(
      actual.map((a) => a.key).sort(),
      expected.map((e) => e.key).sort(),
      actual.map((a) => `${a.key} ${a.message}`).join('\n'),
    );
    for (const e of expected) {
      const hit = actual.find((a) => a.key === e.key);
      assert.ok(
        hit?.message.includes(e.fragment),
        `${e.key}: '${hit?.message}' should mention '${e.fragment}'`,
      );
    }
  });
}

test("access is PRIVATE unless an app says PUBLIC, in either of Kestra's spellings", () => {
  assert.equal(accessOf({}), 'PRIVATE');
  assert.equal(accessOf({ access: 'PUBLIC' }), 'PUBLIC');
  assert.equal(accessOf({ access: { type: 'PUBLIC', groups: [] } }), 'PUBLIC');
});

test('a file that is not YAML is reported at its line, not thrown', () => {
  const r = validateAppSource('id: x\n  type: [\n');
  assert.equal(r.app, undefined);
  assert.ok(r.issues.length > 0 && r.issues[0]?.range.start.line !== undefined);
});
