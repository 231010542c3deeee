/**
 * The one static registry of runnable task plugins, keyed by canonical Kestra type name. Older
 * names (`io.kestra.core.tasks.log.Log`) resolve through flows-schema's registry, so a plugin is
 * listed once. Adding a plugin: one folder under tasks/, one line here, its schema in flows-schema.
 */
import { defaultRegistry } from '../../../flows-schema/src/schema/flow.ts';
import type { RunnableTask } from '../../../protocol/src/task-contract.ts';
import { echoTask } from './debug/echo/index.ts';
import { returnTask } from './debug/return/index.ts';
import { exitTask } from './execution/exit/index.ts';
import { failTask } from './execution/fail/index.ts';
import { labelsTask } from './execution/labels/index.ts';
import { forEachItemMergeTask } from './flow/for-each-item-merge/index.ts';
import { sleepTask } from './flow/sleep/index.ts';
import { graalvmPythonEvalTask } from './graalvm/python/eval/index.ts';
import { downloadTask } from './http/download/index.ts';
import { requestTask } from './http/request/index.ts';
import { duckdbQueryTask } from './jdbc/duckdb/query/index.ts';
import { mariadbQueriesTask } from './jdbc/mariadb/queries/index.ts';
import { mariadbQueryTask } from './jdbc/mariadb/query/index.ts';
import { postgresQueriesTask } from './jdbc/postgresql/queries/index.ts';
import { postgresQueryTask } from './jdbc/postgresql/query/index.ts';
import { sqliteQueryTask } from './jdbc/sqlite/query/index.ts';
import { deleteKvTask } from './kv/delete/index.ts';
import { getTask } from './kv/get/index.ts';
import { getKeysTask } from './kv/get-keys/index.ts';
import { setTask } from './kv/set/index.ts';
import { auditLogShipperTask } from './log/audit-log-shipper/index.ts';
import { logTask } from './log/log/index.ts';
import { logShipperTask } from './log/log-shipper/index.ts';
import { outputValuesTask } from './output/output-values/index.ts';
import { nodeCommandsTask } from './scripts/node/commands/index.ts';
import { nodeScriptTask } from './scripts/node/script/index.ts';
import { pythonCommandsTask } from './scripts/python/commands/index.ts';
import { pythonScriptTask } from './scripts/python/script/index.ts';
import { shellCommandsTask } from './scripts/shell/commands/index.ts';
import { shellScriptTask } from './scripts/shell/script/index.ts';
import { slackExecutionTask } from './slack/slack-execution/index.ts';
import { slackIncomingWebhookTask } from './slack/slack-incoming-webhook/index.ts';
import { snowflakeCliTask } from './snowflake/snowflake-cli/index.ts';
import { stateDeleteTask } from './state/delete/index.ts';
import { stateGetTask } from './state/get/index.ts';
import { stateSetTask } from './state/set/index.ts';
import { concatTask } from './storage/concat/index.ts';
import { deduplicateItemsTask } from './storage/deduplicate-items/index.ts';
import { deleteTask } from './storage/delete/index.ts';
import { filterItemsTask } from './storage/filter-items/index.ts';
import { localFilesTask } from './storage/local-files/index.ts';
import { reverseTask } from './storage/reverse/index.ts';
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
  forEachItemMergeTask,
  returnTask,
  echoTask,
  outputValuesTask,
  writeTask,
  concatTask,
  sizeTask,
  deleteTask,
  splitTask,
  reverseTask,
  filterItemsTask,
  deduplicateItemsTask,
  localFilesTask,
  requestTask,
  downloadTask,
  setTask,
  getTask,
  deleteKvTask,
  getKeysTask,
  stateSetTask,
  stateGetTask,
  stateDeleteTask,
  slackIncomingWebhookTask,
  slackExecutionTask,
  createTemplatedTask((type) => taskRegistry.get(type)),
  shellCommandsTask,
  shellScriptTask,
  pythonCommandsTask,
  pythonScriptTask,
  nodeCommandsTask,
  nodeScriptTask,
  duckdbQueryTask,
  postgresQueryTask,
  postgresQueriesTask,
  mariadbQueryTask,
  mariadbQueriesTask,
  sqliteQueryTask,
  graalvmPythonEvalTask,
  snowflakeCliTask,
  logShipperTask,
  auditLogShipperTask,
];

export const taskRegistry: ReadonlyMap<string, RunnableTask> = new Map(plugins.map((p) => [p.type, p]));

/** The plugin for a type name or one of its aliases; undefined when Osprey cannot run it. */
export function findTask(
  type: string,
  registry: ReadonlyMap<string, RunnableTask> = taskRegistry,
): RunnableTask | undefined {
  return registry.get(type) ?? registry.get(defaultRegistry.get(type)?.type ?? '');
}
