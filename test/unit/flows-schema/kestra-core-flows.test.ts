/**
 * Forms of Kestra's own core test flows (core/src/test/resources/flows/valids) that Osprey refused:
 * values rendered in another execution's context, SLA ids, and old type names Kestra still
 * declares as aliases. Each flow here is written in the shape of one of those.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultRegistry } from '../../../flows-schema/src/schema/flow.ts';
import { validateFlowSource } from '../../../flows-schema/src/validate/validate-flow.ts';

const issues = (source: string) =>
  validateFlowSource(source).issues.map((i) => `${i.severity} ${i.code}: ${i.message}`);

test("a Flow trigger's inputs and labels read the execution that ended: its outputs and inputs are not this flow's", () => {
  const flow = `id: listener
namespace: company.team
inputs:
  - id: from-parent
    type: STRING
tasks:
  - id: echo
    type: io.kestra.plugin.core.debug.Return
    format: "{{ inputs['from-parent'] }}"
triggers:
  - id: upstream_done
    type: io.kestra.plugin.core.trigger.Flow
    inputs:
      from-parent: "{{ outputs.produce.value }} for {{ inputs.customer }}"
    labels:
      upstream: "{{ outputs.produce.value }}"
    conditions:
      - type: io.kestra.plugin.core.condition.ExecutionFlow
        namespace: company.team
        flowId: producer
`;
  assert.deepEqual(issues(flow), []);
  // The task itself still reads this flow's outputs: a wrong name there is an error.
  const wrong = flow.replace(
    `format: "{{ inputs['from-parent'] }}"`,
    'format: "{{ outputs.produce.value }}"',
  );
  assert.deepEqual(
    issues(wrong).map((i) => i.split(':')[0]),
    ['error unknown-output-reference'],
  );
});

test("a Subflow's outputs are rendered in the child's context: the child's task ids are fine there", () => {
  const flow = `id: parent
namespace: company.team
tasks:
  - id: launch
    type: io.kestra.plugin.core.flow.Subflow
    namespace: company.team
    flowId: child
    wait: true
    outputs:
      extracted: "{{ outputs.default.value ?? outputs['error-t1'].value }}"
      certain: "{{ outputs.child_task.value }}"
  - id: after
    type: io.kestra.plugin.core.log.Log
    message: "{{ outputs.launch.outputs.extracted }}"
`;
  assert.deepEqual(issues(flow), []);
});

test('two SLAs may share an id, as in Kestra (its FlowValidator does not check SLA ids)', () => {
  const flow = `id: sla_same_id
namespace: company.team
inputs:
  - id: string
    type: SELECT
    values: [PASS, CANCEL, LABEL]
    defaults: PASS
sla:
  - id: condition
    type: EXECUTION_ASSERTION
    behavior: CANCEL
    assert: "{{ inputs.string != 'CANCEL' }}"
  - id: condition
    type: EXECUTION_ASSERTION
    behavior: NONE
    assert: "{{ inputs.string != 'LABEL' }}"
    labels:
      sla: violated
tasks:
  - id: return
    type: io.kestra.plugin.core.debug.Return
    format: "true"
`;
  assert.deepEqual(issues(flow), []);
});

for (const [old, canonical, properties] of [
  [
    'io.kestra.core.tasks.executions.Counts',
    'Count',
    'startDate: "{{ now() | dateAdd(-1, \'HOURS\') }}"\n    expression: "{{ count == 0 }}"\n    flows:\n      - namespace: company.team\n        flowId: other\n    states: [SUCCESS]',
  ],
  [
    'io.kestra.core.tasks.flows.Worker',
    'WorkingDirectory',
    'tasks:\n      - id: inside\n        type: io.kestra.plugin.core.log.Log\n        message: hi',
  ],
  [
    'io.kestra.core.tasks.templating.TemplatedTask',
    'TemplatedTask',
    'spec: |\n      type: io.kestra.plugin.core.log.Log\n      message: hi',
  ],
  ['io.kestra.core.tasks.trigger.Toggle', 'Toggle', 'trigger: schedule\n    enabled: true'],
] as const) {
  test(`Kestra's alias ${old} is accepted (an old name, as Kestra still accepts it)`, () => {
    const flow = `id: aliased
namespace: company.team
tasks:
  - id: t
    type: ${old}
    ${properties}
triggers:
  - id: schedule
    type: io.kestra.plugin.core.trigger.Schedule
    cron: "0 * * * *"
`;
    assert.deepEqual(issues(flow), []);
    assert.equal(defaultRegistry.get(old)?.type.split('.').at(-1), canonical);
  });
}

test('the old MultipleCondition type name is accepted', () => {
  const flow = `id: multiple
namespace: company.team
tasks:
  - id: t
    type: io.kestra.plugin.core.log.Log
    message: hi
triggers:
  - id: both_done
    type: io.kestra.plugin.core.trigger.Flow
    conditions:
      - type: io.kestra.core.models.conditions.types.MultipleCondition
        id: both
        window: PT1H
        conditions:
          first:
            type: io.kestra.plugin.core.condition.ExecutionFlow
            namespace: company.team
            flowId: first
          second:
            type: io.kestra.plugin.core.condition.ExecutionFlow
            namespace: company.team
            flowId: second
`;
  assert.deepEqual(
    issues(flow).filter((i) => i.startsWith('error')),
    [],
  );
});
