/** Retries: attempts counted on the task run, back-off from the policy, limits, warningOnRetry, new executions. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileRetry } from '../../../../app/src/engine/retry.ts';
import { flow } from './flows.ts';
import { Simulation, simulate } from './simulator.ts';

const flaky = (retry: string, failures: number) => {
  const f = flow(`
id: retry
namespace: company.team
tasks:
  - id: flaky
    type: io.kestra.plugin.core.log.Log
    message: x
    retry:
${retry.replace(/^/gm, '      ')}
`);
  return simulate(f, {
    job: (_run, attempt) =>
      attempt <= failures ? { state: 'FAILED', error: `try ${attempt}` } : { state: 'SUCCESS' },
  });
};

test('a constant retry adds attempts to the same task run until it succeeds', () => {
  const sim = flaky('type: constant\ninterval: PT10S\nmaxAttempts: 5', 2);
  const run = sim.runsOf('flaky');
  assert.equal(run.length, 1);
  assert.deepEqual(
    run[0]?.attempts.map((a) => a.state),
    ['FAILED', 'FAILED', 'SUCCESS'],
  );
  assert.deepEqual(
    run[0]?.histories.map((h) => h.state),
    ['CREATED', 'RUNNING', 'RETRYING', 'RUNNING', 'RETRYING', 'RUNNING', 'SUCCESS'],
  );
  assert.equal(sim.ex.state, 'SUCCESS');
  const starts = run[0]!.attempts.map((a) => a.histories[0]!.at);
  assert.deepEqual([starts[1]! - starts[0]!, starts[2]! - starts[1]!], [10_000, 10_000]);
});

test('maxAttempts counts every attempt: 3 attempts, then FAILED', () => {
  const sim = flaky('type: constant\ninterval: PT1S\nmaxAttempts: 3', 99);
  assert.equal(sim.runsOf('flaky')[0]?.attempts.length, 3);
  assert.equal(sim.ex.state, 'FAILED');
});

test('the older maxAttempt spelling is honoured', () => {
  const sim = flaky('type: constant\ninterval: PT1S\nmaxAttempt: 2', 99);
  assert.equal(sim.runsOf('flaky')[0]?.attempts.length, 2);
});

test('maxDuration stops retrying once the next attempt would start too late', () => {
  const sim = flaky('type: constant\ninterval: PT10S\nmaxDuration: PT25S', 99);
  assert.equal(sim.runsOf('flaky')[0]?.attempts.length, 3);
  assert.equal(sim.ex.state, 'FAILED');
});

test('warningOnRetry: a success after a retry is a WARNING', () => {
  const sim = flaky('type: constant\ninterval: PT1S\nmaxAttempts: 3\nwarningOnRetry: true', 1);
  assert.equal(sim.stateOf('flaky'), 'WARNING');
  assert.equal(sim.ex.state, 'WARNING');
});

test('a non-retryable failure is not retried', () => {
  const f = flow(`
id: nr
namespace: company.team
tasks:
  - id: t
    type: io.kestra.plugin.core.log.Log
    message: x
    retry: { type: constant, interval: PT1S, maxAttempts: 5 }
`);
  const sim = simulate(f, { job: () => ({ state: 'FAILED', retryable: false }) });
  assert.equal(sim.runsOf('t')[0]?.attempts.length, 1);
});

test('exponential back-off doubles up to maxInterval; random stays in its range', () => {
  const exp = compileRetry({ type: 'exponential', interval: 'PT1S', maxInterval: 'PT5S', maxAttempts: 10 })!;
  assert.deepEqual(
    [1, 2, 3, 4].map((n) => exp.delay(n, 0)),
    [1000, 2000, 4000, 5000],
  );
  const rnd = compileRetry({ type: 'random', minInterval: 'PT1S', maxInterval: 'PT3S', maxAttempts: 10 })!;
  assert.deepEqual([rnd.delay(1, 0), rnd.delay(1, 0.5), rnd.delay(1, 0.999)], [1000, 2000, 2998]);
});

test('the jitter of a random retry comes from the env, not Math.random', () => {
  const f = flow(`
id: rnd
namespace: company.team
tasks:
  - id: t
    type: io.kestra.plugin.core.log.Log
    message: x
    retry: { type: random, minInterval: PT1S, maxInterval: PT11S, maxAttempts: 2 }
`);
  const sim = simulate(f, {
    random: 0.25,
    job: (_r, a) => (a === 1 ? { state: 'FAILED' } : { state: 'SUCCESS' }),
  });
  const [a1, a2] = sim.runsOf('t')[0]!.attempts;
  assert.equal(a2!.histories[0]!.at - a1!.histories[0]!.at, 3500);
});

test('flow-level retry applies to tasks without their own', () => {
  const f = flow(`
id: fr
namespace: company.team
retry: { type: constant, interval: PT1S, maxAttempts: 2 }
tasks:
  - id: t
    type: io.kestra.plugin.core.log.Log
    message: x
`);
  const sim = simulate(f, { job: () => ({ state: 'FAILED' }) });
  assert.equal(sim.runsOf('t')[0]?.attempts.length, 2);
});

test('CREATE_NEW_EXECUTION ends the execution RETRIED and asks for a new one', () => {
  const f = flow(`
id: cne
namespace: company.team
tasks:
  - id: t
    type: io.kestra.plugin.core.log.Log
    message: x
    retry: { type: constant, interval: PT30S, maxAttempts: 3, behavior: CREATE_NEW_EXECUTION }
`);
  const sim = simulate(f, { job: () => ({ state: 'FAILED' }) });
  assert.equal(sim.stateOf('t'), 'FAILED');
  assert.equal(sim.ex.state, 'RETRIED');
  assert.deepEqual(
    sim.commands.filter((c) => c.kind === 'retryExecution'),
    [{ kind: 'retryExecution', delayMs: 30_000 }],
  );
  // The third execution is the last one maxAttempts allows: it stays FAILED.
  const last = new Simulation(f, { job: () => ({ state: 'FAILED' }) });
  last.ex = { ...last.ex, attemptNumber: 3 };
  last.start();
  assert.equal(last.ex.state, 'FAILED');
  assert.equal(last.commands.filter((c) => c.kind === 'retryExecution').length, 0);
});

/** Kestra's own test flows (core/src/test/resources/flows/valids/retry-flowable*.yaml, RetryCaseTest). */
const retry = (n: number) => `retry: { type: constant, interval: PT1S, maxAttempt: ${n} }`;

