/**
 * Shapes of filters, functions and tests, and the argument coercions they share.
 * Parameters are declared by name so Pebble's named arguments (`date(format='x', timeZone='UTC')`)
 * are checked when the template is parsed, not when it runs.
 */
import { EvaluationError } from './errors.ts';
import type { RenderContext } from './render-context.ts';
import { typeName } from './values.ts';

export interface FilterDef {
  /** Parameter names in positional order; named arguments must be one of them. */
  readonly params: readonly string[];
  /** Positional arguments required. */
  readonly required?: number;
  /** The input is evaluated leniently: an undefined variable arrives as `undefined` instead of failing. */
  readonly tolerant?: boolean;
  /** `colon` is true for Liquid's `| name: arg` form, for filters whose Pebble and Liquid meanings differ. */
  apply(input: unknown, args: readonly unknown[], ctx: RenderContext, colon: boolean): unknown;
}

export interface FunctionDef {
  readonly params: readonly string[];
  readonly required?: number;
  call(args: readonly unknown[], ctx: RenderContext): unknown;
}

export interface TestDef {
  readonly tolerant?: boolean;
  test(value: unknown): boolean;
}

export function stringArg(value: unknown, what: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new EvaluationError(`${what} must be a string, got ${typeName(value)}`);
}

export function optionalString(value: unknown, what: string): string | undefined {
  return value === undefined || value === null ? undefined : stringArg(value, what);
}

export function listArg(value: unknown, what: string): readonly unknown[] {
  if (Array.isArray(value)) return value;
  if (value === null || value === undefined) return [];
  throw new EvaluationError(`${what} needs a list, got ${typeName(value)}`);
}
