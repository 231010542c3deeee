/** ForEach (values de-duplicated, concurrencyLimit, outputs nested by value), Each*, WaitFor rounds. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { outputsOf } from '../../../../app/src/engine/index.ts';
import { flow } from './flows.ts';
import { simulate } from './simulator.ts';

const forEach = (values: string, limit?: number) =>
  flow(`
id: fe
namespace: company.team
tasks:
  - id: each
    type: io.kestra.plugin.core.flow.ForEach
    values: ${values}
${limit === undefined ? '' : `    concurrencyLimit: ${limit}`}
    tasks:
      - id: first
        type: io.kestra.plugin.core.debug.Return
        format: x
      - id: second
        type: io.kestra.plugin.core.debug.Return
        format: y
`);

test('ForEach runs its tasks once per distinct value, one value after the other by default', () => {
  const sim = simulate(forEach('["a", "b", "a", "c"]'), {
    job: (r) => ({ state: 'SUCCESS', outputs: { value: `${r.taskId}-${r.value}` } }),
  });
  assert.deepEqual(
    sim.ex.taskRuns.filter((r) => r.taskId !== 'each').map((r) => `${r.taskId}:${r.value}`),
    ['first:a', 'second:a', 'first:b', 'second:b', 'first:c', 'second:c'],
  );
  assert.equal(sim.ex.state, 'SUCCESS');
});

test('ForEach values may come rendered as a JSON string', () => {
  const sim = simulate(forEach('"{{ list }}"'), { vars: { list: '[1, 2, 2]' } });
  assert.deepEqual([...new Set(sim.runsOf('first').map((r) => r.value))], ['1', '2']);
});

test('concurrencyLimit caps the values in flight; 0 runs them all at once', () => {
  let max = 0;
  const job = (_r: unknown, _a: number, s: { running: Set<string> }) => {
    max = Math.max(max, s.running.size);
    return undefined;
  };
  simulate(forEach('[a, b, c, d]', 2), { job });
  assert.equal(max, 2);
  max = 0;
  simulate(forEach('[a, b, c, d]', 0), { job });
  assert.equal(max, 4);
});

test('outputs of loop children nest by value, nested loops by the value path', () => {
  const f = flow(`
id: nested
namespace: company.team
tasks:
  - id: outer
    type: io.kestra.plugin.core.flow.ForEach
    values: [a, b]
    tasks:
      - id: inner
        type: io.kestra.plugin.core.flow.ForEach
        values: [x, y]
        tasks:
          - id: leaf
            type: io.kestra.plugin.core.debug.Return
            format: v
`);
  const sim = simulate(f, { job: (r) => ({ state: 'SUCCESS', outputs: { value: r.valuePath?.join('/') } }) });
  const outputs = outputsOf(sim.ex.taskRuns) as { leaf: Record<string, Record<string, { value: string }>> };
  assert.equal(outputs.leaf['a']?.['y']?.value, 'a/y');
  assert.equal(outputs.leaf['b']?.['x']?.value, 'b/x');
  const leaf = sim.runsOf('leaf').find((r) => r.valuePath?.join('/') === 'b/y')!;
  assert.equal(leaf.value, 'y');
  const parent = sim.ex.taskRuns.find((r) => r.id === leaf.parentId)!;
  assert.equal(parent.value, 'b');
});

test('a failed iteration stops the ForEach: later values never start', () => {
  const sim = simulate(forEach('[a, b, c]'), {
    job: (r) => (r.value === 'b' ? { state: 'FAILED' } : { state: 'SUCCESS' }),
  });
  assert.deepEqual([...new Set(sim.runsOf('first').map((r) => r.value))], ['a', 'b']);
  assert.equal(sim.stateOf('each'), 'FAILED');
});

test('EachSequential and EachParallel accept `value`', () => {
  const seq = flow(`
id: es
namespace: company.team
tasks:
  - id: each
    type: io.kestra.core.tasks.flows.EachSequential
    value: [1, 2]
    tasks:
      - { id: t, type: io.kestra.plugin.core.log.Log, message: m }
`);
  assert.deepEqual(
    simulate(seq)
      .runsOf('t')
      .map((r) => r.value),
    ['1', '2'],
  );
  let max = 0;
  const par = flow(`
id: ep
namespace: company.team
tasks:
  - id: each
    type: io.kestra.plugin.core.flow.EachParallel
    value: [1, 2, 3]
    tasks:
      - { id: t, type: io.kestra.plugin.core.log.Log, message: m }
`);
  simulate(par, {
    job: (_r, _a, s) => {
      max = Math.max(max, s.running.size);
      return undefined;
    },
  });
  assert.equal(max, 3);
});

const waitFor = (extra = '') =>
  flow(`
id: wf
namespace: company.team
tasks:
  - id: poll
    type: io.kestra.plugin.core.flow.WaitFor
    condition: "{{ done }}"
    checkFrequency: { interval: PT10S, maxIterations: 5 }
${extra}
    tasks:
      - { id: check, type: io.kestra.plugin.core.log.Log, message: m }
`);

test('WaitFor repeats its tasks every interval until the condition is true', () => {
  let rounds = 0;
  const sim = simulate(waitFor(), {
    vars: { done: () => (rounds >= 3 ? 'true' : 'false') },
    job: () => {
      rounds++;
      return { state: 'SUCCESS' };
    },
  });
  const checks = sim.runsOf('check');
  assert.deepEqual(
    checks.map((r) => r.iteration),
    [0, 1, 2],
  );
  assert.equal(checks[1]!.histories[0]!.at - checks[0]!.histories[0]!.at, 10_000);
  assert.equal(sim.runsOf('poll')[0]?.outputs?.['iterationCount'], 3);
  assert.equal(sim.ex.state, 'SUCCESS');
});

test('WaitFor stops at maxIterations: SUCCESS by default, FAILED with failOnMaxReached', () => {
  const never = { vars: { done: 'false' } };
  const ok = simulate(waitFor(), never);
  assert.equal(ok.runsOf('check').length, 5);
  assert.equal(ok.ex.state, 'SUCCESS');
  const failed = simulate(waitFor('    failOnMaxReached: true'), never);
  assert.equal(failed.ex.state, 'FAILED');
});
