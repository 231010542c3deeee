/**
 * One fixture per invalid case. Each file states what `osprey validate` must report in comment
 * lines `# expect: <code> <line>:<col> <message fragment>`; the reported set must match exactly.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { validateFlowSource } from '../../../flows-schema/src/validate/validate-flow.ts';

const dir = join(import.meta.dirname, '../../fixtures/flows/invalid');
const EXPECT = /^# expect: (\S+) (\d+):(\d+) (.+)$/gm;

const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));

test('there is a fixture for at least 30 invalid cases', () => {
  assert.ok(files.length >= 30, `only ${files.length} fixtures`);
});

for (const file of files) {
  test(`invalid/${file}`, () => {
    const text = readFileSync(join(dir, file), 'utf8');
    const expected = [...text.matchAll(EXPECT)].map((m) => ({
      code: m[1]!,
      at: `${m[2]}:${m[3]}`,
      fragment: m[4]!.trim(),
    }));
    assert.ok(expected.length > 0, 'the fixture states no expectation');
    const result = validateFlowSource(text);
    assert.equal(result.flow, undefined, 'an invalid flow must not come back as valid');
    const actual = result.issues.map((i) => ({
      code: i.code,
      at: `${i.range.start.line}:${i.range.start.col}`,
      message: i.message,
    }));
    assert.deepEqual(
      actual.map((a) => `${a.code} ${a.at}`).sort(),
      expected.map((e) => `${e.code} ${e.at}`).sort(),
      `issues reported:\n${actual.map((a) => `  ${a.code} ${a.at} ${a.message}`).join('\n')}`,
    );
    for (const e of expected) {
      const hit = actual.find((a) => a.code === e.code && a.at === e.at && a.message.includes(e.fragment));
      assert.ok(
        hit,
        `no ${e.code} at ${e.at} whose message contains "${e.fragment}"; got:\n${actual.map((a) => `  ${a.code} ${a.at} ${a.message}`).join('\n')}`,
      );
    }
  });
}
