/** Properties every task accepts, whatever its type (Kestra's core task properties). */
import { z } from 'zod';
import { DynamicDuration, dynamic, Expression, Id, LogLevel } from '../schema/primitives.ts';
import { Retry } from '../schema/retry.ts';

const WorkerGroup = z
  .strictObject({ key: z.string().min(1), fallback: z.enum(['FAIL', 'WAIT', 'CANCEL']).optional() })
  .meta({ id: 'WorkerGroup', description: 'Route the task to runners of this group' });

export const TaskCommon = {
  id: Id,
  description: z.string().optional(),
  runIf: z
    .union([z.string(), z.boolean()])
    .optional()
    .meta({ description: 'Skip the task (SKIPPED) when this renders to false' }),
  allowFailure: z
    .boolean()
    .optional()
    .meta({ description: 'A failure becomes WARNING and the flow goes on' }),
  allowWarning: z.boolean().optional().meta({ description: 'A WARNING becomes SUCCESS' }),
  retry: Retry.optional(),
  timeout: DynamicDuration.optional().meta({ description: 'Stop the task and fail it after this duration' }),
  disabled: z.boolean().optional().meta({ description: 'Ignore the task, as if absent' }),
  logLevel: LogLevel.optional(),
  logToFile: z.boolean().optional(),
  workerGroup: WorkerGroup.optional(),
  version: z
    .string()
    .optional()
    .meta({ description: 'Plugin version: an installed version, LATEST or OLDEST (docs/plugins.md)' }),
};

export { dynamic, Expression };

/** Names of the properties every task has (`id`, `type` and the common ones). */
export const COMMON_TASK_KEYS: readonly string[] = [
  'id',
  'type',
  ...Object.keys(TaskCommon).filter((k) => k !== 'id'),
];
