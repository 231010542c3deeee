/**
 * pluginDefaults (and the older taskDefaults): values applied to every task whose type equals or
 * starts with the default's `type`. A task's own value wins unless the default is `forced`. Only
 * properties the task type declares are applied, so a prefix default (`io.kestra.plugin.jdbc`) can
 * carry properties that only some of the matching types have.
 */
import type { PluginDefault } from './schema/flow.ts';
import type { TaskNode, TaskRegistry } from './tasks/registry.ts';
import { COMMON_TASK_KEYS } from './tasks/task-common.ts';

function matches(defaultType: string, task: TaskNode, canonical: string | undefined): boolean {
  const hit = (t: string) => t === defaultType || t.startsWith(`${defaultType}.`);
  return hit(task.type) || (canonical !== undefined && hit(canonical));
}

export function applyPluginDefaults(
  task: TaskNode,
  defaults: readonly PluginDefault[],
  registry: TaskRegistry,
): TaskNode {
  if (defaults.length === 0) return task;
  const def = registry.get(task.type);
  if (def === undefined) return task;
  let out: TaskNode | undefined;
  for (const d of defaults) {
    if (!matches(d.type, task, def.type)) continue;
    for (const [key, value] of Object.entries(d.values)) {
      if (!(key in def.properties) && !COMMON_KEYS.has(key)) continue;
      if (!d.forced && task[key] !== undefined) continue;
      out ??= { ...task };
      out[key] = value;
    }
  }
  return out ?? task;
}

/**
 * A flow's defaults with its namespace's (from `.osprey.yml`) around them: the namespace's
 * non-forced defaults first, so the flow's own win over them, and its forced ones last, so they
 * win over the flow's and the tasks' values (later defaults win in `applyPluginDefaults`).
 */
export function withInheritedDefaults(
  inherited: readonly PluginDefault[],
  own: readonly PluginDefault[],
): PluginDefault[] {
  if (inherited.length === 0) return [...own];
  return [
    ...inherited.filter((d) => d.forced !== true),
    ...own,
    ...inherited.filter((d) => d.forced === true),
  ];
}

/** Common properties a default may set (everything but the task's identity). */
const COMMON_KEYS = new Set(COMMON_TASK_KEYS.filter((k) => k !== 'id' && k !== 'type'));
