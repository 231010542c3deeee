/** Parallel, If, Switch, Dag and nesting: what runs, in which order, and the resulting states. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { flow } from './flows.ts';
import { simulate } from './simulator.ts';

const log = (id: string) =>
  `\n      - id: ${id}\n        type: io.kestra.plugin.core.log.Log\n        message: ${id}`;

test('Parallel starts all children at once, or `concurrent` at a time', () => {
  const f = (concurrent: number) =>
    flow(`
id: par
namespace: company.team
tasks:
  - id: par
    type: io.kestra.plugin.core.flow.Parallel
    concurrent: ${concurrent}
    tasks:${log('a')}${log('b')}${log('c')}
`);
  let maxRunning = 0;
  const job = (_r: unknown, _a: number, s: { running: Set<string> }) => {
    maxRunning = Math.max(maxRunning, s.running.size);
    return undefined;
  };
  // Jobs are left running so we can see how many run together, then finished one by one.
  const all = simulate(f(0), { job });
  assert.equal(maxRunning, 3);
  maxRunning = 0;
  const two = simulate(f(2), { job });
  assert.equal(maxRunning, 2);
  assert.equal(two.ex.taskRuns.filter((r) => r.taskId !== 'par').length, 2);
  for (const id of [...two.running]) two.finish(id, { state: 'SUCCESS' });
  two.run();
  assert.equal(two.ex.taskRuns.filter((r) => r.taskId !== 'par').length, 3);
  assert.equal(all.ex.state, 'RUNNING');
});

test('If runs then or else from the rendered condition', () => {
  const f = flow(`
id: if
namespace: company.team
tasks:
  - id: branch
    type: io.kestra.plugin.core.flow.If
    condition: "{{ cond }}"
    then:${log('yes')}
    else:${log('no')}
`);
  assert.deepEqual(simulate(f, { vars: { cond: 'true' } }).order(), ['branch', 'yes']);
  assert.deepEqual(simulate(f, { vars: { cond: 'false' } }).order(), ['branch', 'no']);
});

test('If without else and a false condition ends SUCCESS with no child', () => {
  const f = flow(`
id: if2
namespace: company.team
tasks:
  - id: branch
    type: io.kestra.plugin.core.flow.If
    condition: false
    then:${log('yes')}
`);
  const sim = simulate(f);
  assert.deepEqual(sim.order(), ['branch']);
  assert.equal(sim.ex.state, 'SUCCESS');
});

const switchFlow = (withDefaults: boolean) =>
  flow(`
id: sw
namespace: company.team
tasks:
  - id: route
    type: io.kestra.plugin.core.flow.Switch
    value: "{{ v }}"
    cases:
      A:${log('on_a').replaceAll('\n      ', '\n        ')}
      B:${log('on_b').replaceAll('\n      ', '\n        ')}
${withDefaults ? `    defaults:${log('fallback')}` : ''}
`);

test('Switch runs the matching case, else defaults', () => {
  assert.deepEqual(simulate(switchFlow(true), { vars: { v: 'B' } }).order(), ['route', 'on_b']);
  assert.deepEqual(simulate(switchFlow(true), { vars: { v: 'Z' } }).order(), ['route', 'fallback']);
});

test('Switch with no match and no defaults FAILS and says why', () => {
  const sim = simulate(switchFlow(false), { vars: { v: 'Z' } });
  assert.equal(sim.stateOf('route'), 'FAILED');
  assert.equal(sim.ex.state, 'FAILED');
  assert.match(sim.logs.find((l) => l.level === 'ERROR')?.message ?? '', /No case matches value 'Z'.*A, B/);
});

test('Dag starts a task once all it dependsOn succeeded', () => {
  const f = flow(`
id: dag
namespace: company.team
tasks:
  - id: dag
    type: io.kestra.plugin.core.flow.Dag
    tasks:
      - task: { id: load, type: io.kestra.plugin.core.log.Log, message: l }
        dependsOn: [transform_a, transform_b]
      - task: { id: extract, type: io.kestra.plugin.core.log.Log, message: e }
      - task: { id: transform_a, type: io.kestra.plugin.core.log.Log, message: a }
        dependsOn: [extract]
      - task: { id: transform_b, type: io.kestra.plugin.core.log.Log, message: b }
        dependsOn: [extract]
`);
  const sim = simulate(f);
  const order = sim.order();
  assert.equal(order[1], 'extract');
  assert.ok(
    order.indexOf('load') > order.indexOf('transform_a') &&
      order.indexOf('load') > order.indexOf('transform_b'),
  );
  assert.equal(sim.ex.state, 'SUCCESS');
  const failed = simulate(f, {
    job: (r) => (r.taskId === 'transform_a' ? { state: 'FAILED' } : { state: 'SUCCESS' }),
  });
  assert.equal(failed.runsOf('load').length, 0);
  assert.equal(failed.ex.state, 'FAILED');
});

test('nested flowables: a failure deep inside fails every enclosing scope', () => {
  const f = flow(`
id: deep
namespace: company.team
tasks:
  - id: outer
    type: io.kestra.plugin.core.flow.Sequential
    tasks:
      - id: par
        type: io.kestra.plugin.core.flow.Parallel
        tasks:
          - id: inner_if
            type: io.kestra.plugin.core.flow.If
            condition: true
            then:
              - id: boom
                type: io.kestra.plugin.core.execution.Fail
          - id: sibling
            type: io.kestra.plugin.core.log.Log
            message: s
      - id: after_par
        type: io.kestra.plugin.core.log.Log
        message: never
`);
  const sim = simulate(f, { job: (r) => (r.taskId === 'boom' ? { state: 'FAILED' } : { state: 'SUCCESS' }) });
  assert.deepEqual(
    ['boom', 'inner_if', 'par', 'outer'].map((id) => sim.stateOf(id)),
    ['FAILED', 'FAILED', 'FAILED', 'FAILED'],
  );
  assert.equal(sim.stateOf('sibling'), 'SUCCESS');
  assert.equal(sim.runsOf('after_par').length, 0);
  const boom = sim.runsOf('boom')[0]!;
  const ifRun = sim.runsOf('inner_if')[0]!;
  assert.equal(boom.parentId, ifRun.id);
  assert.equal(ifRun.parentId, sim.runsOf('par')[0]!.id);
});

test('a WorkingDirectory tells the executor which scope its jobs share', () => {
  const f = flow(`
id: wd
namespace: company.team
tasks:
  - id: wd
    type: io.kestra.plugin.core.flow.WorkingDirectory
    tasks:${log('one')}${log('two')}
`);
  const sim = simulate(f);
  const wdRun = sim.runsOf('wd')[0]!.id;
  const runs = sim.commands.filter((c) => c.kind === 'run');
  assert.equal(runs.length, 2);
  assert.ok(runs.every((c) => c.kind === 'run' && c.workingDirectory === wdRun));
});
