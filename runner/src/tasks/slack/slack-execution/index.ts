/**
 * `io.kestra.plugin.slack.SlackExecution`: POST a summary of execution `executionId` (this one by
 * default) to the webhook `url`: namespace, flow, execution id and state, the failing task when
 * there is one, `customMessage` first and `customFields` appended. The summary comes from the
 * runner's `execution` service when present; without it only what the task run knows is sent.
 */
import type {
  ExecutionSummary,
  RunnableTask,
  TaskContext,
} from '../../../../../protocol/src/task-contract.ts';
import { text } from '../../support/logging.ts';
import { type PropertyReader, propertiesOf } from '../../support/properties.ts';
import { postToSlack } from '../../support/slack.ts';

const TYPE = 'io.kestra.plugin.slack.SlackExecution';
const COLORS: Record<string, string> = {
  SUCCESS: 'good',
  WARNING: 'warning',
  FAILED: 'danger',
  KILLED: 'danger',
};

export const slackExecutionTask: RunnableTask = {
  type: TYPE,
  async run(ctx) {
    const p = propertiesOf(TYPE, ctx);
    const url = p.string('url');
    if (p.has('templateUri'))
      ctx.logger.log('WARN', 'templateUri is not supported by Osprey; the default execution summary is sent');
    const summary = await summaryOf(ctx, p.optionalString('executionId') || ctx.run.executionId);
    await postToSlack(ctx.run.taskId, url, JSON.stringify(payload(p, summary)), ctx.signal);
    return { state: 'SUCCESS' };
  },
};

async function summaryOf(ctx: TaskContext, id: string): Promise<ExecutionSummary> {
  const found = await ctx.services.execution?.(id);
  if (found !== undefined) return found;
  // Without the service, the current execution is still known by its identity, not its state.
  const own = id === ctx.run.executionId;
  return {
    id,
    namespace: own ? ctx.run.namespace : '?',
    flowId: own ? ctx.run.flowId : '?',
    state: own ? 'RUNNING' : 'UNKNOWN',
  };
}

export function payload(p: PropertyReader, s: ExecutionSummary): Record<string, unknown> {
  const failed = s.taskRuns?.find((t) => t.state === 'FAILED');
  const lines = [
    p.optionalString('customMessage'),
    `[${s.namespace}] ${s.flowId} ➛ ${s.state}`,
    `Execution ${s.id}${s.duration === undefined ? '' : ` after ${s.duration}`}${failed === undefined ? '' : `, failed on task ${failed.taskId}`}`,
  ].filter((l): l is string => l !== undefined && l !== '');
  const fields = [
    { title: 'Namespace', value: s.namespace, short: true },
    { title: 'Flow', value: s.flowId, short: true },
    { title: 'Execution', value: s.id, short: true },
    { title: 'State', value: s.state, short: true },
  ];
  const custom = p.raw('customFields');
  if (typeof custom === 'object' && custom !== null && !Array.isArray(custom)) {
    for (const [title, value] of Object.entries(custom))
      fields.push({ title, value: text(value), short: true });
  }
  const optional: Record<string, string | undefined> = {
    channel: p.optionalString('channel'),
    username: p.optionalString('username'),
    icon_url: p.optionalString('iconUrl'),
    icon_emoji: p.optionalString('iconEmoji'),
  };
  return {
    ...Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== undefined)),
    text: lines.join('\n'),
    attachments: [{ color: COLORS[s.state] ?? '#cccccc', fields }],
  };
}
