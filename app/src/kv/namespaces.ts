/**
 * Namespace inheritance, shared by KV and secrets: `company.team.project` looks in itself, then
 * `company.team`, then `company` (Kestra's rule since 0.22).
 */
import { Namespace } from '../../../flows-schema/src/schema/primitives.ts';

/** Throws a message that names the namespace and the rule. */
export function assertNamespace(namespace: string, what = 'namespace'): void {
  const parsed = Namespace.safeParse(namespace);
  if (!parsed.success) {
    throw new NamespaceError(
      `'${namespace}' is not a valid ${what}: ${parsed.error.issues[0]?.message ?? 'invalid'}`,
    );
  }
}

export class NamespaceError extends Error {
  override name = 'NamespaceError';
}

/** The namespace and its ancestors, nearest first. */
export function namespaceChain(namespace: string): string[] {
  assertNamespace(namespace);
  const parts = namespace.split('.');
  const chain: string[] = [];
  for (let i = parts.length; i > 0; i--) chain.push(parts.slice(0, i).join('.'));
  return chain;
}

/** True when `namespace` is `prefix` or below it (`company.team` is under `company`). */
/** Kestra's namespace for instance-wide flows: its flows may act on every namespace. */
export const SYSTEM_NAMESPACE = 'system';

export function isUnder(namespace: string, prefix: string): boolean {
  return namespace === prefix || namespace.startsWith(`${prefix}.`);
}
