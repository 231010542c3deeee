/**
 * Integration plugins that the Kestra release notes use (Slack, DuckDB, Snowflake CLI, GraalVM).
 * Their schemas live here so flows validate; their runners live in `runner/src/tasks/`.
 */
import { z } from 'zod';
import { Json, StringOrList } from '../../schema/primitives.ts';
import { InputFiles } from '../core/flowable.ts';
import type { TaskDefinition } from '../registry.ts';
import { ScriptCommon } from './scripts.ts';

const FetchType = z.enum(['FETCH', 'FETCH_ONE', 'STORE', 'NONE']);

export const integrationTasks: TaskDefinition[] = [
  {
    type: 'io.kestra.plugin.slack.SlackIncomingWebhook',
    aliases: ['io.kestra.plugin.notifications.slack.SlackIncomingWebhook'],
    kind: 'runnable',
    description: 'Post a message to a Slack incoming webhook.',
    properties: {
      url: z.string().min(1),
      payload: z.string().optional(),
      messageText: z.string().optional(),
    },
  },
  {
    type: 'io.kestra.plugin.slack.SlackExecution',
    aliases: ['io.kestra.plugin.notifications.slack.SlackExecution'],
    kind: 'runnable',
    description: 'Post a summary of an execution to a Slack incoming webhook.',
    properties: {
      url: z.string().min(1),
      channel: z.string().optional(),
      username: z.string().optional(),
      iconUrl: z.string().optional(),
      iconEmoji: z.string().optional(),
      executionId: z.string().optional(),
      customMessage: z.string().optional(),
      customFields: z.record(z.string(), Json).optional(),
      templateUri: z.string().optional(),
      templateRenderMap: z.record(z.string(), Json).optional(),
    },
  },
  {
    type: 'io.kestra.plugin.jdbc.duckdb.Query',
    kind: 'runnable',
    workingDirectory: true,
    description: 'Run SQL on DuckDB with input files in the working directory.',
    properties: {
      sql: z.string(),
      url: z.string().optional(),
      databaseUri: z.string().optional(),
      inputFiles: InputFiles.optional(),
      outputFiles: z.array(z.string()).optional(),
      outputDbFile: z.boolean().optional(),
      fetchType: FetchType.optional(),
      fetch: z.boolean().optional(),
      fetchOne: z.boolean().optional(),
      store: z.boolean().optional(),
      parameters: z.record(z.string(), Json).optional(),
      timeZoneId: z.string().optional(),
      username: z.string().optional(),
      password: z.string().optional(),
    },
  },
  {
    type: 'io.kestra.plugin.jdbc.snowflake.SnowflakeCLI',
    kind: 'runnable',
    description: 'Run Snowflake CLI (`snow`) commands.',
    properties: {
      commands: StringOrList,
      account: z.string().optional(),
      username: z.string().optional(),
      password: z.string().optional(),
      ...ScriptCommon,
    },
  },
  {
    type: 'io.kestra.plugin.graalvm.python.Eval',
    kind: 'runnable',
    description: 'Evaluate a Python script and expose the listed variables as outputs.',
    properties: {
      script: z.string(),
      outputs: z.array(z.string()).optional(),
      inputFiles: InputFiles.optional(),
    },
  },
];
