/**
 * Flowable tasks hold lists of tasks of any registered type. The schema of "any task" is built from
 * the registry after every definition is known, so definitions refer to it lazily.
 */
import { z } from 'zod';

let current: z.ZodType | undefined;

export const AnyTask: z.ZodType = z.lazy(() => {
  if (current === undefined) throw new Error('the task schema is used before the registry built it');
  return current;
});

export const TaskList = z.array(AnyTask).min(1, 'a task list needs at least one task');
export const OptionalTaskList = z.array(AnyTask);

export function bindTaskSchema(schema: z.ZodType): void {
  current = schema;
}
