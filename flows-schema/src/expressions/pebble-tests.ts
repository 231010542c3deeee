/**
 * Pebble's `is` tests (`x is defined`, `x is not null`, `n is even`, ...). `defined`, `null` and
 * `empty` read their subject leniently, so they are how a template asks about optional values.
 */
import type { TestDef } from './callables.ts';
import { EvaluationError } from './errors.ts';
import { isEmptyValue, isPlainObject, typeName } from './values.ts';

function integer(value: unknown, test: string): number {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  throw new EvaluationError(`'is ${test}' needs a whole number, got ${typeName(value)}`);
}

export const TESTS: Readonly<Record<string, TestDef>> = {
  defined: { tolerant: true, test: (value) => value !== undefined },
  null: { tolerant: true, test: (value) => value === null || value === undefined },
  empty: { tolerant: true, test: isEmptyValue },
  even: { test: (value) => integer(value, 'even') % 2 === 0 },
  odd: { test: (value) => Math.abs(integer(value, 'odd') % 2) === 1 },
  iterable: { test: (value) => Array.isArray(value) },
  map: { test: isPlainObject },
  json: {
    test(value) {
      if (typeof value !== 'string') return false;
      try {
        JSON.parse(value);
        return true;
      } catch {
        return false;
      }
    },
  },
};