/** A flow whose one flowable (`head` lines under its type) holds `body`; every job fails. */
function failing(head: string, body: string, top = '') {
  const f = flow(`
id: retry-flowable
namespace: io.kestra.tests
${top}
tasks:
  - id: flowable
    ${head.replace(/\n/g, '\n    ')}
${body.replace(/^/gm, '    ')}
`);
  return simulate(f, { job: () => ({ state: 'FAILED' }) });
}
const FAIL = (id: string) => `- id: ${id}\n  type: io.kestra.plugin.core.execution.Fail`;

test('retry on a Sequential retries its failed child 3 times, attempts on the child (retry-flowable)', () => {
  const sim = failing(
    `type: io.kestra.plugin.core.flow.Sequential\n${retry(3)}`,
    `tasks:\n${FAIL('child').replace(/^/gm, '  ')}`,
  );
  assert.equal(sim.ex.state, 'FAILED');
  assert.deepEqual(sim.order(), ['flowable', 'child']);
  assert.equal(sim.runsOf('child')[0]?.attempts.length, 3);
  assert.deepEqual(sim.runsOf('flowable')[0]?.attempts, []);
  assert.equal(sim.stateOf('flowable'), 'FAILED');
});

test('a child that passes on a retry lets its flowable go on and succeed', () => {
  const f = flow(`
id: retry-flowable-pass
namespace: io.kestra.tests
tasks:
  - id: flowable
    type: io.kestra.plugin.core.flow.Sequential
    ${retry(3)}
    tasks:
      - id: first
        type: io.kestra.plugin.core.log.Log
        message: a
      - id: second
        type: io.kestra.plugin.core.log.Log
        message: b
`);
  const sim = simulate(f, {
    job: (run, attempt) =>
      run.taskId === 'first' && attempt < 3 ? { state: 'FAILED' } : { state: 'SUCCESS' },
  });
  assert.equal(sim.ex.state, 'SUCCESS');
  assert.deepEqual(
    sim.runsOf('first')[0]?.attempts.map((a) => a.state),
    ['FAILED', 'FAILED', 'SUCCESS'],
  );
  assert.equal(sim.runsOf('second')[0]?.attempts.length, 1);
  assert.deepEqual(
    sim.runsOf('flowable')[0]?.histories.map((h) => h.state),
    ['CREATED', 'RUNNING', 'SUCCESS'],
  );
});

