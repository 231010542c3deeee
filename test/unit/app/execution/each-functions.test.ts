/**
 * currentEachOutput() and tasksWithState() against real execution state: the ForEach example of
 * Kestra's docs (expressions: "currentEachOutput") and an errors branch listing the failed tasks.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { harness } from './harness.ts';

test('currentEachOutput reads the sibling output of the same ForEach iteration', async () => {
  const h = harness();
  const doc = await h.run(`id: each
namespace: company.team
tasks:
  - id: loop
    type: io.kestra.plugin.core.flow.ForEach
    values: ["value 1", "value 2"]
    tasks:
      - id: first
        type: io.kestra.plugin.core.debug.Return
        format: "{{ taskrun.value }}"
      - id: second
        type: io.kestra.plugin.core.debug.Return
        format: "{{ currentEachOutput(outputs.first).value }}"
`);
  assert.equal(doc.state.current, 'SUCCESS');
  assert.deepEqual(
    h.runner.jobsOf('second').map((j) => j.properties['format']),
    ['value 1', 'value 2'],
  );
});

test('tasksWithState lists the failed tasks in the errors branch', async () => {
  const h = harness();
  const doc = await h.run(`id: failing
namespace: company.team
tasks:
  - id: ok
    type: io.kestra.plugin.core.log.Log
    message: fine
  - id: broken
    type: io.kestra.plugin.core.execution.Fail
errors:
  - id: report
    type: io.kestra.plugin.core.debug.Return
    format: "{{ tasksWithState('failed') | jq('[.[].taskId]') | first | join(',') }} / {{ execution.state isIn ['FAILED', 'RUNNING'] }}"
`);
  assert.equal(doc.state.current, 'FAILED');
  assert.equal(h.runner.jobsOf('report')[0]?.properties['format'], 'broken / true');
});
