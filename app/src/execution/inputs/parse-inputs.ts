/**
 * Flow inputs (and Pause `onResume` inputs) from raw values: defaults applied, required inputs
 * enforced, each value parsed per type. Every problem is collected, each naming its input, so a
 * refused start says everything that is wrong at once. A dotted id (`users.firstName`) is a nested
 * input, as in Kestra: its value is read from `users.firstName` or `{users: {firstName}}` and kept
 * as `inputs.users.firstName`.
 */
import { setOwn } from '../../../../flows-schema/src/expressions/values.ts';
import type { Input } from '../../../../flows-schema/src/schema/inputs.ts';
import { type ParseServices, parseInputValue } from './input-types.ts';

export interface InputsResult {
  values: Record<string, unknown>;
  problems: Array<{ input: string; message: string }>;
}

const missing = (v: unknown) => v === undefined || v === null || v === '';

const isMap = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v) && !Buffer.isBuffer(v);

/** The value of input `id` in `values`: a plain key first, then the nested path of a dotted id. */
export function inputValue(values: Record<string, unknown>, id: string): unknown {
  if (Object.hasOwn(values, id) || !id.includes('.')) return values[id];
  let at: unknown = values;
  for (const part of id.split('.')) {
    if (!isMap(at) || !Object.hasOwn(at, part)) return undefined;
    at = at[part];
  }
  return at;
}

/** Sets input `id` in `values`, a dotted id as nested maps. */
export function setInputValue(values: Record<string, unknown>, id: string, value: unknown): void {
  const parts = id.split('.');
  let at = values;
  for (const part of parts.slice(0, -1)) {
    const next = at[part];
    if (isMap(next)) at = next;
    else {
      const created: Record<string, unknown> = {};
      setOwn(at, part, created);
      at = created;
    }
  }
  setOwn(at, parts.at(-1)!, value);
}

export async function parseInputs(
  defs: readonly Input[] | undefined,
  raw: Record<string, unknown>,
  services: ParseServices = {},
): Promise<InputsResult> {
  const values: Record<string, unknown> = {};
  const problems: InputsResult['problems'] = [];
  for (const def of defs ?? []) {
    let value = inputValue(raw, def.id);
    if (missing(value)) value = def.defaults;
    if (missing(value)) {
      if (def.required !== false) {
        problems.push({
          input: def.id,
          message: `is required and has no default; give it a ${def.type} value`,
        });
      } else setInputValue(values, def.id, null);
      continue;
    }
    const parsed = await parseInputValue(def, value, services);
    if ('problem' in parsed) problems.push({ input: def.id, message: `(${def.type}) ${parsed.problem}` });
    else setInputValue(values, def.id, parsed.value);
  }
  return { values, problems };
}
