/**
 * KV keys and typed values. A value is stored with its type (Kestra's KV types) and always read back
 * in one canonical JSON form per type, so every reader (expressions, tasks, the REST API, the CLI)
 * sees the same thing:
 *
 * | type     | accepted on write                                  | read back as                 |
 * | -------- | -------------------------------------------------- | ---------------------------- |
 * | STRING   | a string (numbers and booleans are converted)      | string                       |
 * | NUMBER   | a finite number or a numeric string                | number                       |
 * | BOOLEAN  | a boolean or "true"/"false"                        | boolean                      |
 * | DATETIME | a Date, an ISO-8601 date-time, epoch milliseconds  | ISO-8601 UTC string          |
 * | DATE     | a Date or YYYY-MM-DD                               | YYYY-MM-DD string            |
 * | DURATION | an ISO-8601 duration (PT5M, P1DT2H)                | upper-case ISO-8601 string   |
 * | JSON     | any JSON value, or a string holding JSON           | the JSON value               |
 *
 * Without an explicit type it is inferred: string, number, boolean, Date → DATETIME, else JSON.
 */
import { parseDuration } from '../../../flows-schema/src/time.ts';

export const KV_TYPES = ['STRING', 'NUMBER', 'BOOLEAN', 'DATETIME', 'DATE', 'DURATION', 'JSON'] as const;
export type KvType = (typeof KV_TYPES)[number];

export const KV_ERROR_CODES = ['INVALID_KEY', 'INVALID_NAMESPACE', 'INVALID_VALUE', 'KEY_EXISTS'] as const;
export type KvErrorCode = (typeof KV_ERROR_CODES)[number];

/** A refused KV request; `code` lets the REST API answer 400 or 409. */
export class KvError extends Error {
  override name = 'KvError';
  readonly code: KvErrorCode;
  constructor(code: KvErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

/** Kestra's key rule. */
const KEY = /^[a-zA-Z0-9][a-zA-Z0-9._-]*$/;
const MAX_KEY = 255;

export function assertKvKey(key: string): void {
  if (!KEY.test(key) || key.length > MAX_KEY) {
    throw new KvError(
      'INVALID_KEY',
      `'${key}' is not a valid KV key: start with a letter or digit, then use only letters, digits, '.', '-' and '_' (at most ${MAX_KEY} characters, e.g. last_run.date)`,
    );
  }
}

export function isKvType(value: string): value is KvType {
  return (KV_TYPES as readonly string[]).includes(value);
}

export function inferKvType(value: unknown): KvType {
  if (typeof value === 'string') return 'STRING';
  if (typeof value === 'number') return 'NUMBER';
  if (typeof value === 'boolean') return 'BOOLEAN';
  if (value instanceof Date) return 'DATETIME';
  return 'JSON';
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DURATION =
  /^P(?!$)(\d+(?:\.\d+)?Y)?(\d+(?:\.\d+)?M)?(\d+(?:\.\d+)?W)?(\d+(?:\.\d+)?D)?(T(?=\d)(\d+(?:\.\d+)?H)?(\d+(?:\.\d+)?M)?(\d+(?:\.\d+)?S)?)?$/;
/** A date-time needs at least a time part; bare dates are DATE values. */
const DATETIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/;

function invalid(key: string, type: KvType, value: unknown, expected: string): KvError {
  const shown =
    typeof value === 'string'
      ? `'${value.length > 60 ? `${value.slice(0, 57)}...` : value}'`
      : JSON.stringify(value);
  return new KvError(
    'INVALID_VALUE',
    `KV key '${key}': ${shown} is not a valid ${type} value; expected ${expected}`,
  );
}

/** The canonical stored form of `value` as `type`; throws `KvError` naming the key otherwise. */
export function toKvValue(key: string, type: KvType, value: unknown): unknown {
  switch (type) {
    case 'STRING':
      if (typeof value === 'string') return value;
      if (typeof value === 'number' || typeof value === 'boolean') return String(value);
      throw invalid(key, type, value, 'a string');
    case 'NUMBER': {
      const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
      if (typeof n === 'number' && Number.isFinite(n)) return n;
      throw invalid(key, type, value, 'a finite number such as 42 or 3.5');
    }
    case 'BOOLEAN':
      if (typeof value === 'boolean') return value;
      if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
      throw invalid(key, type, value, 'true or false');
    case 'DATETIME': {
      const d =
        value instanceof Date
          ? value
          : typeof value === 'number'
            ? new Date(value)
            : typeof value === 'string' && DATETIME.test(value)
              ? new Date(value)
              : undefined;
      if (d !== undefined && !Number.isNaN(d.getTime())) return d.toISOString();
      throw invalid(key, type, value, 'an ISO-8601 date-time such as 2025-01-31T09:30:00Z');
    }
    case 'DATE': {
      if (value instanceof Date && !Number.isNaN(value.getTime())) return value.toISOString().slice(0, 10);
      const m = typeof value === 'string' ? DATE.exec(value) : null;
      if (m !== null) {
        const d = new Date(`${value as string}T00:00:00Z`);
        if (!Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value) return value;
      }
      throw invalid(key, type, value, 'a calendar date such as 2025-01-31');
    }
    case 'DURATION':
      if (typeof value === 'string' && DURATION.test(value.toUpperCase())) return value.toUpperCase();
      throw invalid(key, type, value, 'an ISO-8601 duration such as PT30M or P1DT2H');
    case 'JSON': {
      let parsed = value;
      if (typeof value === 'string') {
        try {
          parsed = JSON.parse(value);
        } catch {
          throw invalid(
            key,
            type,
            value,
            'JSON text (a quoted string, a number, an object, an array, true, false or null)',
          );
        }
      }
      const text = JSON.stringify(parsed);
      if (text === undefined) throw invalid(key, type, String(value), 'a JSON value');
      return JSON.parse(text);
    }
  }
}

/** A TTL: a non-negative ISO-8601 duration, in whole milliseconds; undefined if invalid. */
export function durationToMs(text: string): number | undefined {
  const ms = parseDuration(text);
  return ms === undefined || ms < 0 ? undefined : Math.round(ms);
}
