/**
 * `retry` on a Subflow task (docs: workflow-components/retries; "maxAttempts" counts every attempt):
 * each attempt starts a new child execution, and the task run keeps one attempt per child.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { harness, runsOf } from './harness.ts';

const child = `
id: child
namespace: company.team
tasks:
  - id: flaky
    type: io.kestra.plugin.core.log.Log
    message: working
`;

const parent = (retry: string) => `
id: parent
namespace: company.team
tasks:
  - id: call
    type: io.kestra.plugin.core.flow.Subflow
    namespace: company.team
    flowId: child
${retry}
  - id: after
    type: io.kestra.plugin.core.log.Log
    message: "child {{ outputs.call.executionId }} ended {{ outputs.call.state }}"
`;

const RETRY = '    retry:\n      type: constant\n      interval: PT1S\n      maxAttempts: 3\n';

test('a failed child is retried with a new child execution; success on the second attempt', async () => {
  let calls = 0;
  const h = harness({
    flows: [child],
    scripts: {
      flaky: async () => (++calls === 1 ? { state: 'FAILED', error: 'first time' } : { state: 'SUCCESS' }),
    },
  });
  const doc = await h.run(parent(RETRY));
  assert.equal(doc.state.current, 'SUCCESS');
  const [call] = runsOf(doc, 'call');
  assert.deepEqual(
    call?.attempts.map((a) => a.state.current),
    ['FAILED', 'SUCCESS'],
  );
  assert.equal(calls, 2, 'two child executions ran');
  assert.ok(
    (await h.messages(doc.id, 'WARN')).some((m) => m.startsWith('Attempt 1 failed; retrying in 1000 ms')),
  );
});

test('maxAttempts counts every attempt: 3 children, then the task fails', async () => {
  let calls = 0;
  const h = harness({
    flows: [child],
    scripts: {
      flaky: async () => {
        calls++;
        return { state: 'FAILED', error: 'always' };
      },
    },
  });
  const doc = await h.run(parent(RETRY));
  assert.equal(doc.state.current, 'FAILED');
  assert.equal(runsOf(doc, 'call')[0]?.attempts.length, 3);
  assert.equal(calls, 3);
  assert.equal(runsOf(doc, 'after').length, 0);
});

test('without retry a Subflow has one attempt', async () => {
  const h = harness({ flows: [child] });
  const doc = await h.run(parent(''));
  assert.equal(doc.state.current, 'SUCCESS');
  assert.equal(runsOf(doc, 'call')[0]?.attempts.length, 1);
});
