/**
 * `io.kestra.plugin.core.kv.Set`: store `value` under `key` in `namespace` (the execution's by
 * default). `overwrite` (true) refuses to replace an existing key when false; `ttl` expires the
 * pair; `kvType` converts a rendered string into a NUMBER, BOOLEAN or JSON value.
 */
import { parseDuration } from '../../../../../flows-schema/src/time.ts';
import { type RunnableTask, TaskFailure } from '../../../../../protocol/src/task-contract.ts';
import { kvKey, kvNamespace } from '../../support/kv.ts';
import { type PropertyReader, propertiesOf } from '../../support/properties.ts';

const TYPE = 'io.kestra.plugin.core.kv.Set';
const KV_TYPES = ['STRING', 'NUMBER', 'BOOLEAN', 'DATETIME', 'DATE', 'DURATION', 'JSON'] as const;

export const setTask: RunnableTask = {
  type: TYPE,
  async run(ctx) {
    const p = propertiesOf(TYPE, ctx);
    const key = kvKey(p);
    const namespace = kvNamespace(p, ctx.run.namespace);
    const overwrite = p.boolean('overwrite', true);
    const ttlMs = p.optionalDuration('ttl');
    const value = typed(p, p.required('value'));
    if (!overwrite && (await ctx.services.kv.get(namespace, key)) !== undefined) {
      throw new TaskFailure(
        `task '${ctx.run.taskId}': cannot set key '${key}' in namespace '${namespace}': it already exists and overwrite is false`,
        { retryable: false },
      );
    }
    await ctx.services.kv.set(namespace, key, value, {
      overwrite,
      ...(ttlMs === undefined ? {} : { ttlMs }),
    });
    return { state: 'SUCCESS' };
  },
};

function typed(p: PropertyReader, value: unknown): unknown {
  if (!p.has('kvType') || typeof value !== 'string') return value;
  const kvType = p.oneOf('kvType', KV_TYPES, 'STRING');
  const bad = (what: string) => p.fail('value', `'${value}' is not ${what} (kvType ${kvType})`);
  switch (kvType) {
    case 'NUMBER': {
      const n = Number(value);
      return value.trim() === '' || Number.isNaN(n) ? bad('a number') : n;
    }
    case 'BOOLEAN':
      return value.trim().toLowerCase() === 'true';
    case 'JSON':
      try {
        return JSON.parse(value);
      } catch {
        return bad('valid JSON');
      }
    case 'DATETIME':
    case 'DATE':
      return Number.isNaN(Date.parse(value)) ? bad('an ISO-8601 date') : value;
    case 'DURATION':
      return parseDuration(value) === undefined ? bad('an ISO-8601 duration') : value;
    case 'STRING':
      return value;
  }
}
