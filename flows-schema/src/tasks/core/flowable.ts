/** Flowable core tasks (`io.kestra.plugin.core.flow.*`): they orchestrate child tasks. */
import { z } from 'zod';
import {
  Duration,
  DynamicDuration,
  dynamic,
  Expression,
  Id,
  Json,
  Labels,
  Namespace,
  StateName,
} from '../../schema/primitives.ts';
import type { ChildTask, TaskDefinition, TaskNode } from '../registry.ts';
import { isTaskNode, listChildren } from '../registry.ts';
import { AnyTask, OptionalTaskList, TaskList } from '../task-ref.ts';

const old = (name: string) => [`io.kestra.core.tasks.flows.${name}`];
const errorsAndFinally = { errors: OptionalTaskList.optional(), finally: OptionalTaskList.optional() };
const withCommon = (task: TaskNode, ...keys: string[]) => listChildren(task, ...keys, 'errors', 'finally');

export const NamespaceFilesOptions = z.strictObject({
  enabled: z.boolean().optional(),
  include: z.array(z.string()).optional(),
  exclude: z.array(z.string()).optional(),
  namespaces: z.array(z.string()).optional(),
  folderPerNamespace: z.boolean().optional(),
  ifExists: z.enum(['OVERWRITE', 'FAIL', 'WARN', 'IGNORE']).optional(),
});

export const InputFiles = z.union([z.record(z.string(), z.string()), Expression]);

const waitForProperties = {
  condition: z.union([z.string(), z.boolean()]),
  tasks: TaskList,
  checkFrequency: z
    .strictObject({
      maxIterations: z.int().min(1).optional(),
      maxDuration: Duration.optional(),
      interval: Duration.optional(),
    })
    .optional(),
  failOnMaxReached: z.boolean().optional(),
};

