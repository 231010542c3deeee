/**
 * `io.kestra.plugin.core.execution.Labels`: add or update labels of the running execution. `labels`
 * is a map, a list of `{key, value}` or a JSON string of a map. Like Kestra, no `system.` label may
 * be set at run time: those are written by Osprey itself (correlation id, read-only flag). Object
 * values are kept as their JSON, as Kestra does.
 */
import { type RunnableTask, TaskFailure } from '../../../../../protocol/src/task-contract.ts';
import { text } from '../../support/logging.ts';
import { type PropertyReader, propertiesOf } from '../../support/properties.ts';

const TYPE = 'io.kestra.plugin.core.execution.Labels';
const SYSTEM_PREFIX = 'system.';

export const labelsTask: RunnableTask = {
  type: TYPE,
  async run(ctx) {
    const p = propertiesOf(TYPE, ctx);
    const labels = normalise(p, p.required('labels'));
    const system = labels.find((l) => l.key.startsWith(SYSTEM_PREFIX));
    if (system !== undefined) {
      throw new TaskFailure(
        `task '${ctx.run.taskId}': system labels can only be set by Osprey itself, offending label: ${system.key}=${system.value}; choose a key without the '${SYSTEM_PREFIX}' prefix`,
        { retryable: false },
      );
    }
    return { state: 'SUCCESS', effects: { labels } };
  },
};

function normalise(p: PropertyReader, value: unknown): Array<{ key: string; value: string }> {
  if (typeof value === 'string') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch {
      return p.fail('labels', 'is a string but not a JSON object of labels such as {"team": "data"}');
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      return p.fail('labels', 'is a string but not a JSON object of labels such as {"team": "data"}');
    }
    return normalise(p, parsed);
  }
  const byKey = new Map<string, string>();
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const l = item as { key?: unknown; value?: unknown } | null;
      if (
        l === null ||
        typeof l !== 'object' ||
        typeof l.key !== 'string' ||
        l.key === '' ||
        l.value === undefined
      ) {
        p.fail('labels', `item ${i} must be {key, value} with a non-empty key`);
      }
      byKey.set(l.key, text(l.value));
    }
  } else if (value !== null && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (key === '') p.fail('labels', 'has an empty key');
      byKey.set(key, text(v));
    }
  } else {
    p.fail('labels', 'must be a map of key: value, a list of {key, value} or a JSON string');
  }
  return [...byKey].map(([key, v]) => ({ key, value: v }));
}
