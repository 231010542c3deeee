/**
 * Flow inputs (and Pause `onResume` inputs) from raw values: defaults applied, required inputs
 * enforced, each value parsed per type. Every problem is collected, each naming its input, so a
 * refused start says everything that is wrong at once.
 */
import type { Input } from '../../../../flows-schema/src/schema/inputs.ts';
import { type ParseServices, parseInputValue } from './input-types.ts';

export interface InputsResult {
  values: Record<string, unknown>;
  problems: Array<{ input: string; message: string }>;
}

const missing = (v: unknown) => v === undefined || v === null || v === '';

export async function parseInputs(
  defs: readonly Input[] | undefined,
  raw: Record<string, unknown>,
  services: ParseServices = {},
): Promise<InputsResult> {
  const values: Record<string, unknown> = {};
  const problems: InputsResult['problems'] = [];
  for (const def of defs ?? []) {
    let value = raw[def.id];
    if (missing(value)) value = def.defaults;
    if (missing(value)) {
      if (def.required !== false) {
        problems.push({
          input: def.id,
          message: `is required and has no default; give it a ${def.type} value`,
        });
      } else values[def.id] = null;
      continue;
    }
    const parsed = await parseInputValue(def, value, services);
    if ('problem' in parsed) problems.push({ input: def.id, message: `(${def.type}) ${parsed.problem}` });
    else values[def.id] = parsed.value;
  }
  return { values, problems };
}
