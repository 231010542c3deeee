/** Every example of the Kestra release notes, and our broad fixtures, validate with no error. */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { formatIssue } from '../../../flows-schema/src/issue.ts';
import { validateFlowSource } from '../../../flows-schema/src/validate/validate-flow.ts';

const fixtures = join(import.meta.dirname, '../../fixtures/flows');
const shared = join(import.meta.dirname, '../../../../shared/examples/seeds');
const dirs = [join(fixtures, 'seeds'), join(fixtures, 'valid'), ...(existsSync(shared) ? [shared] : [])];

for (const dir of dirs) {
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml'))) {
    test(`${dir.includes('shared') ? 'shared' : 'fixtures'}: ${file} validates with no issue`, () => {
      const result = validateFlowSource(readFileSync(join(dir, file), 'utf8'));
      assert.deepEqual(
        result.issues.map((i) => formatIssue(file, i)),
        [],
      );
      assert.ok(result.flow, 'a valid flow comes back parsed');
      assert.equal(`${result.flow.id}.yaml`, file);
    });
  }
}

test('the committed seeds copy matches ../shared when it is present', { skip: !existsSync(shared) }, () => {
  for (const file of readdirSync(shared)) {
    assert.equal(
      readFileSync(join(fixtures, 'seeds', file), 'utf8'),
      readFileSync(join(shared, file), 'utf8'),
      file,
    );
  }
});

test('pluginDefaults supply required properties (Kestra applies defaults before validating)', () => {
  const text = `id: defaults\nnamespace: company.team\npluginDefaults:\n  - type: io.kestra.plugin.core.log\n    values:\n      message: from defaults\ntasks:\n  - id: a\n    type: io.kestra.plugin.core.log.Log\n`;
  const result = validateFlowSource(text);
  assert.deepEqual(result.issues, []);
});
