/**
 * Arithmetic, concatenation and membership operators with Pebble's semantics: `+` concatenates
 * when either side is a string, whole numbers divide as integers (Java longs), `~` always joins text.
 */
import { EvaluationError } from './errors.ts';
import { isPlainObject, toText, typeName, valuesEqual } from './values.ts';

function numeric(value: unknown, operator: string, other: unknown): number {
  if (typeof value === 'number') return value;
  throw new EvaluationError(
    `invalid operands for '${operator}': ${typeName(value)} and ${typeName(other)}` +
      (typeof value === 'string' ? " (convert text with the 'number' filter)" : ''),
  );
}

export function add(a: unknown, b: unknown): unknown {
  if (typeof a === 'string' || typeof b === 'string') return toText(a) + toText(b);
  if (Array.isArray(a)) return Array.isArray(b) ? [...a, ...b] : [...a, b];
  return numeric(a, '+', b) + numeric(b, '+', a);
}

export function subtract(a: unknown, b: unknown): number {
  return numeric(a, '-', b) - numeric(b, '-', a);
}

export function multiply(a: unknown, b: unknown): number {
  return numeric(a, '*', b) * numeric(b, '*', a);
}

/** `float` is true when either operand was written as a decimal literal (`10 / 4.0`). */
export function divide(a: unknown, b: unknown, float: boolean): number {
  const x = numeric(a, '/', b);
  const y = numeric(b, '/', a);
  if (!float && Number.isInteger(x) && Number.isInteger(y)) {
    if (y === 0) throw new EvaluationError('division by zero');
    return Math.trunc(x / y);
  }
  return x / y;
}

export function modulo(a: unknown, b: unknown): number {
  const x = numeric(a, '%', b);
  const y = numeric(b, '%', a);
  if (y === 0 && Number.isInteger(x)) throw new EvaluationError('division by zero');
  return x % y;
}

export function negate(a: unknown): number {
  return -numeric(a, '-', a);
}

export function concat(a: unknown, b: unknown): string {
  return toText(a) + toText(b);
}

/** `a contains b`: element of a list (or all elements when b is a list), key of a map, substring. */
export function contains(container: unknown, item: unknown): boolean {
  if (container === null || container === undefined) return false;
  if (typeof container === 'string') return container.includes(toText(item));
  if (Array.isArray(container)) {
    if (Array.isArray(item)) return item.every((x) => container.some((y) => valuesEqual(x, y)));
    return container.some((y) => valuesEqual(item, y));
  }
  if (isPlainObject(container)) return Object.hasOwn(container, toText(item));
  throw new EvaluationError(`'contains' needs a list, map or string on the left, got ${typeName(container)}`);
}

/** Inclusive integer range, as `1..3` and `range(1, 3)`; `limit` bounds its size. */
export function makeRange(from: unknown, to: unknown, step: unknown, limit: number): number[] {
  const start = numeric(from, '..', to);
  const end = numeric(to, '..', from);
  const by = step === undefined ? (start <= end ? 1 : -1) : numeric(step, 'range step', step);
  if (by === 0) throw new EvaluationError('range step cannot be 0');
  const count = Math.floor((end - start) / by) + 1;
  if (count <= 0) return [];
  if (count > limit) {
    throw new EvaluationError(`range of ${count} numbers exceeds the limit of ${limit} (maxIterations)`);
  }
  const result = new Array<number>(count);
  for (let i = 0; i < count; i++) result[i] = start + i * by;
  return result;
}

/**
 * Kestra's `a isIn b`: false when either side is null; otherwise `a`, as text, equals an item of a
 * list, or a key or a value of a map (each as text).
 */
export function isIn(item: unknown, container: unknown): boolean {
  if (item === null || item === undefined || container === null || container === undefined) return false;
  const text = toText(item);
  if (Array.isArray(container)) return container.some((x) => x !== null && toText(x) === text);
  if (isPlainObject(container))
    return Object.entries(container).some(([k, v]) => k === text || (v !== null && toText(v) === text));
  return false;
}