export const flowableTasks: TaskDefinition[] = [
  {
    type: 'io.kestra.plugin.core.flow.Sequential',
    aliases: old('Sequential'),
    kind: 'flowable',
    description: 'Run tasks one after another.',
    properties: { tasks: TaskList, ...errorsAndFinally },
    children: (t) => withCommon(t, 'tasks'),
  },
  {
    type: 'io.kestra.plugin.core.flow.Parallel',
    aliases: old('Parallel'),
    kind: 'flowable',
    description: 'Run tasks in parallel (`concurrent` caps how many at once; 0 = all).',
    properties: { tasks: TaskList, concurrent: z.int().min(0).optional(), ...errorsAndFinally },
    children: (t) => withCommon(t, 'tasks'),
  },
  {
    type: 'io.kestra.plugin.core.flow.If',
    aliases: old('If'),
    kind: 'flowable',
    description: 'Run `then` when the condition is true, `else` otherwise.',
    properties: {
      condition: z.union([z.string(), z.boolean()]),
      then: TaskList,
      else: OptionalTaskList.optional(),
      ...errorsAndFinally,
    },
    children: (t) => withCommon(t, 'then', 'else'),
  },
  {
    type: 'io.kestra.plugin.core.flow.Switch',
    aliases: old('Switch'),
    kind: 'flowable',
    description: 'Run the task list of the case matching `value`; `defaults` when none matches.',
    properties: {
      value: z.union([z.string(), z.number(), z.boolean()]),
      cases: z.record(z.string(), OptionalTaskList).optional(),
      defaults: OptionalTaskList.optional(),
      ...errorsAndFinally,
    },
    children: (t) => {
      const out: ChildTask[] = [];
      const cases = t['cases'];
      if (cases && typeof cases === 'object') {
        for (const [key, list] of Object.entries(cases as Record<string, unknown>)) {
          if (!Array.isArray(list)) continue;
          for (const [i, c] of list.entries())
            if (isTaskNode(c)) out.push({ path: ['cases', key, i], task: c });
        }
      }
      return [...out, ...withCommon(t, 'defaults')];
    },
  },
  {
    type: 'io.kestra.plugin.core.flow.ForEach',
    kind: 'flowable',
    description:
      'Run the tasks once per value (values de-duplicated); `concurrencyLimit` 1 = one at a time, 0 = all at once.',
    properties: {
      values: z.union([z.string(), z.array(Json)]),
      tasks: TaskList,
      concurrencyLimit: z.int().min(0).optional(),
      ...errorsAndFinally,
    },
    children: (t) => withCommon(t, 'tasks'),
  },
  {
    type: 'io.kestra.plugin.core.flow.EachSequential',
    aliases: old('EachSequential'),
    kind: 'flowable',
    description: 'Deprecated form of ForEach: run the tasks once per value, one at a time.',
    properties: { value: z.union([z.string(), z.array(Json)]), tasks: TaskList, ...errorsAndFinally },
    children: (t) => withCommon(t, 'tasks'),
  },
  {
    type: 'io.kestra.plugin.core.flow.EachParallel',
    aliases: old('EachParallel'),
    kind: 'flowable',
    description: 'Deprecated form of ForEach: run the tasks once per value, in parallel.',
    properties: {
      value: z.union([z.string(), z.array(Json)]),
      tasks: TaskList,
      concurrent: z.int().min(0).optional(),
      ...errorsAndFinally,
    },
    children: (t) => withCommon(t, 'tasks'),
  },
  {
    type: 'io.kestra.plugin.core.flow.Dag',
    aliases: old('Dag'),
    kind: 'flowable',
    description: 'Run tasks as a directed acyclic graph of `dependsOn` edges.',
    properties: {
      tasks: z.array(z.strictObject({ task: AnyTask, dependsOn: z.array(z.string()).optional() })).min(1),
      concurrent: z.int().min(0).optional(),
      ...errorsAndFinally,
    },
    children: (t) => {
      const out: ChildTask[] = [];
      const list = t['tasks'];
      if (Array.isArray(list)) {
        list.forEach((entry, i) => {
          const task = (entry as { task?: unknown } | null)?.task;
          if (isTaskNode(task)) out.push({ path: ['tasks', i, 'task'], task });
        });
      }
      return [...out, ...listChildren(t, 'errors', 'finally')];
    },
  },
  {
    type: 'io.kestra.plugin.core.flow.AllowFailure',
    aliases: old('AllowFailure'),
    kind: 'flowable',
    description: 'Run tasks; a failure among them ends this task in WARNING and the flow goes on.',
    properties: { tasks: TaskList, ...errorsAndFinally },
    children: (t) => withCommon(t, 'tasks'),
  },
  {
    type: 'io.kestra.plugin.core.flow.Subflow',
    aliases: [...old('Subflow'), ...old('Flow')],
    kind: 'flowable',
    otherContext: ['outputs'],
    description: 'Start an execution of another flow, optionally wait for it and take its outputs.',
    properties: {
      namespace: z.string().min(1),
      flowId: z.string().min(1),
      inputs: z.record(z.string(), Json).optional(),
      labels: Labels.optional(),
      wait: z.boolean().optional(),
      transmitFailed: z.boolean().optional(),
      inheritLabels: z.boolean().optional(),
      revision: z.int().optional(),
      outputs: z.record(z.string(), Json).optional(),
      scheduleDate: z.string().optional(),
      restartBehavior: z.enum(['NEW_EXECUTION', 'RETRY_FAILED']).optional(),
    },
  },
  {
    type: 'io.kestra.plugin.core.flow.ForEachItem',
    aliases: old('ForEachItem'),
    kind: 'flowable',
    description:
      "Split a file into batches and start a subflow execution per batch (`taskrun.items`, `taskrun.iteration` in its inputs); outputs `numberOfBatches`, `iterations`, and `outputs.<id>_merge.subflowOutputs`, a file of the subflows' outputs.",
    impliedTaskIds: (t) => [`${t.id}_split`, `${t.id}_items`, `${t.id}_merge`],
    properties: {
      items: z.string(),
      batch: z
        .strictObject({
          rows: dynamic(z.int()).optional(),
          bytes: z.string().optional(),
          partitions: z.int().optional(),
          separator: z.string().optional(),
        })
        .optional(),
      namespace: z.string(),
      flowId: z.string(),
      inputs: z.record(z.string(), Json).optional(),
      labels: Labels.optional(),
      wait: z.boolean().optional(),
      transmitFailed: z.boolean().optional(),
      inheritLabels: z.boolean().optional(),
      revision: z.int().optional(),
    },
  },
  {
    type: 'io.kestra.plugin.core.flow.Template',
    aliases: old('Template'),
    kind: 'flowable',
    description:
      "Include a template's tasks (and its errors), run one after another; `args` are the template's `{{ parent.outputs.args.<name> }}`. Templates live in the repository's templates/ folder (docs/flows.md). Deprecated since Kestra 0.11: prefer a Subflow.",
    deprecated:
      "use a Subflow (type: io.kestra.plugin.core.flow.Subflow) instead; Osprey still includes the template's tasks from the repository's templates/ folder",
    properties: {
      namespace: z.string(),
      templateId: z.string(),
      tenantId: z.string().optional(),
      args: z.record(z.string(), z.string()).optional(),
      // Filled from the template when the flow is loaded; not written in flows.
      tasks: OptionalTaskList.optional(),
      errors: OptionalTaskList.optional(),
    },
    children: (t) => listChildren(t, 'tasks', 'errors'),
  },
  {
    type: 'io.kestra.plugin.core.flow.Pause',
    aliases: old('Pause'),
    kind: 'flowable',
    description:
      'Pause the execution until resumed (with `onResume` inputs) or until `delay`/`timeout` passes.',
    properties: {
      delay: DynamicDuration.optional(),
      pauseDuration: DynamicDuration.optional(),
      timeout: DynamicDuration.optional(),
      behavior: z.enum(['RESUME', 'WARN', 'FAIL', 'CANCEL']).optional(),
      onResume: z.array(z.looseObject({ id: Id, type: z.string() })).optional(),
      tasks: OptionalTaskList.optional(),
    },
    children: (t) => listChildren(t, 'tasks'),
  },
  {
    type: 'io.kestra.plugin.core.flow.WaitFor',
    kind: 'flowable',
    description: 'Run the tasks repeatedly until the condition is true.',
    properties: { ...waitForProperties, ...errorsAndFinally },
    children: (t) => withCommon(t, 'tasks'),
  },
  {
    type: 'io.kestra.plugin.core.flow.LoopUntil',
    kind: 'flowable',
    description: 'Alias of WaitFor in newer Kestra versions.',
    properties: waitForProperties,
    children: (t) => listChildren(t, 'tasks'),
  },
  {
    type: 'io.kestra.plugin.core.flow.WorkingDirectory',
    aliases: [...old('WorkingDirectory'), ...old('Worker')],
    kind: 'flowable',
    description:
      'Run tasks that share one working directory (files written by one are seen by the next); `outputFiles` globs are uploaded at the end, output `outputFiles`.',
    impliedTaskIds: (t) => (t['outputFiles'] === undefined ? [] : [`${t.id}_outputFiles`]),
    properties: {
      tasks: TaskList,
      inputFiles: InputFiles.optional(),
      outputFiles: z.array(z.string()).optional(),
      namespaceFiles: NamespaceFilesOptions.optional(),
      cache: z.strictObject({ patterns: z.array(z.string()), ttl: Duration.optional() }).optional(),
      ...errorsAndFinally,
    },
    children: (t) => withCommon(t, 'tasks'),
  },
];

/** States a Subflow may end in, exposed for triggers and conditions. */
export const TerminalStates = z.array(StateName);
export { Namespace };
