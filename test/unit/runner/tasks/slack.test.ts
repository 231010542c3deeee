import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ExternalServiceError } from '../../../../protocol/src/task-contract.ts';
import { slackExecutionTask } from '../../../../runner/src/tasks/slack/slack-execution/index.ts';
import { slackIncomingWebhookTask } from '../../../../runner/src/tasks/slack/slack-incoming-webhook/index.ts';
import { standIn, testContext } from '../helpers.ts';

describe('Slack tasks against a local stand-in', () => {
  let slack: Awaited<ReturnType<typeof standIn>>;
  before(async () => {
    slack = await standIn((req, res) =>
      req.url.includes('revoked') ? res.writeHead(404).end('no_service') : res.end('ok'),
    );
  });
  after(() => slack.close());

  test('SlackIncomingWebhook posts the payload as written, as JSON', async () => {
    const payload = '{\n  "text": "Oh no, company.team.alerts_demo failed!!!"\n}\n';
    const t = await testContext({ url: `${slack.url}/services/T/B/X`, payload });
    assert.equal((await slackIncomingWebhookTask.run(t.ctx)).state, 'SUCCESS');
    const got = slack.received.at(-1)!;
    assert.equal(got.method, 'POST');
    assert.equal(got.url, '/services/T/B/X');
    assert.equal(got.headers['content-type'], 'application/json');
    assert.equal(got.body.toString(), payload);
    await t.cleanup();
  });

  test('SlackIncomingWebhook sends messageText as {"text": ...}', async () => {
    const t = await testContext({ url: `${slack.url}/hook`, messageText: 'say "hi"' });
    await slackIncomingWebhookTask.run(t.ctx);
    assert.deepEqual(JSON.parse(slack.received.at(-1)!.body.toString()), { text: 'say "hi"' });
    await t.cleanup();
  });

  test('SlackIncomingWebhook refuses a payload that is not JSON, before sending', async () => {
    const before = slack.received.length;
    const t = await testContext({ url: `${slack.url}/hook`, payload: '{"text": "broken "quote""}' });
    await assert.rejects(
      slackIncomingWebhookTask.run(t.ctx),
      /property 'payload' is not valid JSON after rendering/,
    );
    assert.equal(slack.received.length, before);
    await t.cleanup();
  });

  test('a refused webhook fails naming only the host, never the token path', async () => {
    const t = await testContext({ url: `${slack.url}/services/revoked/SECRET-TOKEN`, messageText: 'x' });
    await assert.rejects(slackIncomingWebhookTask.run(t.ctx), (e: Error) => {
      assert.ok(e instanceof ExternalServiceError);
      assert.match(
        e.message,
        /the Slack webhook at http:\/\/127\.0\.0\.1:\d+ answered HTTP 404 \(no_service\)/,
      );
      assert.doesNotMatch(e.message, /SECRET-TOKEN/);
      return true;
    });
    await t.cleanup();
  });

  test('SlackExecution posts a summary with namespace, flow, execution id and state', async () => {
    const t = await testContext(
      {
        url: `${slack.url}/hook`,
        channel: '#general',
        executionId: 'ex-42',
        customMessage: 'Heads up',
        customFields: { Env: 'prod' },
      },
      {
        services: {
          execution: async (id) => ({
            id,
            namespace: 'company.team',
            flowId: 'etl',
            state: 'FAILED',
            duration: 'PT3S',
            taskRuns: [
              { taskId: 'extract', state: 'SUCCESS' },
              { taskId: 'load', state: 'FAILED' },
            ],
          }),
        },
      },
    );
    await slackExecutionTask.run(t.ctx);
    const sent = JSON.parse(slack.received.at(-1)!.body.toString());
    assert.equal(sent.channel, '#general');
    assert.equal(
      sent.text,
      'Heads up\n[company.team] etl ➛ FAILED\nExecution ex-42 after PT3S, failed on task load',
    );
    assert.equal(sent.attachments[0].color, 'danger');
    assert.deepEqual(
      sent.attachments[0].fields.map((f: { title: string; value: string }) => `${f.title}=${f.value}`),
      ['Namespace=company.team', 'Flow=etl', 'Execution=ex-42', 'State=FAILED', 'Env=prod'],
    );
    await t.cleanup();
  });

  test('SlackExecution without an execution service reports the current run it knows', async () => {
    const t = await testContext({ url: `${slack.url}/hook` });
    await slackExecutionTask.run(t.ctx);
    const sent = JSON.parse(slack.received.at(-1)!.body.toString());
    assert.match(sent.text, /\[company\.team\] demo ➛ RUNNING\nExecution exec1/);
    await t.cleanup();
  });
});
