/** Pause: PAUSED until resumed (with inputs), until its delay passes, or FAILED at its timeout. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { flow } from './flows.ts';
import { Simulation } from './simulator.ts';

const pauseFlow = (props: string) =>
  flow(`
id: approval
namespace: company.team
tasks:
  - id: wait
    type: io.kestra.plugin.core.flow.Pause
${props}
  - id: after
    type: io.kestra.plugin.core.log.Log
    message: resumed
`);

test('a Pause without delay waits for a resume; its inputs become outputs.onResume', () => {
  const sim = new Simulation(pauseFlow('    onResume: [{ id: reason, type: STRING }]')).start();
  assert.equal(sim.ex.state, 'PAUSED');
  assert.equal(sim.stateOf('wait'), 'PAUSED');
  assert.equal(sim.runsOf('after').length, 0);
  sim.send({ type: 'resume', inputs: { reason: 'looks good' } });
  sim.run();
  assert.deepEqual(sim.runsOf('wait')[0]?.outputs, { onResume: { reason: 'looks good' } });
  assert.deepEqual(
    sim.runsOf('wait')[0]?.histories.map((h) => h.state),
    ['CREATED', 'RUNNING', 'PAUSED', 'RUNNING', 'SUCCESS'],
  );
  assert.equal(sim.stateOf('after'), 'SUCCESS');
  assert.deepEqual(
    sim.ex.histories.map((h) => h.state),
    ['CREATED', 'RUNNING', 'PAUSED', 'RUNNING', 'SUCCESS'],
  );
});

test('a Pause with a delay resumes by itself after it', () => {
  const sim = new Simulation(pauseFlow('    delay: PT1M'));
  const t0 = sim.now;
  sim.start();
  assert.equal(sim.ex.state, 'SUCCESS');
  assert.equal(sim.runsOf('after')[0]!.histories[0]!.at - t0, 60_000);
});

test('pauseDuration with behavior FAIL fails the task when the duration passes', () => {
  const sim = new Simulation(pauseFlow('    pauseDuration: PT5M\n    behavior: FAIL')).start();
  assert.equal(sim.stateOf('wait'), 'FAILED');
  assert.equal(sim.ex.state, 'FAILED');
});

test('a Pause timeout fails the task; a resume before it cancels the timer', () => {
  const timedOut = new Simulation(pauseFlow('    timeout: PT10M')).start();
  assert.equal(timedOut.stateOf('wait'), 'FAILED');
  assert.equal(timedOut.runsOf('after').length, 0);
  assert.match(timedOut.logs.find((l) => l.level === 'ERROR')?.message ?? '', /timed out after PT10M/);

  const resumed = new Simulation(pauseFlow('    timeout: PT10M'));
  resumed.send({ type: 'start' });
  resumed.send({ type: 'resume' });
  resumed.run();
  assert.equal(resumed.ex.state, 'SUCCESS');
  assert.equal(resumed.timers.size, 0);
});
