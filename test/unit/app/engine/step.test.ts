/** The engine's contract: pure, deterministic, and a plain task costs one step. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createExecution, step } from '../../../../app/src/engine/index.ts';
import { flow } from './flows.ts';
import { simulate } from './simulator.ts';

const twoLogs = flow(`
id: two
namespace: company.team
tasks:
  - id: a
    type: io.kestra.plugin.core.log.Log
    message: first
  - id: b
    type: io.kestra.plugin.core.log.Log
    message: second
`);

const env = (now: number) => {
  let n = 0;
  return { now, newId: () => `id${++n}`, random: () => 0 };
};

test('start creates the first task run and asks for its job, nothing more', () => {
  const ex = createExecution(twoLogs, { id: 'e1', now: 1 });
  const r = step(ex, twoLogs, { type: 'start' }, env(2));
  assert.equal(r.execution.state, 'RUNNING');
  assert.deepEqual(
    r.execution.taskRuns.map((t) => [t.taskId, t.state]),
    [['a', 'RUNNING']],
  );
  assert.deepEqual(r.commands, [{ kind: 'run', taskRunId: 'id1', attempt: 1 }]);
});

test('step never mutates the execution it is given', () => {
  const ex = createExecution(twoLogs, { id: 'e1', now: 1 });
  const started = step(ex, twoLogs, { type: 'start' }, env(2)).execution;
  const frozen = JSON.stringify(started);
  const next = step(
    started,
    twoLogs,
    { type: 'taskResult', taskRunId: 'id1', attempt: 1, state: 'SUCCESS' },
    env(3),
  );
  assert.equal(JSON.stringify(started), frozen);
  assert.notEqual(next.execution, started);
  assert.deepEqual(
    next.execution.taskRuns.map((t) => t.state),
    ['SUCCESS', 'RUNNING'],
  );
});

test('the same events with the same env give the same execution', () => {
  const a = simulate(twoLogs).ex;
  const b = simulate(twoLogs).ex;
  assert.deepEqual(a, b);
  assert.equal(a.state, 'SUCCESS');
});

test('a result for an old attempt or an unknown task run is ignored', () => {
  const ex = createExecution(twoLogs, { id: 'e1', now: 1 });
  const started = step(ex, twoLogs, { type: 'start' }, env(2)).execution;
  const stale = step(
    started,
    twoLogs,
    { type: 'taskResult', taskRunId: 'id1', attempt: 7, state: 'FAILED' },
    env(3),
  );
  assert.equal(stale.execution.taskRuns[0]?.state, 'RUNNING');
  const unknown = step(
    started,
    twoLogs,
    { type: 'taskResult', taskRunId: 'nope', attempt: 1, state: 'FAILED' },
    env(3),
  );
  assert.equal(unknown.execution.state, 'RUNNING');
});

test('tasks run in order and the execution ends SUCCESS with CREATED → RUNNING → SUCCESS', () => {
  const sim = simulate(twoLogs);
  assert.deepEqual(sim.order(), ['a', 'b']);
  assert.deepEqual(
    sim.ex.histories.map((h) => h.state),
    ['CREATED', 'RUNNING', 'SUCCESS'],
  );
  assert.deepEqual(
    sim.ex.taskRuns[0]?.histories.map((h) => h.state),
    ['CREATED', 'RUNNING', 'SUCCESS'],
  );
});

test('a failed task stops the flow: later tasks are never created', () => {
  const sim = simulate(twoLogs, {
    job: (run) => (run.taskId === 'a' ? { state: 'FAILED', error: 'x' } : { state: 'SUCCESS' }),
  });
  assert.equal(sim.ex.state, 'FAILED');
  assert.deepEqual(sim.order(), ['a']);
});
