import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TaskFailure } from '../../../../protocol/src/task-contract.ts';
import { findTask, taskRegistry } from '../../../../runner/src/tasks/registry.ts';
import { testContext } from '../helpers.ts';

const templated = taskRegistry.get('io.kestra.plugin.core.templating.TemplatedTask')!;

test('TemplatedTask renders the spec and runs the task it describes', async () => {
  const rendered: string[] = [];
  const t = await testContext(
    { spec: 'type: io.kestra.plugin.core.log.Log\nmessage: "{{ greeting }}"\nlevel: WARN\n' },
    {
      services: {
        render: async (template) => {
          rendered.push(template);
          return template.replace('{{ greeting }}', 'hello from a template');
        },
      },
    },
  );
  const result = await templated.run(t.ctx);
  assert.equal(result.state, 'SUCCESS');
  assert.equal(rendered.length, 1);
  assert.deepEqual(t.logs, [{ level: 'WARN', message: 'hello from a template' }]);
  await t.cleanup();
});

test('TemplatedTask returns the outputs of the templated task and accepts old type names', async () => {
  const t = await testContext({
    spec: 'id: inner\ntype: io.kestra.core.tasks.debugs.Return\nformat: "42"\n',
  });
  assert.deepEqual((await templated.run(t.ctx)).outputs, { value: '42' });
  await t.cleanup();
});

test('TemplatedTask refuses bad specs with a clear message', async () => {
  const cases: Array<[string, RegExp]> = [
    ['type: [unclosed', /is not valid YAML/],
    ['- a list', /must be a YAML map with a type/],
    ['message: no type', /has no type/],
    ['type: io.kestra.plugin.core.flow.Sequential\ntasks: []', /is a flowable task/],
    ['type: io.kestra.plugin.core.templating.TemplatedTask\nspec: x', /cannot be another TemplatedTask/],
    ['type: com.example.Unknown', /names task type 'com.example.Unknown'/],
    ['type: io.kestra.plugin.core.log.Log\nmesage: typo', /is not a valid io.kestra.plugin.core.log.Log/],
  ];
  for (const [spec, expected] of cases) {
    const t = await testContext({ spec });
    await assert.rejects(
      templated.run(t.ctx),
      (e: TaskFailure) => !e.retryable && expected.test(e.message),
      spec,
    );
    await t.cleanup();
  }
});

test('the registry resolves aliases to one plugin and lists canonical names', () => {
  assert.equal(findTask('io.kestra.core.tasks.log.Log'), taskRegistry.get('io.kestra.plugin.core.log.Log'));
  assert.equal(
    findTask('io.kestra.plugin.notifications.slack.SlackIncomingWebhook')?.type,
    'io.kestra.plugin.slack.SlackIncomingWebhook',
  );
  assert.equal(findTask('io.kestra.plugin.scripts.r.Script'), undefined);
  for (const [type, plugin] of taskRegistry) assert.equal(plugin.type, type);
  assert.ok(taskRegistry.size >= 22);
});
