/**
 * What the JDBC tasks share around a query: `fetchType` (and Kestra's older booleans), the
 * `parameters` map, and the outputs of a result set. FETCH → `rows` + `size`, FETCH_ONE → `row`
 * + `size`, STORE → `uri` + `size`, NONE → nothing. STORE writes one JSON object per line: JSON
 * is Ion text, so the file is the Ion file Kestra's STORE writes and its `.ion` name is honest.
 */
import type { TaskContext } from '../../../../../protocol/src/task-contract.ts';
import type { PropertyReader } from '../../support/properties.ts';
import { scopeOf } from '../../support/storage.ts';

export const FETCH_TYPES = ['FETCH', 'FETCH_ONE', 'STORE', 'NONE'] as const;
export type FetchType = (typeof FETCH_TYPES)[number];

/** Kestra's older booleans (`fetch`, `fetchOne`, `store`) still pick a fetch type. */
export function fetchTypeOf(p: PropertyReader): FetchType {
  if (p.has('fetchType')) return p.oneOf('fetchType', FETCH_TYPES, 'NONE');
  if (p.boolean('store', false)) return 'STORE';
  if (p.boolean('fetchOne', false)) return 'FETCH_ONE';
  if (p.boolean('fetch', false)) return 'FETCH';
  return 'NONE';
}

export function parametersOf(p: PropertyReader): Record<string, unknown> {
  const raw = p.raw('parameters');
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw))
    return p.fail('parameters', 'must be a map of name to value');
  return raw as Record<string, unknown>;
}

/** Rows as JSON lines, the content of a STORE file. */
export function jsonLines(rows: readonly Record<string, unknown>[]): string {
  return rows.map((row) => `${JSON.stringify(row)}\n`).join('');
}

/** The outputs of one result set for `fetchType`; STORE files are named `<name>.ion`. */
export async function resultOutputs(
  ctx: TaskContext,
  fetchType: FetchType,
  rows: readonly Record<string, unknown>[],
  name: string,
): Promise<Record<string, unknown>> {
  switch (fetchType) {
    case 'NONE':
      return {};
    case 'FETCH':
      return { rows, size: rows.length };
    case 'FETCH_ONE':
      return { row: rows[0] ?? null, size: rows.length === 0 ? 0 : 1 };
    case 'STORE':
      return {
        uri: await ctx.storage.put(scopeOf(ctx.run), `${name}.ion`, jsonLines(rows)),
        size: rows.length,
      };
  }
}

/**
 * A driver's value as a JSON output: integers stay numbers while they are exact (else text),
 * dates become ISO-8601 text, bytes base64, and nested arrays/objects are converted through.
 */
export function jsonValue(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : String(value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value)) return value.map(jsonValue);
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = jsonValue(v);
    return out;
  }
  return value;
}
