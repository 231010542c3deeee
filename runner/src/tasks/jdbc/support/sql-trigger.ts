import { InternalError, type KvStore, type TaskContext } from '../../../../../protocol/src/task-contract.ts';
import type { PolledTrigger, TriggerPollerDeps } from '../../../../../protocol/src/trigger-poller.ts';
import { resultOutputs } from './fetch.ts';
import { readSqlTask, runAll, type SqlDriver, withSession } from './sql-task.ts';

export type SqlTriggerDeps = TriggerPollerDeps;

/** SQL tasks use no KV; a trigger has none (properties are rendered before the poll). */
const NO_KV: KvStore = new Proxy({} as KvStore, {
  get: () => async () => {
    throw new InternalError('a trigger poll has no KV store');
  },
});

/** Properties of the trigger that are the scheduler's, not the query's. */
const SCHEDULER_KEYS = new Set([
  'id',
  'type',
  'description',
  'disabled',
  'conditions',
  'stopAfter',
  'logLevel',
  'workerGroup',
  'interval',
]);

export function sqlTriggerPoller(driver: SqlDriver, deps: SqlTriggerDeps) {
  return {
    async poll(trigger: PolledTrigger, signal: AbortSignal): Promise<Record<string, unknown> | undefined> {
      const written: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(trigger.definition)) if (!SCHEDULER_KEYS.has(k)) written[k] = v;
      const ctx: TaskContext = {
        properties: await deps.render(written, trigger.namespace),
        run: {
          executionId: `trigger-${trigger.triggerId}`,
          namespace: trigger.namespace,
          flowId: trigger.flowId,
          taskId: trigger.triggerId,
          taskRunId: `${Date.now()}`,
          attempt: 1,
        },
        logger: { log: deps.log },
        storage: deps.storage,
        services: { kv: NO_KV, render: async (t) => t },
        signal,
      };
      const { p, fetchType, statements, parameters } = readSqlTask(trigger.type, ctx, driver.dialect);
      const results = await withSession(ctx, p, driver, (session) =>
        runAll(ctx, driver.name, session, statements, parameters),
      );
      const rows = results.at(-1);
      if (rows === undefined || rows.length === 0) return undefined;
      return { ...(await resultOutputs(ctx, fetchType, rows, trigger.triggerId)), size: rows.length };
    },
  };
}
