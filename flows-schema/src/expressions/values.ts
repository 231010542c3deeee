/**
 * Value semantics shared by operators, filters and tags: the sandboxed property access, truthiness,
 * equality, ordering and how values print. Expressions only ever see data: own properties of
 * plain objects and arrays, never prototypes, constructors or functions.
 */
import { EvaluationError } from './errors.ts';

/** Returned by lookups that found nothing; never escapes the evaluator. */
export const MISSING: unique symbol = Symbol('missing');

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Sets an own enumerable property, even for keys like `__proto__` that plain assignment would not own. */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    target[key] = value;
  }
}

function arrayIndex(key: string | number): number {
  if (typeof key === 'number') return Number.isInteger(key) ? key : -1;
  return /^(?:0|[1-9]\d*)$/.test(key) ? Number(key) : -1;
}

/**
 * `object.key` / `object[key]`. Only data is reachable: own properties of plain objects, array
 * elements and `length`/`size`/`first`/`last`, string characters and `length`/`size`.
 */
export function getMember(object: unknown, key: unknown): unknown {
  if (object === null || object === undefined) return MISSING;
  if (typeof key !== 'string' && typeof key !== 'number') return MISSING;
  if (Array.isArray(object)) {
    const index = arrayIndex(key);
    if (index >= 0) return index < object.length ? object[index] : MISSING;
    if (key === 'length' || key === 'size') return object.length;
    if (key === 'first') return object.length > 0 ? object[0] : MISSING;
    if (key === 'last') return object.length > 0 ? object[object.length - 1] : MISSING;
    return MISSING;
  }
  if (typeof object === 'string') {
    const index = arrayIndex(key);
    if (index >= 0) return index < object.length ? object[index] : MISSING;
    if (key === 'length' || key === 'size') return object.length;
    return MISSING;
  }
  if (isPlainObject(object)) {
    const name = String(key);
    if (Object.hasOwn(object, name)) {
      const value = object[name];
      return typeof value === 'function' || typeof value === 'symbol' ? MISSING : value;
    }
    if (name === 'size') return Object.keys(object).length;
    return MISSING;
  }
  return MISSING;
}

export function typeName(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'list';
  if (value instanceof Date) return 'date';
  if (isPlainObject(value)) return 'map';
  return typeof value;
}

/**
 * Truthiness for `{% if %}`, `and`, `or`, `not` and the ternary. It matches how Kestra reads a
 * rendered condition (`false`, `0`, `-0` and blank are false) so `{% if %}` and `runIf` agree.
 */
export function isTruthy(value: unknown): boolean {
  if (value === true) return true;
  if (value === false || value === null || value === undefined) return false;
  if (typeof value === 'number') return value !== 0 && !Number.isNaN(value);
  if (typeof value === 'string') return isTruthyString(value);
  return true;
}

export function isTruthyString(value: string): boolean {
  const text = value.trim();
  return !(text === '' || text === '0' || text === '-0' || text.toLowerCase() === 'false');
}

/** Pebble's `empty` test and `default` filter: null, blank string, empty list or map. */
export function isEmptyValue(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (typeof value === 'string') return value.trim() === '';
  if (Array.isArray(value)) return value.length === 0;
  if (isPlainObject(value)) return Object.keys(value).length === 0;
  return false;
}

/** Liquid's `blank`: empty, whitespace, false or nil. */
export function isBlankValue(value: unknown): boolean {
  return value === false || isEmptyValue(value);
}

export function valuesEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || a === undefined || b === null || b === undefined) {
    return (a === null || a === undefined) && (b === null || b === undefined);
  }
  if (a instanceof Date || b instanceof Date) {
    return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
  }
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, i) => valuesEqual(item, b[i]));
  }
  if (isPlainObject(a)) {
    if (!isPlainObject(b)) return false;
    const keys = Object.keys(a);
    if (keys.length !== Object.keys(b).length) return false;
    return keys.every((key) => Object.hasOwn(b, key) && valuesEqual(a[key], b[key]));
  }
  return false;
}

function comparable(value: unknown): number | string | undefined {
  if (typeof value === 'number' || typeof value === 'string') return value;
  if (value instanceof Date) return value.getTime();
  return undefined;
}

/** Ordering for `<`, `>`, `sort`: numbers numerically, strings lexically, dates by instant. */
export function compareValues(a: unknown, b: unknown, operator: string): number {
  let x = comparable(a);
  let y = comparable(b);
  if (typeof x === 'string' && typeof y === 'number' && x.trim() !== '' && !Number.isNaN(Number(x)))
    x = Number(x);
  if (typeof y === 'string' && typeof x === 'number' && y.trim() !== '' && !Number.isNaN(Number(y)))
    y = Number(y);
  if (x === undefined || y === undefined || typeof x !== typeof y) {
    throw new EvaluationError(`cannot compare ${typeName(a)} with ${typeName(b)} using '${operator}'`);
  }
  return x < y ? -1 : x > y ? 1 : 0;
}

/** JSON text of a value, as Kestra prints maps and lists. */
export function toJson(value: unknown, indent?: number): string {
  try {
    const text = JSON.stringify(value === undefined ? null : value, jsonReplacer, indent);
    return text ?? 'null';
  } catch (error) {
    throw new EvaluationError(`cannot convert the value to JSON: ${(error as Error).message}`);
  }
}

function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'function' || typeof value === 'symbol') return undefined;
  return value;
}

/** How a value prints inside `{{ }}` and when joined into strings. */
export function toText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Object.is(value, -0) ? '0' : String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : value.toISOString();
  if (typeof value === 'object') return toJson(value);
  if (typeof value === 'bigint') return value.toString();
  return '';
}

/** Coerces a filter argument that must be a whole number. */
export function toInteger(value: unknown, what: string): number {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n)) {
    throw new EvaluationError(`${what} must be a number, got ${typeName(value)}`);
  }
  return Math.trunc(n);
}

export function toNumber(value: unknown, what: string): number {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || Number.isNaN(n)) {
    throw new EvaluationError(`${what} must be a number, got ${typeName(value)}`);
  }
  return n;
}
