/**
 * List, map and number filters (`length`, `join`, `keys`, `sort`, `slice`, `default`, `number`, ...).
 * Where Pebble and Liquid disagree (`join`'s separator, `slice`'s second argument, `default` on
 * `false`) the Pebble meaning applies to `name(args)` and the Liquid one to `name: args`.
 */
import { type FilterDef, listArg, optionalString, stringArg } from './callables.ts';
import { EvaluationError } from './errors.ts';
import {
  compareValues,
  isEmptyValue,
  isPlainObject,
  setOwn,
  toInteger,
  toJson,
  toNumber,
  toText,
  typeName,
  valuesEqual,
} from './values.ts';

function lengthOf(value: unknown): number {
  if (typeof value === 'string' || Array.isArray(value)) return value.length;
  if (isPlainObject(value)) return Object.keys(value).length;
  return 0;
}

function sorted(input: unknown, property: unknown, descending: boolean): unknown[] {
  const items = [...listArg(input, 'sort')];
  const key = property === undefined || property === null ? undefined : toText(property);
  const read = (item: unknown): unknown =>
    key !== undefined && isPlainObject(item) && Object.hasOwn(item, key)
      ? item[key]
      : key === undefined
        ? item
        : null;
  items.sort((a, b) => {
    const x = read(a);
    const y = read(b);
    if (x === null || x === undefined) return y === null || y === undefined ? 0 : 1;
    if (y === null || y === undefined) return -1;
    const order = compareValues(x, y, 'sort');
    return descending ? -order : order;
  });
  return items;
}

function slice(input: unknown, first: unknown, second: unknown, liquid: boolean): unknown {
  if (input === null || input === undefined) return null;
  const sequence = Array.isArray(input) ? input : toText(input);
  const length = sequence.length;
  let start = first === undefined ? 0 : toInteger(first, 'slice start');
  if (start < 0) start = Math.max(0, length + start);
  let end: number;
  if (liquid) end = start + (second === undefined ? 1 : toInteger(second, 'slice length'));
  else end = second === undefined ? length : toInteger(second, 'slice end');
  if (end < 0) end = Math.max(0, length + end);
  return sequence.slice(start, Math.min(end, length));
}

function merge(input: unknown, other: unknown): unknown {
  if (Array.isArray(input)) return Array.isArray(other) ? [...input, ...other] : [...input, other];
  if (isPlainObject(input) && isPlainObject(other)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(input)) setOwn(out, k, v);
    for (const [k, v] of Object.entries(other)) setOwn(out, k, v);
    return out;
  }
  throw new EvaluationError(
    `merge needs two lists or two maps, got ${typeName(input)} and ${typeName(other)}`,
  );
}

function distinct(input: unknown): unknown[] {
  const out: unknown[] = [];
  const seen = new Set<unknown>();
  for (const item of listArg(input, 'distinct')) {
    const key = item !== null && typeof item === 'object' ? toJson(item) : item;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(item);
  }
  return out;
}

const NUMBER_TYPES = new Set(['INT', 'INTEGER', 'LONG', 'FLOAT', 'DOUBLE', 'BIGDECIMAL', 'BIGINTEGER']);

function parseNumber(input: unknown, type: string | undefined): unknown {
  if (input === null || input === undefined) return null;
  const kind = type?.toUpperCase();
  if (kind !== undefined && !NUMBER_TYPES.has(kind)) {
    throw new EvaluationError(`number type must be one of ${[...NUMBER_TYPES].join(', ')}, got '${type}'`);
  }
  const n = typeof input === 'number' ? input : Number(toText(input).trim());
  if (Number.isNaN(n) || (typeof input === 'string' && input.trim() === '')) {
    throw new EvaluationError(`cannot convert '${toText(input)}' to a number`);
  }
  if (
    (kind === 'INT' || kind === 'INTEGER' || kind === 'LONG' || kind === 'BIGINTEGER') &&
    !Number.isInteger(n)
  ) {
    throw new EvaluationError(`'${toText(input)}' is not a whole number (${kind})`);
  }
  return n;
}

const formats = new Map<string, Intl.NumberFormat>();

