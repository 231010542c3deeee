/**
 * Kestra filters with no Liquid counterpart: `jq` (through the jq-wasm build of jq itself) and
 * `className` (the Java class Kestra would report for the value).
 */
import { raw as runJq } from 'jq-wasm';
import { type FilterDef, stringArg } from './callables.ts';
import { EvaluationError } from './errors.ts';
import { isPlainObject } from './values.ts';

/**
 * `value | jq('.a[].b')`, as Kestra's JqFilter: a string input is parsed as JSON, the result is
 * always the list of everything the query outputs (hence the usual `| first`), null stays null.
 */
const jq: FilterDef = {
  params: ['expression'],
  required: 1,
  async apply(input, [expression]) {
    if (input === null || input === undefined) return null;
    const query = stringArg(expression, "jq's expression");
    let data: string;
    if (typeof input === 'string') {
      try {
        JSON.parse(input);
      } catch {
        throw new EvaluationError(
          `jq(): the input text is not JSON; to query a plain string, pass it as a JSON string (toJson)`,
        );
      }
      data = input;
    } else data = JSON.stringify(input);
    let out: string;
    // jq's exit status ends up in process.exitCode (Emscripten's quit handler): keep the process's own.
    const exitCode = process.exitCode;
    try {
      out = await runJq(data, query, ['-c']);
    } catch (error) {
      const message = (error as Error).message.replace(/\s+/g, ' ').trim();
      throw new EvaluationError(`jq('${query}'): ${message}`);
    } finally {
      process.exitCode = exitCode;
    }
    return out
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as unknown);
  },
};

/** The class Kestra's Java runtime gives a value of this JSON type. */
function javaClass(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return 'java.lang.String';
  if (typeof value === 'boolean') return 'java.lang.Boolean';
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) return 'java.lang.Double';
    return Math.abs(value) <= 2 ** 31 - 1 ? 'java.lang.Integer' : 'java.lang.Long';
  }
  if (Array.isArray(value)) return 'java.util.ArrayList';
  if (isPlainObject(value)) return 'java.util.LinkedHashMap';
  if (value instanceof Date) return 'java.time.ZonedDateTime';
  return 'java.lang.Object';
}

export const KESTRA_FILTERS: Readonly<Record<string, FilterDef>> = {
  jq,
  className: { params: [], apply: (input) => javaClass(input) },
};