test('the nearest enclosing retry wins, a task’s own retry wins over it, the flow’s comes last', () => {
  const nested = failing(
    `type: io.kestra.plugin.core.flow.Sequential\n${retry(2)}`,
    `tasks:\n  - id: inner\n    type: io.kestra.plugin.core.flow.Sequential\n    ${retry(3)}\n    tasks:\n${FAIL('child').replace(/^/gm, '      ')}`,
    retry(5),
  );
  assert.equal(nested.runsOf('child')[0]?.attempts.length, 3);
  const own = failing(
    `type: io.kestra.plugin.core.flow.Sequential\n${retry(3)}`,
    `tasks:\n${FAIL('own').replace(/^/gm, '  ')}\n    ${retry(4)}`,
  );
  assert.equal(own.runsOf('own')[0]?.attempts.length, 4);
  const flowLevel = failing(
    'type: io.kestra.plugin.core.flow.Sequential',
    `tasks:\n${FAIL('child').replace(/^/gm, '  ')}`,
    retry(2),
  );
  assert.equal(flowLevel.runsOf('child')[0]?.attempts.length, 2);
});

test('retry on a ForEach retries each failed iteration on its own (retry-flowable-parallel)', () => {
  const sim = failing(
    `type: io.kestra.plugin.core.flow.ForEach\nconcurrencyLimit: 0\nvalues: [0, 1]\n${retry(3)}`,
    `tasks:\n${FAIL('child').replace(/^/gm, '  ')}`,
  );
  assert.equal(sim.ex.state, 'FAILED');
  assert.deepEqual(
    sim.runsOf('child').map((r) => [r.value, r.attempts.length]),
    [
      ['0', 3],
      ['1', 3],
    ],
  );
});

test('retry on If, Switch, Parallel and WorkingDirectory applies to the tasks of the branch that runs', () => {
  for (const [type, extra, list] of [
    ['If', 'condition: "true"', 'then'],
    ['Switch', 'value: a', 'cases:\n  a'],
    ['Parallel', '', 'tasks'],
    ['WorkingDirectory', '', 'tasks'],
  ] as const) {
    const sim = failing(
      `type: io.kestra.plugin.core.flow.${type}\n${extra}\n${retry(3)}`,
      `${list}:\n${FAIL('child').replace(/^/gm, '  ')}`,
    );
    assert.equal(sim.runsOf('child')[0]?.attempts.length, 3, type);
    assert.equal(sim.ex.state, 'FAILED', type);
  }
});

test('a flowable that fails by itself is not retried (a Switch without a matching case)', () => {
  const sim = failing(
    `type: io.kestra.plugin.core.flow.Switch\nvalue: z\n${retry(3)}`,
    `cases:\n  a:\n${FAIL('child').replace(/^/gm, '    ')}`,
  );
  assert.equal(sim.stateOf('flowable'), 'FAILED');
  assert.deepEqual(sim.runsOf('flowable')[0]?.attempts, []);
  assert.equal(sim.runsOf('flowable').length, 1);
  assert.deepEqual(sim.runsOf('child'), []);
});
