/** Shared by the KV tasks: which namespace a task addresses and what a valid key is. */
import { TaskFailure } from '../../../../protocol/src/task-contract.ts';
import type { PropertyReader } from './properties.ts';

/** Kestra's KV key rule. */
const KEY = /^[a-zA-Z0-9][a-zA-Z0-9._-]*$/;
const NAMESPACE = /^[a-z0-9][a-z0-9._-]*$/;

export function kvKey(p: PropertyReader): string {
  const key = p.string('key');
  if (!KEY.test(key)) {
    p.fail(
      'key',
      `'${key}' is not a valid KV key: start with a letter or digit, then use only letters, digits, '.', '_' and '-'`,
    );
  }
  return key;
}

/** `namespace` when given, else the execution's namespace (Kestra's `{{ flow.namespace }}` default). */
export function kvNamespace(p: PropertyReader, own: string): string {
  const ns = p.optionalString('namespace') ?? own;
  if (!NAMESPACE.test(ns))
    p.fail('namespace', `'${ns}' is not a valid namespace (lower-case, e.g. company.team)`);
  return ns;
}

export function missingKey(taskId: string, key: string, namespace: string): TaskFailure {
  return new TaskFailure(
    `task '${taskId}': no value found for key '${key}' in namespace '${namespace}' and errorOnMissing is true`,
    { retryable: false },
  );
}
