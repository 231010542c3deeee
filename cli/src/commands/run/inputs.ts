/**
 * Inputs of `osprey run`: `--inputs-file` (JSON or YAML map) first, then each `--input key=value`
 * on top. Values stay raw strings (or the file's typed values): the execution service parses them
 * per input type and refuses bad ones with the input named. A key given twice becomes a list, for
 * MULTISELECT and ARRAY inputs.
 */
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export async function collectInputs(
  pairs: readonly string[],
  file: string | undefined,
): Promise<Record<string, unknown>> {
  const inputs: Record<string, unknown> = file === undefined ? {} : await readInputsFile(file);
  const repeated = new Set<string>();
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--input expects key=value, got '${pair}'`);
    const key = pair.slice(0, eq);
    const value = pair.slice(eq + 1);
    if (repeated.has(key)) {
      const previous = inputs[key];
      inputs[key] = Array.isArray(previous) ? [...previous, value] : [previous, value];
    } else {
      inputs[key] = value;
      repeated.add(key);
    }
  }
  return inputs;
}

async function readInputsFile(file: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new UsageError(
      `cannot read --inputs-file ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
  let doc: unknown;
  try {
    doc = /\.json$/i.test(file) ? JSON.parse(text) : parse(text);
  } catch (e) {
    throw new UsageError(
      `--inputs-file ${file} is not valid ${/\.json$/i.test(file) ? 'JSON' : 'YAML'}: ${(e as Error).message.split('\n')[0]}`,
    );
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc))
    throw new UsageError(`--inputs-file ${file} must hold a map of input id: value`);
  return doc as Record<string, unknown>;
}
