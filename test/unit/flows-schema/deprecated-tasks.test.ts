/** Task types Kestra deprecated: accepted, with a warning that says what replaces them. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { validateFlowSource } from '../../../flows-schema/src/validate/validate-flow.ts';

test('LocalFiles validates with a deprecated-task-type warning at its type', () => {
  const r = validateFlowSource(
    'id: n\nnamespace: company.team\ntasks:\n  - id: files\n    type: io.kestra.plugin.core.storage.LocalFiles\n    inputs:\n      a.txt: x\n',
  );
  assert.ok(r.flow);
  assert.deepEqual(
    r.issues.map((i) => [i.severity, i.code, i.range.start.line]),
    [['warning', 'deprecated-task-type', 5]],
  );
  assert.match(r.issues[0]!.message, /use the inputFiles and outputFiles properties/);
});

test('the old state.* names validate with a warning naming the kv task that replaces them', () => {
  const r = validateFlowSource(
    'id: n\nnamespace: company.team\ntasks:\n  - id: get\n    type: io.kestra.core.tasks.states.Get\n',
  );
  assert.ok(r.flow);
  assert.deepEqual(
    r.issues.map((i) => [i.code, i.message]),
    [
      [
        'deprecated-task-type',
        "task 'get': io.kestra.core.tasks.states.Get is deprecated in Kestra; use io.kestra.plugin.core.kv.Get (states are kept in the KV store)",
      ],
    ],
  );
});
