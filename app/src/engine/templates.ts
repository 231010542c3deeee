/** Whether a property value holds an expression anywhere, so literal values skip a render round trip. */
import { hasExpression } from '../../../flows-schema/src/schema/primitives.ts';

export function hasTemplate(value: unknown): boolean {
  if (typeof value === 'string') return hasExpression(value);
  if (Array.isArray(value)) return value.some(hasTemplate);
  if (typeof value === 'object' && value !== null) return Object.values(value).some(hasTemplate);
  return false;
}
