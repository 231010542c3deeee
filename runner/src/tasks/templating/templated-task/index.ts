/**
 * `io.kestra.plugin.core.templating.TemplatedTask`: render `spec` (the YAML of one runnable task)
 * with the task run's context, parse it, check it against that type's schema and run it in place.
 * The task type is looked up through a function handed in by the registry, which avoids an import
 * cycle (the registry lists this task).
 */
import { parse } from 'yaml';
import { z } from 'zod';
import { defaultRegistry } from '../../../../../flows-schema/src/schema/flow.ts';
import { TaskCommon } from '../../../../../flows-schema/src/tasks/task-common.ts';
import { type RunnableTask, TaskFailure } from '../../../../../protocol/src/task-contract.ts';
import { propertiesOf } from '../../support/properties.ts';

const TYPE = 'io.kestra.plugin.core.templating.TemplatedTask';
const COMMON_KEYS = new Set(['type', ...Object.keys(TaskCommon)]);

export function createTemplatedTask(find: (type: string) => RunnableTask | undefined): RunnableTask {
  return {
    type: TYPE,
    async run(ctx) {
      const p = propertiesOf(TYPE, ctx);
      const rendered = await ctx.services.render(p.string('spec'));
      const bad = (why: string): never => {
        throw new TaskFailure(`task '${ctx.run.taskId}': the rendered spec ${why}`, { retryable: false });
      };
      let spec: unknown;
      try {
        spec = parse(rendered);
      } catch (e) {
        bad(`is not valid YAML (${(e as Error).message.split('\n')[0]})`);
      }
      if (spec === null || typeof spec !== 'object' || Array.isArray(spec))
        return bad('must be a YAML map with a type');
      const { type } = spec as { type?: unknown };
      if (typeof type !== 'string') return bad('has no type: add e.g. "type: io.kestra.plugin.core.log.Log"');
      const definition = defaultRegistry.get(type);
      if (definition?.type === TYPE) bad('cannot be another TemplatedTask');
      if (definition?.kind === 'flowable')
        bad(`is a flowable task (${type}); only runnable tasks can be templated`);
      const task = definition === undefined ? undefined : find(definition.type);
      if (definition === undefined || task === undefined)
        return bad(`names task type '${type}', which Osprey cannot run here`);

      const properties = Object.fromEntries(Object.entries(spec).filter(([k]) => !COMMON_KEYS.has(k)));
      const checked = z.strictObject(definition.properties).safeParse(properties);
      if (!checked.success) {
        const first = checked.error.issues[0];
        bad(`is not a valid ${type}: ${first?.path.join('.') || '(root)'}: ${first?.message ?? 'invalid'}`);
      }
      return task.run({ ...ctx, properties });
    },
  };
}
