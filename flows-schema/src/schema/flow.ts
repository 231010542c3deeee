/**
 * The flow document. Its task, trigger and condition parts come from registries, so the flow schema
 * is built from a `TaskRegistry`; `buildFlowSchema(defaultRegistry)` is the one Osprey uses.
 */
import { z } from 'zod';
import { taskDefinitions } from '../tasks/definitions.ts';
import { type TaskDefinition, TaskRegistry } from '../tasks/registry.ts';
import { TaskCommon } from '../tasks/task-common.ts';
import { bindTaskSchema, OptionalTaskList, TaskList } from '../tasks/task-ref.ts';
import { Trigger } from '../triggers/triggers.ts';
import { Input, Output } from './inputs.ts';
import { Duration, Id, Json, Labels, Namespace } from './primitives.ts';
import { Retry } from './retry.ts';

export const PluginDefault = z.strictObject({
  type: z
    .string()
    .min(1)
    .meta({ description: 'A task type, or a prefix of type names (e.g. io.kestra.plugin.jdbc)' }),
  forced: z.boolean().optional().meta({ description: 'Override the value the task sets itself' }),
  values: z.record(z.string(), Json),
});
export type PluginDefault = z.infer<typeof PluginDefault>;

export const Sla = z
  .strictObject({
    id: Id,
    type: z.enum(['MAX_DURATION', 'EXECUTION_ASSERTION']),
    behavior: z.enum(['FAIL', 'CANCEL', 'NONE']),
    duration: Duration.optional(),
    assert: z.string().optional(),
    labels: Labels.optional(),
  })
  .superRefine((sla, ctx) => {
    if (sla.type === 'MAX_DURATION' && sla.duration === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['duration'],
        message: 'a MAX_DURATION SLA needs a duration such as PT1H',
      });
    }
    if (sla.type === 'EXECUTION_ASSERTION' && sla.assert === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['assert'],
        message: 'an EXECUTION_ASSERTION SLA needs an assert expression',
      });
    }
  });
export type Sla = z.infer<typeof Sla>;

export const Concurrency = z.strictObject({
  limit: z.int().min(1),
  behavior: z.enum(['QUEUE', 'CANCEL', 'FAIL']).optional(),
});

function taskSchemaOf(def: TaskDefinition) {
  const names = [def.type, ...(def.aliases ?? [])] as [string, ...string[]];
  return z
    .strictObject({
      ...TaskCommon,
      type: names.length === 1 ? z.literal(names[0]) : z.enum(names),
      ...def.properties,
    })
    .meta({ title: def.type.split('.').slice(-2).join('.'), description: def.description });
}

export function buildFlowSchema(registry: TaskRegistry) {
  const options = registry.definitions().map(taskSchemaOf);
  const Task = z
    .discriminatedUnion('type', options as unknown as [z.ZodObject, ...z.ZodObject[]])
    .meta({ id: 'Task' });
  bindTaskSchema(Task);
  const Flow = z
    .strictObject({
      id: Id,
      namespace: Namespace,
      revision: z.int().optional(),
      description: z.string().optional(),
      labels: Labels.optional(),
      inputs: z.array(Input).optional(),
      outputs: z.array(Output).optional(),
      variables: z.record(z.string(), Json).optional(),
      tasks: TaskList,
      errors: OptionalTaskList.optional(),
      finally: OptionalTaskList.optional(),
      afterExecution: OptionalTaskList.optional(),
      triggers: z.array(Trigger).optional(),
      pluginDefaults: z.array(PluginDefault).optional(),
      taskDefaults: z
        .array(PluginDefault)
        .optional()
        .meta({ deprecated: true, description: 'Use pluginDefaults' }),
      concurrency: Concurrency.optional(),
      retry: Retry.optional(),
      sla: z.array(Sla).optional(),
      disabled: z.boolean().optional(),
      deleted: z.boolean().optional(),
      workerGroup: z.strictObject({ key: z.string() }).optional(),
    })
    .meta({ title: 'Osprey flow', description: 'A Kestra-compatible flow' });
  return { Flow, Task };
}

export const defaultRegistry = new TaskRegistry(taskDefinitions);
export const { Flow, Task } = buildFlowSchema(defaultRegistry);

/** A task as validated (common properties typed, type-specific ones loose). */
export type Task = z.infer<typeof TaskCommonObject> & { type: string } & Record<string, unknown>;
const TaskCommonObject = z.object(TaskCommon);

/** A validated flow. Task lists are typed loosely: each task is checked against its own type's schema. */
export type Flow = Omit<z.infer<typeof Flow>, 'tasks' | 'errors' | 'finally' | 'afterExecution'> & {
  tasks: Task[];
  errors?: Task[];
  finally?: Task[];
  afterExecution?: Task[];
};
