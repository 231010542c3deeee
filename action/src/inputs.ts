/**
 * The Action's inputs (action.yml), read once and checked here: each refusal names the input and
 * says what it takes. `read` is how an input is looked up (`core.getInput` in the Action).
 */
import { Duration } from 'luxon';
import { parse } from 'yaml';

export const COMMANDS = ['validate', 'run', 'trigger', 'test'] as const;
export type Command = (typeof COMMANDS)[number];

export interface ActionInputs {
  command: Command;
  /** The Osprey repository folder, relative to the workspace ('' = the workspace). */
  path: string;
  /** `namespace.flowId` or a flow file; `test` takes several (one a line or comma-separated). */
  flows: string[];
  inputs: Record<string, unknown>;
  server: string | undefined;
  token: string | undefined;
  wait: boolean;
  /** Undefined: no limit but the job's own. */
  timeoutMs: number | undefined;
}

export class InputError extends Error {
  override name = 'InputError';
}

export function readInputs(read: (name: string) => string): ActionInputs {
  const command = read('command').trim() || 'validate';
  if (!(COMMANDS as readonly string[]).includes(command)) {
    throw new InputError(`input 'command' must be one of ${COMMANDS.join(', ')}; got '${command}'`);
  }
  const server = read('server').trim() || undefined;
  if (server !== undefined && (!/^https?:\/\//.test(server) || !URL.canParse(server))) {
    throw new InputError(
      `input 'server' must be the http(s) URL of an Osprey server, e.g. https://osprey.example.com; got '${server}'`,
    );
  }
  return {
    command: command as Command,
    path: read('path').trim(),
    flows: read('flow')
      .split(/[\n,]/)
      .map((f) => f.trim())
      .filter((f) => f !== ''),
    inputs: parseInputsMap(read('inputs')),
    server: server?.replace(/\/+$/, ''),
    token: read('token').trim() || undefined,
    wait: parseBoolean('wait', read('wait'), true),
    timeoutMs: parseTimeout(read('timeout')),
  };
}

function parseInputsMap(text: string): Record<string, unknown> {
  if (text.trim() === '') return {};
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (e) {
    throw new InputError(
      `input 'inputs' is not valid YAML or JSON: ${(e as Error).message.split('\n')[0]}; give a map such as {"user": "Ada"} or one 'name: value' a line`,
    );
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    throw new InputError(
      `input 'inputs' must be a map of flow input id to value, such as {"user": "Ada"}; got ${Array.isArray(doc) ? 'a list' : `the ${typeof doc} ${JSON.stringify(doc)}`}`,
    );
  }
  return doc as Record<string, unknown>;
}

function parseBoolean(name: string, text: string, fallback: boolean): boolean {
  const value = text.trim().toLowerCase();
  if (value === '') return fallback;
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new InputError(`input '${name}' must be true or false; got '${text.trim()}'`);
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `600` (seconds), `90s`, `10m`, `1h30m`, or ISO-8601 (`PT10M`). */
export function parseTimeout(text: string): number | undefined {
  const value = text.trim();
  if (value === '') return undefined;
  let ms: number | undefined;
  if (/^\d+$/.test(value)) ms = Number(value) * 1000;
  else if (/^(\d+(ms|s|m|h))+$/i.test(value)) {
    ms = 0;
    for (const [, n, unit] of value.toLowerCase().matchAll(/(\d+)(ms|s|m|h)/g))
      ms += Number(n) * UNITS[unit!]!;
  } else if (/^P/i.test(value)) {
    const d = Duration.fromISO(value.toUpperCase());
    if (d.isValid) ms = d.toMillis();
  }
  if (ms === undefined || !Number.isFinite(ms) || ms <= 0) {
    throw new InputError(
      `input 'timeout' must be a duration such as 600 (seconds), 90s, 10m, 1h30m or PT10M; got '${value}'`,
    );
  }
  return ms;
}
