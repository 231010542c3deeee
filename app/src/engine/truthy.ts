/**
 * Truthiness of a rendered condition (runIf, If.condition, WaitFor.condition, SLA assert). A template
 * renders to text, so "false", "0", "-0" and "" are false, as in Kestra's TruthUtils.
 */
const FALSY = new Set(['', 'false', '0', '-0']);

export function isTruthy(value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  if (value === null || value === undefined) return false;
  if (typeof value === 'number') return value !== 0 && !Number.isNaN(value);
  if (typeof value === 'string') return !FALSY.has(value.trim().toLowerCase());
  return true;
}
