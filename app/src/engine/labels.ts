/**
 * Execution labels. `system.*` labels belong to Osprey (`system.correlationId` is set at creation)
 * and an execution labelled `system.readOnly: true` refuses label changes from its tasks.
 */
import type { Label } from './types.ts';

/** Upsert by key, keeping the original order. */
export function mergeLabels(current: readonly Label[], added: readonly Label[]): Label[] {
  const out = current.slice();
  for (const l of added) {
    const i = out.findIndex((x) => x.key === l.key);
    if (i >= 0) out[i] = { key: l.key, value: l.value };
    else out.push({ key: l.key, value: l.value });
  }
  return out;
}

/** Why labels set by a task are refused, or undefined when they may be applied. */
export function refuseTaskLabels(current: readonly Label[], added: readonly Label[]): string | undefined {
  if (current.some((l) => l.key === 'system.readOnly' && l.value === 'true')) {
    return 'The labels of this execution are read-only (label system.readOnly: true); remove that label to let tasks change labels';
  }
  const reserved = added.find((l) => l.key.startsWith('system.'));
  if (reserved) return `Label '${reserved.key}' is reserved: system.* labels are set by Osprey, not by tasks`;
  return undefined;
}

export function labelValue(labels: readonly Label[], key: string): string | undefined {
  return labels.find((l) => l.key === key)?.value;
}
