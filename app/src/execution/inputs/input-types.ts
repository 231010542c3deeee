/**
 * One parser per Kestra input type: raw value (a CLI string, a form field, typed JSON) in, typed
 * value or a message saying what was expected out. Constraints (min, max, validator, values) are
 * checked here, so every refusal names the rule that failed.
 */

import YAML from 'yaml';
import type { Input, InputTypeName } from '../../../../flows-schema/src/schema/inputs.ts';
import { parseDuration } from '../../../../flows-schema/src/time.ts';

export type Parsed = { value: unknown } | { problem: string };

export interface ParseServices {
  /** Store a file input's content in internal storage; returns its kestra:// URI. */
  storeFile?(name: string, raw: unknown): Promise<string>;
  onSecret?(value: string): void;
}

const ok = (value: unknown): Parsed => ({ value });
const no = (problem: string): Parsed => ({ problem });
const text = (raw: unknown): string | undefined =>
  typeof raw === 'string'
    ? raw
    : typeof raw === 'number' || typeof raw === 'boolean'
      ? String(raw)
      : undefined;

/** `min`/`max` are shown as written in the flow (`PT10S`), `shown` is the value as given. */
function bounded(
  n: number,
  bounds: { min?: number; max?: number; minShown?: string; maxShown?: string },
  shown = String(n),
): Parsed {
  const { min, max } = bounds;
  if (min !== undefined && n < min)
    return no(`must be at least ${bounds.minShown ?? min} (min), got ${shown}`);
  if (max !== undefined && n > max)
    return no(`must be at most ${bounds.maxShown ?? max} (max), got ${shown}`);
  return ok(n);
}

/** The offending value, quoted; a SECRET's value is never shown. */
function given(def: Input, value: string): string {
  return def.type === 'SECRET' ? `a value of ${value.length} characters` : `'${value}'`;
}

function matches(value: string, validator: string | undefined): boolean {
  // Kestra uses Java's String.matches: the whole value must match.
  return validator === undefined || new RegExp(`^(?:${validator})$`, 'u').test(value);
}

function listOf(raw: unknown): unknown[] | undefined {
  if (Array.isArray(raw)) return raw;
  if (typeof raw !== 'string') return undefined;
  try {
    const v = JSON.parse(raw);
    return Array.isArray(v) ? v : undefined;
  } catch {
    return raw.split(',').map((s) => s.trim());
  }
}

function choices(def: { values?: unknown; options?: string[] }): string[] | undefined {
  if (Array.isArray(def.values)) return def.values.map(String);
  if (typeof def.values === 'string') return listOf(def.values)?.map(String);
  return def.options;
}

function dateBound(value: string, def: { after?: string; before?: string }, kind: string): Parsed {
  if (def.after !== undefined && !(value > def.after))
    return no(`must be after ${def.after} (after), got ${value}`);
  if (def.before !== undefined && !(value < def.before))
    return no(`must be before ${def.before} (before), got ${value}`);
  return kind === 'DATETIME' ? ok(new Date(value).toISOString()) : ok(value);
}

