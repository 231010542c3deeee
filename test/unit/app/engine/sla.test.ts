/** SLAs: MAX_DURATION timers and EXECUTION_ASSERTION at the end, with FAIL / CANCEL / NONE. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { labelValue } from '../../../../app/src/engine/index.ts';
import { flow } from './flows.ts';
import { simulate } from './simulator.ts';

const slaFlow = (behavior: string) =>
  flow(`
id: sla_example
namespace: company.team
sla:
  - id: maxDuration
    type: MAX_DURATION
    behavior: ${behavior}
    duration: PT2S
    labels:
      sla: missed
tasks:
  - id: punctual
    type: io.kestra.plugin.core.log.Log
    message: started
  - id: sleepyhead
    type: io.kestra.plugin.core.flow.Sleep
    duration: PT3S
  - id: never_executed_task
    type: io.kestra.plugin.core.log.Log
    message: never
`);

// The Sleep job never answers by itself: only the SLA can end it.
const hangSleep = (r: { taskId: string }) =>
  r.taskId === 'sleepyhead' ? undefined : { state: 'SUCCESS' as const };

test('MAX_DURATION + FAIL: FAILED at the deadline, label added, running task killed, the rest never runs', () => {
  const sim = simulate(slaFlow('FAIL'), { job: hangSleep });
  assert.equal(sim.ex.state, 'FAILED');
  assert.equal(sim.ex.histories.at(-1)!.at - sim.ex.histories[0]!.at, 2000);
  assert.equal(labelValue(sim.ex.labels, 'sla'), 'missed');
  assert.equal(sim.stateOf('sleepyhead'), 'KILLED');
  assert.equal(sim.runsOf('never_executed_task').length, 0);
  assert.ok(sim.commands.some((c) => c.kind === 'cancel'));
  assert.match(sim.logs.find((l) => l.level === 'WARN')?.message ?? '', /SLA 'maxDuration' breached/);
});

test('MAX_DURATION + CANCEL ends CANCELLED; + NONE only labels and logs', () => {
  assert.equal(simulate(slaFlow('CANCEL'), { job: hangSleep }).ex.state, 'CANCELLED');
  const none = simulate(slaFlow('NONE'), { job: hangSleep });
  assert.equal(none.ex.state, 'RUNNING');
  assert.equal(labelValue(none.ex.labels, 'sla'), 'missed');
  none.finish(none.runsOf('sleepyhead')[0]!.id, { state: 'SUCCESS' });
  none.run();
  assert.equal(none.ex.state, 'SUCCESS');
  assert.equal(none.stateOf('never_executed_task'), 'SUCCESS');
});

test('an execution that ends in time disarms its SLA timer', () => {
  const sim = simulate(slaFlow('FAIL'));
  assert.equal(sim.ex.state, 'SUCCESS');
  assert.equal(sim.timers.size, 0);
  assert.equal(labelValue(sim.ex.labels, 'sla'), undefined);
});

test('EXECUTION_ASSERTION is checked at the end; a false assertion applies the behaviour', () => {
  const f = (behavior: string) =>
    flow(`
id: assert
namespace: company.team
sla:
  - id: has_rows
    type: EXECUTION_ASSERTION
    behavior: ${behavior}
    assert: "{{ rows_ok }}"
    labels: { quality: bad }
tasks:
  - { id: t, type: io.kestra.plugin.core.log.Log, message: m }
`);
  assert.equal(simulate(f('FAIL'), { vars: { rows_ok: 'true' } }).ex.state, 'SUCCESS');
  const failed = simulate(f('FAIL'), { vars: { rows_ok: 'false' } });
  assert.equal(failed.ex.state, 'FAILED');
  assert.equal(labelValue(failed.ex.labels, 'quality'), 'bad');
  assert.equal(simulate(f('CANCEL'), { vars: { rows_ok: 'false' } }).ex.state, 'CANCELLED');
  assert.equal(simulate(f('NONE'), { vars: { rows_ok: 'false' } }).ex.state, 'SUCCESS');
});

test('two SLAs may share an id (Kestra does not check SLA ids): each keeps its own duration and behaviour', () => {
  const f = flow(`
id: same_ids
namespace: company.team
sla:
  - id: slow
    type: MAX_DURATION
    behavior: NONE
    duration: PT1S
    labels: { first: breached }
  - id: slow
    type: MAX_DURATION
    behavior: CANCEL
    duration: PT2S
    labels: { second: breached }
tasks:
  - id: sleepyhead
    type: io.kestra.plugin.core.flow.Sleep
    duration: PT3S
`);
  const sim = simulate(f, { job: hangSleep });
  assert.equal(sim.ex.state, 'CANCELLED');
  assert.equal(sim.ex.histories.at(-1)!.at - sim.ex.histories[0]!.at, 2000);
  assert.equal(labelValue(sim.ex.labels, 'first'), 'breached');
  assert.equal(labelValue(sim.ex.labels, 'second'), 'breached');
});

test('an SLA timer armed before timers were named by position (the id alone) still fires', async () => {
  const { maxDurationBreach } = await import('../../../../app/src/engine/sla.ts');
  const d = {
    flow: { sla: [{ id: 'maxDuration', type: 'MAX_DURATION', behavior: 'CANCEL', duration: 'PT1S' }] },
    ex: { labels: [] },
    log: () => {},
  };
  assert.equal(maxDurationBreach(d as never, 'maxDuration'), 'CANCELLED');
  assert.equal(maxDurationBreach(d as never, '0:maxDuration'), 'CANCELLED');
  assert.equal(maxDurationBreach(d as never, '0:other'), undefined);
});
