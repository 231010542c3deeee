/** What expressions see while a flow runs: inputs, outputs (nested in loops), tasks, execution, parent, vars. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { harness } from './harness.ts';

test('a task sees inputs, vars, earlier outputs, tasks.<id>.state and kestra env', async () => {
  const h = harness();
  const doc = await h.run(
    `
id: ctx
namespace: company.team
inputs:
  - { id: who, type: STRING }
variables:
  greeting: Hello
tasks:
  - id: first
    type: io.kestra.plugin.core.debug.Return
    format: "{{ vars.greeting }} {{ inputs.who }}"
  - id: second
    type: io.kestra.plugin.core.log.Log
    message: "{{ outputs.first.value }} / {{ tasks.first.state }} / {{ flow.namespace }}.{{ flow.id }} / {{ kestra.environment }}"
`,
    { who: 'Ada' },
  );
  assert.equal(doc.state.current, 'SUCCESS');
  assert.deepEqual(await h.messages(doc.id), ['Hello Ada / SUCCESS / company.team.ctx / test']);
});

test('inside ForEach: taskrun.value, outputs nested by value, parent.taskrun.value in nested loops', async () => {
  const h = harness();
  const doc = await h.run(`
id: loops
namespace: company.team
tasks:
  - id: outer
    type: io.kestra.plugin.core.flow.ForEach
    values: ["a", "b"]
    tasks:
      - id: inner
        type: io.kestra.plugin.core.flow.ForEach
        values: ["x"]
        tasks:
          - id: ret
            type: io.kestra.plugin.core.debug.Return
            format: "{{ parent.taskrun.value }}-{{ taskrun.value }}"
          - id: show
            type: io.kestra.plugin.core.log.Log
            message: "{{ outputs.ret[parent.taskrun.value][taskrun.value].value }}"
  - id: after
    type: io.kestra.plugin.core.log.Log
    message: "{{ outputs.ret['b']['x'].value }}"
`);
  assert.equal(doc.state.current, 'SUCCESS');
  assert.deepEqual(await h.messages(doc.id), ['a-x', 'b-x', 'b-x']);
});

test('afterExecution sees execution.state; finally sees RUNNING', async () => {
  const h = harness();
  const doc = await h.run(`
id: states
namespace: company.team
tasks:
  - id: boom
    type: io.kestra.plugin.core.execution.Fail
    errorMessage: nope
finally:
  - id: fin
    type: io.kestra.plugin.core.log.Log
    message: "finally in {{ execution.state }}"
afterExecution:
  - id: on_success
    runIf: "{{ execution.state == 'SUCCESS' }}"
    type: io.kestra.plugin.core.log.Log
    message: ok
  - id: on_failure
    runIf: "{{ execution.state == 'FAILED' }}"
    type: io.kestra.plugin.core.log.Log
    message: "after in {{ execution.state }}"
`);
  assert.equal(doc.state.current, 'FAILED');
  assert.deepEqual(await h.messages(doc.id, 'INFO'), ['finally in RUNNING', 'after in FAILED']);
  assert.equal(doc.taskRunList.find((t) => t.taskId === 'on_success')?.state.current, 'SKIPPED');
});

test('a property that cannot render fails the task with a message naming the task and property', async () => {
  const h = harness();
  const doc = await h.run(`
id: bad
namespace: company.team
tasks:
  - id: broken
    type: io.kestra.plugin.core.log.Log
    message: "{{ outputs.missing.value }}"
`);
  assert.equal(doc.state.current, 'FAILED');
  const [error] = await h.messages(doc.id, 'ERROR');
  assert.match(error ?? '', /Task 'broken': cannot render 'message'/);
});

test('render() of a variable holding an expression, and flow outputs at the end', async () => {
  const h = harness();
  const doc = await h.run(
    `
id: vars
namespace: company.team
inputs:
  - { id: n, type: INT }
variables:
  doubled: "{{ inputs.n * 2 }}"
tasks:
  - id: t
    type: io.kestra.plugin.core.debug.Return
    format: "{{ render(vars.doubled) }}"
outputs:
  - { id: result, type: INT, value: "{{ outputs.t.value }}" }
`,
    { n: '21' },
  );
  assert.equal(doc.state.current, 'SUCCESS');
  assert.deepEqual(doc.outputs, { result: 42 });
});