export async function parseInputValue(def: Input, raw: unknown, services: ParseServices): Promise<Parsed> {
  const d = def as Input & Record<string, unknown>;
  const s = text(raw);
  switch (def.type) {
    case 'STRING':
    case 'SECRET': {
      if (s === undefined)
        return no(
          def.type === 'SECRET' ? 'must be a string' : `must be a string, got ${JSON.stringify(raw)}`,
        );
      if (!matches(s, d['validator'] as string | undefined))
        return no(`must match the pattern ${String(d['validator'])} (validator), got ${given(def, s)}`);
      const min = d['minLength'] as number | undefined;
      const max = d['maxLength'] as number | undefined;
      if (min !== undefined && s.length < min)
        return no(`must be at least ${min} characters long (minLength), got ${s.length}`);
      if (max !== undefined && s.length > max)
        return no(`must be at most ${max} characters long (maxLength), got ${s.length}`);
      if (def.type === 'SECRET') services.onSecret?.(s);
      return ok(s);
    }
    case 'INT': {
      const n =
        typeof raw === 'number'
          ? raw
          : s !== undefined && /^[+-]?\d+$/.test(s.trim())
            ? Number(s)
            : Number.NaN;
      if (!Number.isInteger(n)) return no(`must be an integer, got ${JSON.stringify(raw)}`);
      return bounded(n, d as { min?: number; max?: number });
    }
    case 'FLOAT': {
      const n = typeof raw === 'number' ? raw : s !== undefined && s.trim() !== '' ? Number(s) : Number.NaN;
      if (!Number.isFinite(n)) return no(`must be a number, got ${JSON.stringify(raw)}`);
      return bounded(n, d as { min?: number; max?: number });
    }
    case 'BOOLEAN':
    case 'BOOL': {
      if (typeof raw === 'boolean') return ok(raw);
      const t = s?.trim().toLowerCase();
      return t === 'true' || t === 'false'
        ? ok(t === 'true')
        : no(`must be true or false, got ${JSON.stringify(raw)}`);
    }
    case 'DATETIME':
      if (s === undefined || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(s) || Number.isNaN(Date.parse(s))) {
        return no(`must be an ISO-8601 date-time such as 2025-01-31T10:00:00Z, got ${JSON.stringify(raw)}`);
      }
      return dateBound(s, d as { after?: string; before?: string }, 'DATETIME');
    case 'DATE':
      if (s === undefined || !/^\d{4}-\d{2}-\d{2}$/.test(s) || Number.isNaN(Date.parse(s)))
        return no(`must be a date such as 2025-01-31, got ${JSON.stringify(raw)}`);
      return dateBound(s, d as { after?: string; before?: string }, 'DATE');
    case 'TIME':
      if (s === undefined || !/^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d+)?)?$/.test(s))
        return no(`must be a time such as 10:30:00, got ${JSON.stringify(raw)}`);
      return dateBound(s, d as { after?: string; before?: string }, 'TIME');
    case 'DURATION': {
      const ms = s === undefined ? undefined : parseDuration(s);
      if (ms === undefined)
        return no(`must be an ISO-8601 duration such as PT5M, got ${JSON.stringify(raw)}`);
      const bound = (key: 'min' | 'max') =>
        d[key] === undefined ? {} : { [key]: parseDuration(String(d[key])), [`${key}Shown`]: String(d[key]) };
      const b = bounded(ms, { ...bound('min'), ...bound('max') }, s);
      return 'problem' in b ? b : ok(s);
    }
    case 'FILE':
      if (services.storeFile === undefined)
        return s?.startsWith('kestra://') ? ok(s) : no('file inputs need internal storage');
      try {
        return ok(await services.storeFile(def.id, raw));
      } catch (e) {
        return no(`cannot read the file: ${(e as Error).message}`);
      }
    case 'JSON':
      if (typeof raw !== 'string') return ok(raw);
      try {
        return ok(JSON.parse(raw));
      } catch (e) {
        return no(`must be valid JSON: ${(e as Error).message}`);
      }
    case 'YAML':
      if (typeof raw !== 'string') return ok(raw);
      try {
        return ok(YAML.parse(raw));
      } catch (e) {
        return no(`must be valid YAML: ${(e as Error).message}`);
      }
    case 'URI':
      if (s === undefined || !URL.canParse(s))
        return no(`must be a URI such as https://example.com/data.csv, got ${JSON.stringify(raw)}`);
      return ok(s);
    case 'EMAIL':
      if (s === undefined || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(s))
        return no(`must be an email address, got ${JSON.stringify(raw)}`);
      return ok(s);
    case 'SELECT':
    case 'ENUM': {
      const allowed = choices(d as { values?: unknown; options?: string[] });
      if (s === undefined) return no(`must be one of the listed values, got ${JSON.stringify(raw)}`);
      if (allowed !== undefined && !allowed.includes(s) && d['allowCustomValue'] !== true)
        return no(`must be one of the allowed values ${allowed.join(', ')}, got '${s}'`);
      return ok(s);
    }
    case 'MULTISELECT': {
      const allowed = choices(d as { values?: unknown; options?: string[] });
      const list = listOf(raw);
      if (list === undefined) return no(`must be a list, got ${JSON.stringify(raw)}`);
      const bad = list.map(String).filter((v) => allowed !== undefined && !allowed.includes(v));
      if (bad.length > 0 && d['allowCustomValue'] !== true)
        return no(
          `must be among the allowed values ${allowed?.join(', ')}, got ${bad.map((v) => `'${v}'`).join(', ')}`,
        );
      return ok(list.map(String));
    }
    case 'ARRAY': {
      const list = listOf(raw);
      if (list === undefined) return no(`must be a list, got ${JSON.stringify(raw)}`);
      const itemType = d['itemType'] as InputTypeName;
      const out: unknown[] = [];
      for (const [i, item] of list.entries()) {
        const r = await parseInputValue({ id: def.id, type: itemType } as Input, item, services);
        if ('problem' in r) return no(`item ${i} ${r.problem}`);
        out.push(r.value);
      }
      return ok(out);
    }
  }
}