/** Java DecimalFormat patterns such as `#,##0.00` or `0.###`. */
function numberFormat(input: unknown, pattern: string): string {
  let format = formats.get(pattern);
  if (format === undefined) {
    const [integer = '', fraction = ''] = pattern.split('.');
    format = new Intl.NumberFormat('en-US', {
      useGrouping: integer.includes(','),
      minimumIntegerDigits: Math.max(1, (integer.match(/0/g) ?? []).length),
      minimumFractionDigits: (fraction.match(/0/g) ?? []).length,
      maximumFractionDigits: (fraction.match(/[0#]/g) ?? []).length,
      roundingMode: 'halfEven',
    });
    if (formats.size > 200) formats.clear();
    formats.set(pattern, format);
  }
  return format.format(toNumber(input, 'numberformat input'));
}

export const COLLECTION_FILTERS: Readonly<Record<string, FilterDef>> = {
  length: { params: [], apply: lengthOf },
  size: { params: [], apply: lengthOf },
  first: {
    params: [],
    apply: (input) => (Array.isArray(input) || typeof input === 'string' ? (input[0] ?? null) : null),
  },
  last: {
    params: [],
    apply: (input) => (Array.isArray(input) || typeof input === 'string' ? (input.at(-1) ?? null) : null),
  },
  join: {
    params: ['separator'],
    apply(input, [separator], _ctx, colon) {
      if (input === null || input === undefined) return null;
      const glue = separator === undefined ? (colon ? ' ' : '') : toText(separator);
      return Array.isArray(input) ? input.map(toText).join(glue) : toText(input);
    },
  },
  keys: {
    params: [],
    apply(input) {
      if (input === null || input === undefined) return null;
      if (isPlainObject(input)) return Object.keys(input);
      if (Array.isArray(input)) return input.map((_, i) => i);
      throw new EvaluationError(`keys needs a map, got ${typeName(input)}`);
    },
  },
  values: {
    params: [],
    apply(input) {
      if (input === null || input === undefined) return null;
      if (isPlainObject(input)) return Object.values(input);
      if (Array.isArray(input)) return [...input];
      throw new EvaluationError(`values needs a map, got ${typeName(input)}`);
    },
  },
  sort: { params: ['property'], apply: (input, [property]) => sorted(input, property, false) },
  rsort: { params: ['property'], apply: (input, [property]) => sorted(input, property, true) },
  reverse: {
    params: [],
    apply(input) {
      if (typeof input === 'string') return [...input].reverse().join('');
      return [...listArg(input, 'reverse')].reverse();
    },
  },
  slice: {
    params: ['fromIndex', 'toIndex'],
    apply: (input, [from, to], _ctx, colon) => slice(input, from, to, colon),
  },
  merge: { params: ['items'], required: 1, apply: (input, [other]) => merge(input, other) },
  distinct: { params: [], apply: distinct },
  flatten: {
    params: [],
    apply: (input) => listArg(input, 'flatten').flatMap((item) => (Array.isArray(item) ? item : [item])),
  },
  chunk: {
    params: ['size'],
    required: 1,
    apply(input, [size]) {
      const items = listArg(input, 'chunk');
      const n = toInteger(size, 'chunk size');
      if (n <= 0) throw new EvaluationError('chunk size must be at least 1');
      const out: unknown[][] = [];
      for (let i = 0; i < items.length; i += n) out.push(items.slice(i, i + n));
      return out;
    },
  },
  default: {
    params: ['default', 'allow_false'],
    tolerant: true,
    apply(input, [fallback, allowFalse], _ctx, colon) {
      // Liquid treats false as empty unless allow_false; Pebble keeps false.
      if (colon && input === false && allowFalse !== true) return fallback;
      return isEmptyValue(input) ? fallback : input;
    },
  },
  abs: { params: [], apply: (input) => Math.abs(toNumber(input, 'abs input')) },
  number: {
    params: ['type'],
    apply: (input, [type]) => parseNumber(input, optionalString(type, 'number type')),
  },
  numberformat: {
    params: ['format'],
    required: 1,
    apply: (input, [pattern]) => numberFormat(input, stringArg(pattern, 'numberformat pattern')),
  },
  contains: {
    params: ['value'],
    required: 1,
    apply(input, [item]) {
      if (typeof input === 'string') return input.includes(toText(item));
      if (isPlainObject(input)) return Object.hasOwn(input, toText(item));
      return listArg(input, 'contains').some((x) => valuesEqual(x, item));
    },
  },
};
