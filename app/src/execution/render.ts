/**
 * Rendering dynamic properties for one execution: the expression module does the templating, this
 * module supplies its I/O (KV and secrets with namespace inheritance, internal storage, the
 * execution's error logs) and records every resolved secret so it can be masked. `kv('key')` and
 * `secret('NAME')` look in the execution's namespace, then each parent (`company.team.app`,
 * `company.team`, `company`); with a `namespace` argument, exactly there.
 */
import { render } from '../../../flows-schema/src/expressions/index.ts';
import type { ExpressionServices } from '../../../flows-schema/src/expressions/types.ts';
import { setOwn } from '../../../flows-schema/src/expressions/values.ts';
import { hasExpression } from '../../../flows-schema/src/schema/primitives.ts';
import type { InternalStorage } from '../../../protocol/src/internal-storage.ts';
import { namespaceChain } from '../kv/namespaces.ts';
import type { KvStore, LogEntry, SecretStore } from './contract.ts';

export interface RenderDeps {
  kv: KvStore;
  secrets: SecretStore;
  storage: InternalStorage;
  logs(executionId: string): Promise<LogEntry[]>;
  now(): number;
}

export function servicesFor(
  deps: RenderDeps,
  execution: { id: string; namespace: string },
  onSecret: (v: string) => void,
): ExpressionServices {
  return {
    async kv(key, namespace) {
      for (const ns of namespace === undefined ? namespaceChain(execution.namespace) : [namespace]) {
        const found = await deps.kv.get(ns, key);
        if (found !== undefined) return found.value;
      }
      return undefined;
    },
    async secret(name, namespace) {
      const chain = namespace === undefined ? namespaceChain(execution.namespace) : [namespace];
      for (const ns of chain) {
        const value = await deps.secrets.get(ns, name);
        if (value !== undefined) {
          onSecret(value);
          return value;
        }
      }
      const how = deps.secrets.howToDefine?.(name, chain[0]!);
      throw new Error(
        `secret '${name}' is not defined in namespace ${chain.join(' or ')}${how === undefined ? '' : `; ${how}`}`,
      );
    },
    read: async (uri) => (await deps.storage.get(uri)).toString('utf8'),
    fileSize: (uri) => deps.storage.size(uri),
    fileExists: (uri) => deps.storage.exists(uri),
    isFileEmpty: async (uri) => (await deps.storage.size(uri)) === 0,
    errorLogs: async () =>
      (await deps.logs(execution.id))
        .filter((l) => l.level === 'ERROR')
        .map((l) => ({
          ...(l.taskId !== undefined ? { taskId: l.taskId } : {}),
          level: l.level,
          message: l.message,
          timestamp: l.timestamp,
        })),
    now: () => new Date(deps.now()),
    onSecret,
  };
}

/** Render every string holding an expression, at any depth; other values are returned as they are. */
export async function renderValue(
  value: unknown,
  context: Record<string, unknown>,
  services: ExpressionServices,
): Promise<unknown> {
  if (typeof value === 'string') return hasExpression(value) ? render(value, context, { services }) : value;
  if (Array.isArray(value)) return Promise.all(value.map((v) => renderValue(v, context, services)));
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = await renderValue(v, context, services);
    return out;
  }
  return value;
}

/** Render a map of properties; a failure names the property. */
export async function renderProperties(
  properties: Record<string, unknown>,
  context: Record<string, unknown>,
  services: ExpressionServices,
): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(properties)) {
    try {
      out[key] = await renderValue(value, context, services);
    } catch (e) {
      throw new Error(`cannot render '${key}': ${(e as Error).message}`, { cause: e });
    }
  }
  return out;
}

/**
 * Extra variables over a render context, as Kestra's `RunContext.render(expression, variables)`
 * merges them (`MapUtils.merge`): a map merges into the context's map of the same name, a list is
 * appended to its list, a null keeps the context's value, anything else replaces it. Only the
 * names both hold are copied.
 */
export function mergeVariables(
  context: Record<string, unknown>,
  variables: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...context };
  for (const [key, value] of Object.entries(variables)) {
    const original = Object.hasOwn(context, key) ? context[key] : undefined;
    let merged: unknown = value;
    if (value === null || value === undefined) merged = original ?? null;
    else if (isMap(value) && isMap(original)) merged = mergeVariables(original, value);
    else if (Array.isArray(value) && Array.isArray(original)) merged = [...original, ...value];
    setOwn(out, key, merged);
  }
  return out;
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
