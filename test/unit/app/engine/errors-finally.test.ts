/** errors run after a failure (the scope stays FAILED), finally always runs, at flow and flowable level. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { flow } from './flows.ts';
import { simulate } from './simulator.ts';

const failing =
  (...ids: string[]) =>
  (run: { taskId: string }) =>
    ids.includes(run.taskId) ? { state: 'FAILED' as const, error: 'boom' } : { state: 'SUCCESS' as const };

const withHandlers = flow(`
id: handlers
namespace: company.team
tasks:
  - id: work
    type: io.kestra.plugin.core.log.Log
    message: working
  - id: after_work
    type: io.kestra.plugin.core.log.Log
    message: never after a failure
errors:
  - id: on_error
    type: io.kestra.plugin.core.log.Log
    message: handling
finally:
  - id: cleanup
    type: io.kestra.plugin.core.log.Log
    message: cleaning
`);

test('flow errors run after a failure, then finally; the execution stays FAILED', () => {
  const sim = simulate(withHandlers, { job: failing('work') });
  assert.deepEqual(sim.order(), ['work', 'on_error', 'cleanup']);
  assert.equal(sim.stateOf('on_error'), 'SUCCESS');
  assert.equal(sim.ex.state, 'FAILED');
});

test('without a failure errors are skipped and finally still runs', () => {
  const sim = simulate(withHandlers);
  assert.deepEqual(sim.order(), ['work', 'after_work', 'cleanup']);
  assert.equal(sim.ex.state, 'SUCCESS');
});

test('finally runs while the execution is still RUNNING', () => {
  let stateSeen = '';
  const sim = simulate(withHandlers, {
    job: (run, _a, s) => {
      if (run.taskId === 'cleanup') stateSeen = s.ex.state;
      return { state: 'SUCCESS' };
    },
  });
  assert.equal(stateSeen, 'RUNNING');
  assert.equal(sim.ex.state, 'SUCCESS');
});

test('a failure in finally fails the execution', () => {
  const sim = simulate(withHandlers, { job: failing('cleanup') });
  assert.equal(sim.ex.state, 'FAILED');
});

test('a flowable runs its own errors and finally, and stays FAILED', () => {
  const f = flow(`
id: nested
namespace: company.team
tasks:
  - id: seq
    type: io.kestra.plugin.core.flow.Sequential
    tasks:
      - id: inner
        type: io.kestra.plugin.core.execution.Fail
    errors:
      - id: seq_error
        type: io.kestra.plugin.core.log.Log
        message: inner failed
    finally:
      - id: seq_finally
        type: io.kestra.plugin.core.log.Log
        message: inner done
errors:
  - id: flow_error
    type: io.kestra.plugin.core.log.Log
    message: flow failed
`);
  const sim = simulate(f, { job: failing('inner') });
  assert.deepEqual(sim.order(), ['seq', 'inner', 'seq_error', 'seq_finally', 'flow_error']);
  assert.equal(sim.stateOf('seq'), 'FAILED');
  assert.equal(sim.runsOf('seq_error')[0]?.parentId, sim.runsOf('seq')[0]?.id);
  assert.equal(sim.ex.state, 'FAILED');
});

test('afterExecution runs once the execution is terminal and sees its final state', () => {
  const f = flow(`
id: after
namespace: company.team
tasks:
  - id: fail
    type: io.kestra.plugin.core.execution.Fail
afterExecution:
  - id: notify
    type: io.kestra.plugin.core.log.Log
    message: done
`);
  let stateSeen = '';
  const sim = simulate(f, {
    job: (run, _a, s) => {
      if (run.taskId === 'notify') stateSeen = s.ex.state;
      return run.taskId === 'fail' ? { state: 'FAILED' } : { state: 'SUCCESS' };
    },
  });
  assert.equal(stateSeen, 'FAILED');
  assert.equal(sim.stateOf('notify'), 'SUCCESS');
  assert.deepEqual(
    sim.ex.histories.map((h) => h.state),
    ['CREATED', 'RUNNING', 'FAILED'],
  );
  assert.equal(sim.ex.after?.phase, 'done');
});
