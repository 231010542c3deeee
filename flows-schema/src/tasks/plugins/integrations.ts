/**
 * Integration plugins that the Kestra release notes use (Slack, Snowflake CLI, GraalVM); SQL tasks
 * are in jdbc.ts.
 * Their schemas live here so flows validate; their runners live in `runner/src/tasks/`.
 */
import { z } from 'zod';
import { Json, StringOrList } from '../../schema/primitives.ts';
import { InputFiles } from '../core/flowable.ts';
import type { TaskDefinition } from '../registry.ts';
import { ScriptCommon } from './scripts.ts';

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
