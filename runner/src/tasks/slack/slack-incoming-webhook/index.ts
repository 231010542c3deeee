/**
 * `io.kestra.plugin.slack.SlackIncomingWebhook`: POST `payload` (a JSON document, sent as written)
 * or `{"text": messageText}` to the webhook `url`. A payload that is not JSON fails before sending:
 * Slack would refuse it, and the message here says which task wrote it.
 */
import type { RunnableTask } from '../../../../../protocol/src/task-contract.ts';
import { propertiesOf } from '../../support/properties.ts';
import { postToSlack } from '../../support/slack.ts';

const TYPE = 'io.kestra.plugin.slack.SlackIncomingWebhook';

export const slackIncomingWebhookTask: RunnableTask = {
  type: TYPE,
  async run(ctx) {
    const p = propertiesOf(TYPE, ctx);
    const url = p.string('url');
    const messageText = p.optionalString('messageText');
    let payload = p.optionalString('payload');
    if (payload === undefined) {
      if (messageText === undefined)
        p.fail('payload', 'is missing: set payload (a JSON message) or messageText');
      payload = JSON.stringify({ text: messageText });
    } else {
      try {
        JSON.parse(payload);
      } catch (e) {
        p.fail(
          'payload',
          `is not valid JSON after rendering (${(e as Error).message}); use "{{ value | json }}" to embed text safely`,
        );
      }
    }
    await postToSlack(ctx.run.taskId, url, payload, ctx.signal);
    return { state: 'SUCCESS' };
  },
};
