/** The sla_example seed on virtual time: FAILED 2 s after the start, label added, last task never created. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { harness, runsOf, stateOf } from './harness.ts';

export const slaExample = `
id: sla_example
namespace: company.team
sla:
  - id: maxDuration
    type: MAX_DURATION
    behavior: FAIL
    duration: PT2S
    labels:
      sla: missed
tasks:
  - id: punctual
    type: io.kestra.plugin.core.log.Log
    message: "Workflow started, monitoring SLA compliance."
  - id: sleepyhead
    type: io.kestra.plugin.core.flow.Sleep
    duration: PT3S # Sleeps for 3 seconds to exceed the SLA
  - id: never_executed_task
    type: io.kestra.plugin.core.log.Log
    message: "This task won't execute because the SLA was breached."
`;

test('sla_example: FAILED by the SLA after 2 s, with label sla: missed', async () => {
  const h = harness();
  const doc = await h.run(slaExample);
  assert.equal(doc.state.current, 'FAILED');
  assert.equal(doc.state.duration, 'PT2S');
  assert.ok(doc.labels.some((l) => l.key === 'sla' && l.value === 'missed'));
  assert.equal(stateOf(doc, 'sleepyhead'), 'KILLED');
  assert.equal(runsOf(doc, 'never_executed_task').length, 0);
  assert.ok((await h.messages(doc.id, 'WARN')).some((m) => m.includes("SLA 'maxDuration' breached")));
});
