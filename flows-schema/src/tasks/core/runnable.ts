/** Runnable core tasks (`io.kestra.plugin.core.*`): each does one unit of work. */
import { z } from 'zod';
import { httpRequestProperties } from '../../schema/http.ts';
import {
  DynamicDuration,
  dynamic,
  Json,
  Labels,
  LogLevel,
  StateName,
  StringOrList,
} from '../../schema/primitives.ts';
import type { TaskDefinition } from '../registry.ts';

const core = (group: string, name: string) => `io.kestra.plugin.core.${group}.${name}`;
const oldCore = (group: string, name: string) => `io.kestra.core.tasks.${group}.${name}`;
const UriString = z.string().min(1);

export const runnableTasks: TaskDefinition[] = [
  {
    type: core('log', 'Log'),
    aliases: [oldCore('log', 'Log')],
    kind: 'runnable',
    description: 'Write a message (or a list of messages) to the execution logs.',
    properties: { message: StringOrList, level: LogLevel.optional() },
  },
  {
    type: core('log', 'Fetch'),
    aliases: [oldCore('log', 'Fetch')],
    kind: 'runnable',
    description:
      'Fetch the logs of an execution (this one by default) at `level` or above, of `tasksId` only, into a JSON-lines file; outputs `uri`, `size`.',
    properties: {
      namespace: z.string().optional(),
      flowId: z.string().optional(),
      executionId: z.string().optional(),
      tasksId: z.array(z.string()).optional(),
      level: LogLevel.optional(),
    },
  },
  {
    type: core('debug', 'Return'),
    aliases: [oldCore('debugs', 'Return')],
    kind: 'runnable',
    description: 'Render `format` and return it as the `value` output.',
    properties: { format: z.string().optional() },
  },
  {
    type: core('debug', 'Echo'),
    aliases: [oldCore('debugs', 'Echo')],
    kind: 'runnable',
    description: 'Deprecated: log `format`.',
    properties: { format: z.string(), level: LogLevel.optional() },
  },
  {
    type: core('output', 'OutputValues'),
    aliases: [oldCore('outputs', 'OutputValues')],
    kind: 'runnable',
    description: 'Expose rendered values as the `values` output.',
    properties: { values: z.record(z.string(), Json) },
  },
  {
    type: core('execution', 'Fail'),
    aliases: [oldCore('executions', 'Fail')],
    kind: 'runnable',
    description:
      'Fail the task (and the execution) with `errorMessage`, unconditionally or when `condition` is true.',
    properties: {
      errorMessage: z.string().optional(),
      condition: z.union([z.string(), z.boolean()]).optional(),
    },
  },
  {
    type: core('execution', 'Exit'),
    kind: 'runnable',
    description: 'End the execution now in `state` (SUCCESS, WARNING, KILLED, FAILED, CANCELED).',
    properties: {
      state: z.enum(['SUCCESS', 'WARNING', 'KILLED', 'FAILED', 'CANCELED', 'CANCELLED']).optional(),
    },
  },
  {
    type: core('execution', 'Labels'),
    aliases: [oldCore('executions', 'Labels')],
    kind: 'runnable',
    description: 'Add or update labels of the current execution.',
    properties: { labels: z.union([Labels, z.string()]) },
  },
  {
    type: core('execution', 'Resume'),
    kind: 'runnable',
    description: 'Resume a paused execution (by default the current one’s parent or the given id).',
    properties: {
      executionId: z.string().optional(),
      namespace: z.string().optional(),
      flowId: z.string().optional(),
      inputs: z.record(z.string(), Json).optional(),
    },
  },
  {
    type: core('execution', 'Count'),
    aliases: [oldCore('executions', 'Counts')],
    kind: 'runnable',
    description: 'Count executions matching filters and expose `results`.',
    properties: {
      namespaces: z.array(z.string()).optional(),
      flows: z.array(z.strictObject({ namespace: z.string(), flowId: z.string() })).optional(),
      states: z.array(z.string()).optional(),
      startDate: z.string(),
      endDate: z.string().optional(),
      expression: z.string(),
    },
  },
  {
    type: core('flow', 'Sleep'),
    kind: 'runnable',
    description: 'Wait for `duration`.',
    properties: { duration: DynamicDuration },
  },
  {
    type: core('storage', 'Write'),
    kind: 'runnable',
    description: 'Write `content` to internal storage; output `uri`.',
    properties: { content: z.string(), extension: z.string().optional() },
  },
  {
    type: core('storage', 'Concat'),
    aliases: [oldCore('storages', 'Concat')],
    kind: 'runnable',
    description: 'Concatenate files of internal storage; output `uri`.',
    properties: {
      files: z.union([z.array(z.string()), z.string()]),
      separator: z.string().optional(),
      extension: z.string().optional(),
    },
  },
  {
    type: core('storage', 'Size'),
    aliases: [oldCore('storages', 'Size')],
    kind: 'runnable',
    description: 'Size in bytes of a file of internal storage; output `size`.',
    properties: { uri: UriString },
  },
  {
    type: core('storage', 'Delete'),
    aliases: [oldCore('storages', 'Delete')],
    kind: 'runnable',
    description: 'Delete a file of internal storage; output `uri`, `deleted`.',
    properties: { uri: UriString, errorOnMissing: z.boolean().optional() },
  },
  {
    type: core('storage', 'LocalFiles'),
    aliases: [oldCore('storages', 'LocalFiles')],
    kind: 'runnable',
    description:
      'Deprecated (use `inputFiles`/`outputFiles`): write `inputs` into the working directory, upload files matching the `outputs` globs; output `uris`.',
    deprecated: 'use the inputFiles and outputFiles properties of WorkingDirectory or of the script task',
    properties: {
      inputs: z.union([z.record(z.string(), z.string()), z.string()]).optional(),
      outputs: z.array(z.string()).optional(),
    },
  },
  {
    type: core('storage', 'Split'),
    aliases: [oldCore('storages', 'Split')],
    kind: 'runnable',
    description:
      'Split a file of internal storage by `bytes`, `lines`/`rows` or `partitions`; output `uris`.',
    properties: {
      from: UriString,
      bytes: z.string().optional(),
      partitions: dynamic(z.int().min(1)).optional(),
      rows: dynamic(z.int().min(1)).optional(),
      lines: dynamic(z.int().min(1)).optional(),
      separator: z.string().optional(),
    },
  },
  {
    type: core('storage', 'Reverse'),
    aliases: [oldCore('storages', 'Reverse')],
    kind: 'runnable',
    description:
      'Reverse the lines of a file of internal storage (last line first), each followed by `separator`; output `uri`.',
    properties: {
      from: UriString,
      separator: z.string().optional(),
      charset: z.string().optional(),
    },
  },
  {
    type: core('storage', 'FilterItems'),
    aliases: [oldCore('storages', 'FilterItems')],
    kind: 'runnable',
    description:
      'Keep the items (one Ion struct per line) of a file of internal storage that `filterCondition` matches, rendered per item with its fields as variables (`filterType` INCLUDE or EXCLUDE; `errorOrNullBehavior` FAIL, INCLUDE or EXCLUDE); outputs `uri`, `processedItemsTotal`, `droppedItemsTotal`.',
    properties: {
      from: UriString,
      filterCondition: z.string().min(1),
      filterType: dynamic(z.enum(['INCLUDE', 'EXCLUDE'])).optional(),
      errorOrNullBehavior: dynamic(z.enum(['FAIL', 'INCLUDE', 'EXCLUDE'])).optional(),
    },
    renderedByTask: ['filterCondition'],
  },
  {
    type: core('storage', 'DeduplicateItems'),
    aliases: [oldCore('storages', 'DeduplicateItems')],
    kind: 'runnable',
    description:
      'Keep the last item (one Ion struct per line) of each key of a file of internal storage, in file order; the key is `expr` rendered per item with its fields as variables; outputs `uri`, `numKeys`, `processedItemsTotal`, `droppedItemsTotal`.',
    properties: { from: UriString, expr: z.string().min(1) },
    renderedByTask: ['expr'],
  },
  {
    type: core('storage', 'PurgeCurrentExecutionFiles'),
    aliases: [oldCore('storages', 'PurgeExecution'), core('storage', 'PurgeExecution')],
    kind: 'runnable',
    description:
      'Delete every file of internal storage the current execution stored (inputs, outputs, trigger files); output `uris`, the URIs deleted. `includeChildExecutions` and `includeStates` change nothing, as in Kestra.',
    properties: {
      includeChildExecutions: dynamic(z.boolean()).optional(),
      includeStates: dynamic(z.boolean()).optional(),
    },
  },
  {
    type: core('http', 'Request'),
    aliases: ['io.kestra.plugin.fs.http.Request'],
    kind: 'runnable',
    description: 'Make an HTTP request; outputs `code`, `headers`, `body`.',
    properties: {
      uri: z.string(),
      ...httpRequestProperties,
      allowFailed: z.boolean().optional(),
      failOnEmptyResponse: z.boolean().optional(),
      encryptBody: z.boolean().optional(),
    },
  },
  {
    type: core('http', 'Download'),
    aliases: ['io.kestra.plugin.fs.http.Download'],
    kind: 'runnable',
    description: 'Download a URL into internal storage; outputs `uri`, `code`, `length`, `headers`.',
    properties: {
      uri: z.string(),
      method: z.enum(['GET', 'POST', 'PUT', 'DELETE', 'PATCH']).optional(),
      body: z.string().optional(),
      headers: z.record(z.string(), z.string()).optional(),
      failOnEmptyResponse: z.boolean().optional(),
      options: z.looseObject({}).optional(),
    },
  },
  {
    type: core('kv', 'Set'),
    kind: 'runnable',
    description: 'Store a key-value pair in the KV store.',
    properties: {
      key: z.string().min(1),
      value: Json,
      namespace: z.string().optional(),
      overwrite: z.boolean().optional(),
      ttl: DynamicDuration.optional(),
      kvType: z.enum(['STRING', 'NUMBER', 'BOOLEAN', 'DATETIME', 'DATE', 'DURATION', 'JSON']).optional(),
    },
  },
  {
    type: core('kv', 'Get'),
    kind: 'runnable',
    description: 'Read a key from the KV store; output `value`.',
    properties: {
      key: z.string().min(1),
      namespace: z.string().optional(),
      errorOnMissing: z.boolean().optional(),
    },
  },
  {
    type: core('kv', 'Delete'),
    kind: 'runnable',
    description: 'Delete a key from the KV store; output `deleted`.',
    properties: {
      key: z.string().min(1),
      namespace: z.string().optional(),
      errorOnMissing: z.boolean().optional(),
    },
  },
  {
    type: core('kv', 'GetKeys'),
    kind: 'runnable',
    description: 'List keys of a namespace (optionally by `prefix`); output `keys`.',
    properties: { prefix: z.string().optional(), namespace: z.string().optional() },
  },
  ...(['Set', 'Get', 'Delete'] as const).map(
    (name): TaskDefinition => ({
      type: core('state', name),
      aliases: [oldCore('states', name)],
      kind: 'runnable',
      description:
        name === 'Set'
          ? 'Deprecated (use kv.Set): merge `data` into a state kept in the KV store; outputs `count`, `key`.'
          : name === 'Get'
            ? 'Deprecated (use kv.Get): read a state from the KV store; outputs `data`, `count`.'
            : 'Deprecated (use kv.Delete): delete a state from the KV store; output `deleted`.',
      deprecated: `use io.kestra.plugin.core.kv.${name} (states are kept in the KV store)`,
      properties: {
        name: z.string().optional(),
        namespace: z.boolean().optional(),
        taskrunValue: z.boolean().optional(),
        ...(name === 'Set'
          ? { data: z.record(z.string(), Json) }
          : { errorOnMissing: z.boolean().optional() }),
      },
    }),
  ),
  {
    type: core('namespace', 'UploadFiles'),
    kind: 'runnable',
    description: 'Upload files to namespace files.',
    properties: {
      namespace: z.string(),
      files: z.union([z.array(z.string()), z.string()]).optional(),
      filesMap: z.union([z.record(z.string(), z.string()), z.string()]).optional(),
      destination: z.string().optional(),
      conflict: z.enum(['OVERWRITE', 'ERROR', 'SKIP']).optional(),
    },
  },
  {
    type: core('namespace', 'DownloadFiles'),
    kind: 'runnable',
    description: 'Download namespace files into internal storage; output `files`.',
    properties: {
      namespace: z.string(),
      files: z.union([z.array(z.string()), z.string()]),
      destination: z.string().optional(),
    },
  },
  {
    type: core('namespace', 'DeleteFiles'),
    kind: 'runnable',
    description: 'Delete namespace files matching globs.',
    properties: { namespace: z.string(), files: z.union([z.array(z.string()), z.string()]) },
  },
  {
    type: core('trigger', 'Toggle'),
    aliases: [oldCore('trigger', 'Toggle')],
    kind: 'runnable',
    description: 'Enable or disable a trigger of a flow.',
    properties: {
      namespace: z.string().optional(),
      flowId: z.string().optional(),
      trigger: z.string(),
      enabled: z.boolean().optional(),
    },
  },
  {
    type: core('templating', 'TemplatedTask'),
    aliases: [oldCore('templating', 'TemplatedTask')],
    kind: 'runnable',
    description: 'Render `spec` (YAML of a task) and run the resulting task.',
    properties: { spec: z.string() },
  },
  {
    type: core('execution', 'PurgeExecutions'),
    aliases: [oldCore('storages', 'Purge'), core('storage', 'Purge')],
    kind: 'runnable',
    description:
      'Delete ended executions started between `startDate` and `endDate` (of a `namespace` and those under it, or of one `flowId`, in `states`), with their logs and internal-storage files; outputs `executionsCount`, `logsCount`, `storagesCount`.',
    properties: {
      namespace: z.string().optional(),
      flowId: z.string().optional(),
      startDate: z.string().optional(),
      endDate: z.string(),
      states: dynamic(z.array(StateName)).optional(),
      purgeExecution: dynamic(z.boolean()).optional(),
      purgeLog: dynamic(z.boolean()).optional(),
      purgeMetric: dynamic(z.boolean()).optional(),
      purgeStorage: dynamic(z.boolean()).optional(),
      batchSize: dynamic(z.int().min(1)).optional(),
    },
  },
  {
    type: core('log', 'PurgeLogs'),
    kind: 'runnable',
    description:
      'Delete log lines written between `startDate` and `endDate` (of a `namespace` and those under it, a `flowId`, an `executionId`, at `logLevels`); outputs `count`.',
    properties: {
      namespace: z.string().optional(),
      flowId: z.string().optional(),
      executionId: z.string().optional(),
      logLevels: dynamic(z.array(LogLevel)).optional(),
      startDate: z.string().optional(),
      endDate: z.string(),
      purgeExecutionLogs: dynamic(z.boolean()).optional(),
      purgeNonExecutionLogs: dynamic(z.boolean()).optional(),
      batchSize: dynamic(z.int().min(1)).optional(),
    },
  },
  {
    type: core('kv', 'PurgeKV'),
    kind: 'runnable',
    description:
      'Delete KV entries (expired ones only by default) of `namespaces` (with their children by default) or of namespaces matching `namespacePattern`, whose key matches `keyPattern`; output `size`.',
    properties: {
      namespaces: dynamic(z.array(z.string())).optional(),
      namespacePattern: z.string().optional(),
      includeChildNamespaces: dynamic(z.boolean()).optional(),
      keyPattern: z.string().optional(),
      expiredOnly: dynamic(z.boolean()).optional(),
      behavior: z
        .strictObject({ type: z.literal('key'), expiredOnly: dynamic(z.boolean()).optional() })
        .optional(),
    },
  },
];
