/**
 * The deprecated `io.kestra.plugin.core.state.*` tasks keep a JSON map per state `name`, stored in
 * the namespace's KV store as Kestra (0.18+) stores them: key `<flowId>_states_tasks-states_<name>`
 * (without the flow id when `namespace: true`), with a suffix per `taskrun.value` inside loops
 * unless `taskrunValue: false` (a sha-256 prefix here, where Kestra uses its own hash).
 */
import { createHash } from 'node:crypto';
import type { TaskContext } from '../../../../protocol/src/task-contract.ts';
import { TaskFailure } from '../../../../protocol/src/task-contract.ts';
import { propertiesOf } from './properties.ts';

const slug = (text: string) => text.replace(/[^a-zA-Z0-9._-]+/g, '-');

export function stateKey(type: string, ctx: TaskContext): { key: string; name: string } {
  const p = propertiesOf(type, ctx);
  const name = p.optionalString('name') ?? 'default';
  const shared = p.boolean('namespace', false);
  const value = p.boolean('taskrunValue', true) ? ctx.run.value : undefined;
  const hash = value === undefined ? '' : `_${createHash('sha256').update(value).digest('hex').slice(0, 16)}`;
  return { key: `${shared ? '' : `${slug(ctx.run.flowId)}_`}states_tasks-states_${slug(name)}${hash}`, name };
}

export async function readState(ctx: TaskContext, key: string): Promise<Record<string, unknown> | undefined> {
  const found = await ctx.services.kv.get(ctx.run.namespace, key);
  if (found === undefined) return undefined;
  const value = typeof found.value === 'string' ? JSON.parse(found.value) : found.value;
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new TaskFailure(`task '${ctx.run.taskId}': the state at KV key '${key}' is not a map`, {
      retryable: false,
    });
  return value as Record<string, unknown>;
}

export function missingState(ctx: TaskContext, name: string): TaskFailure {
  return new TaskFailure(
    `task '${ctx.run.taskId}': unable to find the state '${name}' (errorOnMissing is true)`,
    { retryable: false },
  );
}
