/**
 * The one static registry of runnable task plugins, keyed by canonical Kestra type name. Older
 * names (`io.kestra.core.tasks.log.Log`) resolve through flows-schema's registry, so a plugin is
 * listed once. Script, DuckDB, Snowflake CLI and GraalVM plugins join in a later milestone.
 */
import { defaultRegistry } from '../../../flows-schema/src/schema/flow.ts';
import type { RunnableTask } from '../task-contract.ts';
import { echoTask } from './debug/echo/index.ts';
import { returnTask } from './debug/return/index.ts';
import { exitTask } from './execution/exit/index.ts';
import { failTask } from './execution/fail/index.ts';
import { labelsTask } from './execution/labels/index.ts';
import { sleepTask } from './flow/sleep/index.ts';
import { downloadTask } from './http/download/index.ts';
import { requestTask } from './http/request/index.ts';
import { deleteKvTask } from './kv/delete/index.ts';
import { getTask } from './kv/get/index.ts';
import { getKeysTask } from './kv/get-keys/index.ts';
import { setTask } from './kv/set/index.ts';
import { logTask } from './log/log/index.ts';
import { outputValuesTask } from './output/output-values/index.ts';
import { slackExecutionTask } from './slack/slack-execution/index.ts';
import { slackIncomingWebhookTask } from './slack/slack-incoming-webhook/index.ts';
import { concatTask } from './storage/concat/index.ts';
import { deleteTask } from './storage/delete/index.ts';
import { sizeTask } from './storage/size/index.ts';
import { splitTask } from './storage/split/index.ts';
import { writeTask } from './storage/write/index.ts';
import { createTemplatedTask } from './templating/templated-task/index.ts';

const plugins: RunnableTask[] = [
  logTask,
  failTask,
  exitTask,
  labelsTask,
  sleepTask,
  returnTask,
  echoTask,
  outputValuesTask,
  writeTask,
  concatTask,
  sizeTask,
  deleteTask,
  splitTask,
  requestTask,
  downloadTask,
  setTask,
  getTask,
  deleteKvTask,
  getKeysTask,
  slackIncomingWebhookTask,
  slackExecutionTask,
  createTemplatedTask((type) => taskRegistry.get(type)),
];

export const taskRegistry: ReadonlyMap<string, RunnableTask> = new Map(plugins.map((p) => [p.type, p]));

/** The plugin for a type name or one of its aliases; undefined when Osprey cannot run it. */
export function findTask(
  type: string,
  registry: ReadonlyMap<string, RunnableTask> = taskRegistry,
): RunnableTask | undefined {
  return registry.get(type) ?? registry.get(defaultRegistry.get(type)?.type ?? '');
}
