/** `retry` on flowable tasks: applied on Subflow (a new child per attempt), reported as not applied otherwise. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { validateFlowSource } from '../../../flows-schema/src/validate/validate-flow.ts';

test('retry on a flowable task is reported as not applied (a warning); on a Subflow it is applied', () => {
  const flowable = validateFlowSource(
    'id: n\nnamespace: company.team\ntasks:\n  - id: seq\n    type: io.kestra.plugin.core.flow.Sequential\n    retry:\n      type: constant\n      interval: PT1S\n      maxAttempts: 2\n    tasks:\n      - id: l\n        type: io.kestra.plugin.core.log.Log\n        message: x\n',
  );
  assert.ok(flowable.flow);
  assert.deepEqual(
    flowable.issues.map((i) => [i.severity, i.code, i.range.start.line]),
    [['warning', 'flowable-retry-ignored', 6]],
  );
  const subflow = validateFlowSource(
    'id: n\nnamespace: company.team\ntasks:\n  - id: call\n    type: io.kestra.plugin.core.flow.Subflow\n    namespace: company.team\n    flowId: other\n    retry:\n      type: constant\n      interval: PT1S\n      maxAttempts: 2\n',
  );
  assert.deepEqual(subflow.issues, []);
});
