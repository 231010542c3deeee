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
