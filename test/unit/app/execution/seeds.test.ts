/**
 * The seed examples that need only core tasks, run with the outcome the Kestra release notes
 * describe: once with the fake runner on virtual time, once with the real embedded runner.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { ExecutionDocument } from '../../../../app/src/execution/contract.ts';
import { embeddedService, parseFlow, webhookStandIn } from './embedded.ts';
import { harness, runsOf, stateOf } from './harness.ts';

const seed = (name: string) =>
  readFileSync(new URL(`../../../fixtures/flows/seeds/${name}.yaml`, import.meta.url), 'utf8');
const kvSeed = {
  company: { my_key_from_company_namespace: 'value from company' },
  test: { test_value: 'value from test' },
};

async function embedded(yaml: string, inputs: Record<string, unknown> = {}) {
  const service = embeddedService(kvSeed);
  const started = await service.start({ flow: parseFlow(yaml), inputs });
  const doc = await service.waitForTerminal(started.id);
  return { doc, logs: await service.logs(doc.id) };
}

/** Run a seed both ways and hand each result to the same assertions. */
async function bothWays(
  yaml: string,
  check: (doc: ExecutionDocument, messages: string[]) => void,
  inputs = {},
) {
  const h = harness({ kv: kvSeed });
  const fake = await h.run(yaml, inputs);
  check(fake, await h.messages(fake.id));
  const real = await embedded(yaml, inputs);
  check(
    real.doc,
    real.logs.map((l) => l.message),
  );
}

test('conditional_branching: the task runs when the input defaults to true', async () => {
  await bothWays(seed('conditional_branching'), (doc, messages) => {
    assert.equal(doc.state.current, 'SUCCESS');
    assert.equal(stateOf(doc, 'run_if_true'), 'SUCCESS');
    assert.ok(messages.includes('Hello World!'));
  });
  await bothWays(
    seed('conditional_branching'),
    (doc) => {
      assert.equal(stateOf(doc, 'run_if_true'), 'SKIPPED');
      assert.equal(doc.state.current, 'SUCCESS');
    },
    { run_task: 'false' },
  );
});

test('fail: SUCCESS through allowFailure + allowWarning', async () => {
  await bothWays(seed('fail'), (doc) => {
    assert.equal(stateOf(doc, 'warn'), 'SUCCESS');
    assert.equal(doc.state.current, 'SUCCESS');
  });
});

test('error_logs_demo: the alert message contains "Something went wrong"', async () => {
  await bothWays(seed('error_logs_demo'), (doc, messages) => {
    assert.equal(doc.state.current, 'FAILED');
    assert.equal(stateOf(doc, 'alert'), 'SUCCESS');
    const alert = messages.find((m) => m.startsWith('Failure alert:'));
    assert.match(alert ?? '', /Something went wrong/);
  });
});

test('key_value_inheritance: kv() finds the parent namespace’s key and an explicit namespace', async () => {
  await bothWays(seed('key_value_inheritance'), (doc, messages) => {
    assert.equal(doc.state.current, 'SUCCESS');
    assert.deepEqual(messages, ['value from company', 'value from test']);
  });
});

test('alerts_demo: afterExecution sends only the failure alert (Slack replaced by a local stand-in)', async () => {
  const slack = await webhookStandIn();
  try {
    const yaml = seed('alerts_demo').replaceAll('https://hooks.slack.com/services/xxxxx', slack.url);
    const { doc } = await embedded(yaml);
    assert.equal(doc.state.current, 'FAILED');
    assert.equal(stateOf(doc, 'onSuccess'), 'SKIPPED');
    assert.equal(stateOf(doc, 'onFailure'), 'SUCCESS');
    assert.equal(slack.bodies.length, 1);
    assert.equal(JSON.parse(slack.bodies[0]!).text, 'Oh no, company.team.alerts_demo failed!!!');
  } finally {
    await slack.close();
  }
  const h = harness();
  const fake = await h.run(seed('alerts_demo'));
  assert.equal(fake.state.current, 'FAILED');
  assert.equal(stateOf(fake, 'onFailure'), 'SUCCESS');
});

test('sla_example on the real clock: FAILED about 2 s after the start, label sla: missed', async () => {
  const { doc } = await embedded(seed('sla_example'));
  assert.equal(doc.state.current, 'FAILED');
  const took = Date.parse(doc.state.endDate!) - Date.parse(doc.state.startDate!);
  assert.ok(took >= 2000 && took < 2500, `ended after ${took} ms`);
  assert.ok(doc.labels.some((l) => l.key === 'sla' && l.value === 'missed'));
  assert.equal(runsOf(doc, 'never_executed_task').length, 0);
  assert.equal(stateOf(doc, 'sleepyhead'), 'KILLED');
});
