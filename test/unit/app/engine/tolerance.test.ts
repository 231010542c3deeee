/** allowFailure, allowWarning, the AllowFailure flowable, runIf and disabled tasks. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { flow } from './flows.ts';
import { simulate } from './simulator.ts';

const fails = (id: string) => (run: { taskId: string }) =>
  run.taskId === id ? { state: 'FAILED' as const } : { state: 'SUCCESS' as const };

test('allowFailure turns FAILED into WARNING and the flow goes on', () => {
  const f = flow(`
id: af
namespace: company.team
tasks:
  - id: shaky
    type: io.kestra.plugin.core.execution.Fail
    allowFailure: true
  - id: next
    type: io.kestra.plugin.core.log.Log
    message: still here
`);
  const sim = simulate(f, { job: fails('shaky') });
  assert.equal(sim.stateOf('shaky'), 'WARNING');
  assert.equal(sim.runsOf('shaky')[0]?.attempts[0]?.state, 'FAILED');
  assert.equal(sim.stateOf('next'), 'SUCCESS');
  assert.equal(sim.ex.state, 'WARNING');
});

test('allowFailure + allowWarning ends the task and the execution in SUCCESS (seed: fail)', () => {
  const f = flow(`
id: fail
namespace: company.team
tasks:
  - id: warn
    type: io.kestra.plugin.core.execution.Fail
    allowFailure: true
    allowWarning: true
`);
  const sim = simulate(f, { job: fails('warn') });
  assert.equal(sim.stateOf('warn'), 'SUCCESS');
  assert.equal(sim.ex.state, 'SUCCESS');
});

test('allowWarning turns a WARNING result into SUCCESS', () => {
  const f = flow(`
id: aw
namespace: company.team
tasks:
  - id: w
    type: io.kestra.plugin.core.log.Log
    message: x
    allowWarning: true
`);
  const sim = simulate(f, { job: () => ({ state: 'WARNING' }) });
  assert.equal(sim.stateOf('w'), 'SUCCESS');
  assert.equal(sim.ex.state, 'SUCCESS');
});

test('the AllowFailure flowable stops at the failure, ends WARNING, and the flow goes on', () => {
  const f = flow(`
id: afl
namespace: company.team
tasks:
  - id: tolerant
    type: io.kestra.plugin.core.flow.AllowFailure
    tasks:
      - id: bad
        type: io.kestra.plugin.core.execution.Fail
      - id: skipped_after_bad
        type: io.kestra.plugin.core.log.Log
        message: x
  - id: next
    type: io.kestra.plugin.core.log.Log
    message: y
`);
  const sim = simulate(f, { job: fails('bad') });
  assert.equal(sim.stateOf('bad'), 'FAILED');
  assert.equal(sim.stateOf('tolerant'), 'WARNING');
  assert.equal(sim.runsOf('skipped_after_bad').length, 0);
  assert.equal(sim.stateOf('next'), 'SUCCESS');
  assert.equal(sim.ex.state, 'WARNING');
});

test('runIf false skips the task (SKIPPED) and the next one runs', () => {
  const f = flow(`
id: runif
namespace: company.team
tasks:
  - id: maybe
    type: io.kestra.plugin.core.log.Log
    message: x
    runIf: "{{ run_it }}"
  - id: always
    type: io.kestra.plugin.core.log.Log
    message: y
`);
  const skipped = simulate(f, { vars: { run_it: 'false' } });
  assert.equal(skipped.stateOf('maybe'), 'SKIPPED');
  assert.equal(skipped.runsOf('maybe')[0]?.attempts.length, 0);
  assert.equal(skipped.stateOf('always'), 'SUCCESS');
  assert.equal(skipped.ex.state, 'SUCCESS');
  const ran = simulate(f, { vars: { run_it: 'true' } });
  assert.equal(ran.stateOf('maybe'), 'SUCCESS');
});

test('a literal runIf: false skips without a render round trip', () => {
  const f = flow(`
id: runif2
namespace: company.team
tasks:
  - id: never
    type: io.kestra.plugin.core.log.Log
    message: x
    runIf: false
`);
  const sim = simulate(f);
  assert.equal(sim.stateOf('never'), 'SKIPPED');
  assert.equal(sim.commands.filter((c) => c.kind === 'render').length, 0);
});

test('a disabled task is as if absent, at any depth', () => {
  const f = flow(`
id: dis
namespace: company.team
tasks:
  - id: off
    type: io.kestra.plugin.core.execution.Fail
    disabled: true
  - id: par
    type: io.kestra.plugin.core.flow.Parallel
    tasks:
      - id: on
        type: io.kestra.plugin.core.log.Log
        message: x
      - id: off_inside
        type: io.kestra.plugin.core.execution.Fail
        disabled: true
`);
  const sim = simulate(f, {
    job: (r) => (r.taskId.startsWith('off') ? { state: 'FAILED' } : { state: 'SUCCESS' }),
  });
  assert.deepEqual(sim.order(), ['par', 'on']);
  assert.equal(sim.ex.state, 'SUCCESS');
});
