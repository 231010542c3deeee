/** Kill, manual pause/resume, restart and replay, on the pure engine. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { replayExecution } from '../../../../app/src/engine/index.ts';
import { flow } from './flows.ts';
import { Simulation, simulate } from './simulator.ts';

const threeSteps = flow(`
id: ctl
namespace: company.team
tasks:
  - id: one
    type: io.kestra.plugin.core.log.Log
    message: a
  - id: par
    type: io.kestra.plugin.core.flow.Parallel
    tasks:
      - { id: slow_a, type: io.kestra.plugin.core.log.Log, message: b }
      - { id: slow_b, type: io.kestra.plugin.core.log.Log, message: c }
  - id: three
    type: io.kestra.plugin.core.log.Log
    message: d
finally:
  - { id: fin, type: io.kestra.plugin.core.log.Log, message: f }
`);

const hangSlow = (r: { taskId: string }) =>
  r.taskId.startsWith('slow') ? undefined : { state: 'SUCCESS' as const };

test('kill: KILLING while jobs stop, then KILLED; children killed, nothing else starts', () => {
  const sim = simulate(threeSteps, { job: hangSlow });
  assert.equal(sim.running.size, 2);
  sim.send({ type: 'kill' });
  assert.equal(sim.ex.state, 'KILLING');
  assert.equal(sim.commands.filter((c) => c.kind === 'cancel').length, 2);
  sim.run();
  assert.equal(sim.ex.state, 'KILLED');
  assert.deepEqual(
    ['slow_a', 'slow_b', 'par'].map((id) => sim.stateOf(id)),
    ['KILLED', 'KILLED', 'KILLED'],
  );
  assert.equal(sim.runsOf('three').length, 0);
  assert.equal(sim.runsOf('fin').length, 0);
  assert.deepEqual(
    sim.ex.histories.map((h) => h.state),
    ['CREATED', 'RUNNING', 'KILLING', 'KILLED'],
  );
});

test('manual pause takes effect after the running task; resume continues', () => {
  const sim = new Simulation(threeSteps, { job: () => undefined });
  sim.send({ type: 'start' });
  const first = sim.ex.taskRuns[0]!.id;
  sim.send({ type: 'pause' });
  assert.equal(sim.ex.state, 'PAUSED');
  sim.finish(first, { state: 'SUCCESS' });
  sim.run();
  assert.equal(sim.stateOf('one'), 'SUCCESS');
  assert.equal(sim.runsOf('par').length, 0);
  sim.send({ type: 'resume' });
  assert.equal(sim.ex.state, 'RUNNING');
  assert.equal(sim.stateOf('par'), 'RUNNING');
});

test('restart re-runs the failed task with a new attempt and keeps what succeeded', () => {
  let failing = true;
  const sim = simulate(threeSteps, {
    job: (r) => (r.taskId === 'slow_b' && failing ? { state: 'FAILED' } : { state: 'SUCCESS' }),
  });
  assert.equal(sim.ex.state, 'FAILED');
  const finBefore = sim.runsOf('fin').length;
  failing = false;
  sim.send({ type: 'restart' });
  sim.run();
  assert.equal(sim.ex.state, 'SUCCESS');
  const slowB = sim.runsOf('slow_b');
  assert.equal(slowB.length, 1);
  assert.deepEqual(
    slowB[0]?.attempts.map((a) => a.state),
    ['FAILED', 'SUCCESS'],
  );
  assert.equal(sim.runsOf('slow_a')[0]?.attempts.length, 1);
  assert.equal(sim.runsOf('one').length, 1);
  assert.equal(sim.stateOf('three'), 'SUCCESS');
  assert.equal(finBefore, 1);
  assert.equal(sim.runsOf('fin').length, 1);
  assert.deepEqual(
    sim.ex.histories.map((h) => h.state),
    ['CREATED', 'RUNNING', 'FAILED', 'RESTARTED', 'RUNNING', 'SUCCESS'],
  );
});

test('restart counts an execution attempt and labels it system.restarted, as Kestra does', () => {
  let failing = true;
  const sim = simulate(threeSteps, {
    job: (r) => (r.taskId === 'slow_b' && failing ? { state: 'FAILED' } : { state: 'SUCCESS' }),
  });
  assert.equal(sim.ex.attemptNumber, 1);
  failing = false;
  sim.send({ type: 'restart' });
  assert.equal(sim.ex.attemptNumber, 2);
  assert.deepEqual(sim.ex.labels.at(-1), { key: 'system.restarted', value: 'true' });
  assert.deepEqual(
    sim.runsOf('par')[0]?.histories.map((h) => h.state),
    ['CREATED', 'RUNNING', 'FAILED', 'RUNNING'],
  );
  assert.equal(sim.stateOf('slow_b'), 'RUNNING');
  sim.run();
  assert.equal(sim.ex.state, 'SUCCESS');
  assert.deepEqual(
    sim.runsOf('slow_b')[0]?.histories.map((h) => h.state),
    ['CREATED', 'RUNNING', 'FAILED', 'RESTARTED', 'RUNNING', 'SUCCESS'],
  );
});

test('restart of a failure inside a WorkingDirectory runs the whole WorkingDirectory again', () => {
  const wd = flow(`
id: wd
namespace: company.team
tasks:
  - id: dir
    type: io.kestra.plugin.core.flow.WorkingDirectory
    tasks:
      - { id: write, type: io.kestra.plugin.core.log.Log, message: w }
      - id: seq
        type: io.kestra.plugin.core.flow.Sequential
        tasks:
          - { id: read, type: io.kestra.plugin.core.log.Log, message: r }
  - { id: after, type: io.kestra.plugin.core.log.Log, message: a }
`);
  let failing = true;
  const sim = simulate(wd, {
    job: (r) => (r.taskId === 'read' && failing ? { state: 'FAILED' } : { state: 'SUCCESS' }),
  });
  assert.equal(sim.ex.state, 'FAILED');
  const oldWrite = sim.runsOf('write')[0]!.id;
  failing = false;
  sim.send({ type: 'restart' });
  assert.deepEqual(sim.order().slice(0, 1), ['dir']);
  assert.equal(sim.stateOf('dir'), 'RUNNING');
  sim.run();
  assert.equal(sim.ex.state, 'SUCCESS');
  const write = sim.runsOf('write');
  assert.equal(write.length, 1);
  assert.notEqual(write[0]!.id, oldWrite, 'write ran again in a fresh folder');
  assert.equal(sim.runsOf('read')[0]?.attempts.length, 1);
  assert.deepEqual(
    sim.runsOf('dir')[0]?.histories.map((h) => h.state),
    ['CREATED', 'RUNNING', 'FAILED', 'RESTARTED', 'RUNNING', 'SUCCESS'],
  );
  assert.equal(sim.stateOf('after'), 'SUCCESS');
});

test('a KILLED execution restarts its killed task runs', () => {
  let hang = true;
  const sim = simulate(threeSteps, { job: (r) => (hang ? hangSlow(r) : { state: 'SUCCESS' }) });
  sim.send({ type: 'kill' });
  sim.run();
  assert.equal(sim.ex.state, 'KILLED');
  hang = false;
  sim.send({ type: 'restart' });
  sim.run();
  assert.equal(sim.ex.state, 'SUCCESS');
  assert.equal(sim.runsOf('slow_a')[0]?.attempts.length, 2);
  assert.equal(sim.runsOf('one')[0]?.attempts.length, 1);
});

test('restart is refused for an execution that did not fail', () => {
  const sim = simulate(threeSteps);
  sim.send({ type: 'restart' });
  assert.equal(sim.ex.state, 'SUCCESS');
});

test('replay from a task run: a new execution keeps what ran before it and runs again from it', () => {
  const sim = simulate(threeSteps);
  const from = sim.runsOf('three')[0]!;
  const copy = replayExecution(sim.ex, threeSteps, from.id, sim.env());
  assert.notEqual(copy.id, sim.ex.id);
  assert.equal(copy.originalId, sim.ex.id);
  assert.deepEqual(copy.taskRuns.map((r) => r.taskId).sort(), ['one', 'par', 'slow_a', 'slow_b']);
  const replay = new Simulation(threeSteps);
  replay.ex = copy;
  replay.start();
  assert.equal(replay.ex.state, 'SUCCESS');
  assert.deepEqual(replay.order().slice(4), ['three', 'fin']);
  assert.equal(replay.runsOf('one')[0]?.attempts.length, 1);
  assert.deepEqual(
    replay.ex.histories.map((h) => h.state),
    ['CREATED', 'RESTARTED', 'RUNNING', 'SUCCESS'],
  );
});

test('replay inside a flowable re-opens its parents', () => {
  const sim = simulate(threeSteps);
  const from = sim.runsOf('slow_b')[0]!;
  const replay = new Simulation(threeSteps);
  replay.ex = replayExecution(sim.ex, threeSteps, from.id, replay.env());
  assert.equal(replay.ex.taskRuns.find((r) => r.taskId === 'par')?.state, 'RUNNING');
  replay.start();
  assert.equal(replay.ex.state, 'SUCCESS');
  assert.equal(replay.runsOf('slow_b').length, 1);
  assert.equal(replay.stateOf('three'), 'SUCCESS');
});
