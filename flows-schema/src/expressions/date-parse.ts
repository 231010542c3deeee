/**
 * Reading dates written in a Java pattern (the `existingFormat` argument of the date filters).
 */

import { ENGLISH, NAMED, splitPattern } from './date-format.ts';
import { checkDate, localToInstant, parseOffset, utcMillis, type Zone } from './date-zone.ts';
import { EvaluationError } from './errors.ts';

const NUMERIC_FIELDS: Readonly<Record<string, string>> = {
  y: 'year',
  u: 'year',
  M: 'month',
  L: 'month',
  d: 'day',
  H: 'hour',
  k: 'hour',
  h: 'hour12',
  K: 'hour12',
  m: 'minute',
  s: 'second',
  S: 'fraction',
};

interface Parser {
  readonly regex: RegExp;
  readonly groups: ReadonlyArray<{ field: string; count: number }>;
}

const parsers = new Map<string, Parser>();

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function compileParser(pattern: string): Parser {
  const cached = parsers.get(pattern);
  if (cached !== undefined) return cached;
  let source = '';
  const groups: Array<{ field: string; count: number }> = [];
  for (const piece of splitPattern(pattern)) {
    if ('literal' in piece) {
      source += piece.literal === '[' ? '(?:' : piece.literal === ']' ? ')?' : escapeRegex(piece.literal);
      continue;
    }
    const { letter, count } = piece;
    const field = NUMERIC_FIELDS[letter];
    if (field !== undefined && !((letter === 'M' || letter === 'L') && count >= 3)) {
      const digits =
        field === 'year' && count !== 2
          ? count === 4
            ? '\\d{4}'
            : '[+-]?\\d{1,9}'
          : count === 1
            ? '\\d{1,2}'
            : `\\d{${count}}`;
      source += `(${field === 'fraction' ? `\\d{${count}}` : digits})`;
      groups.push({ field, count });
    } else if (letter === 'M' || letter === 'L') {
      source += `(${[...ENGLISH.months, ...ENGLISH.monthsShort].join('|')})`;
      groups.push({ field: 'monthName', count });
    } else if (letter === 'E') {
      source += `(?:${[...ENGLISH.days, ...ENGLISH.daysShort].join('|')})`;
    } else if (letter === 'a') {
      source += '(AM|PM|am|pm)';
      groups.push({ field: 'ampm', count });
    } else if (letter === 'X' || letter === 'x' || letter === 'Z') {
      source += '(Z|[+-]\\d{2}(?::?\\d{2})?)';
      groups.push({ field: 'offset', count });
    } else if (letter === 'V') {
      source += '([A-Za-z_]+(?:/[A-Za-z_+-]+)*)';
      groups.push({ field: 'zone', count });
    } else if (letter === 'z') {
      source += '(?:[A-Za-z]+)';
    } else if (letter === 'D') {
      source += `(\\d{${count === 1 ? '1,3' : count}})`;
      groups.push({ field: 'dayOfYear', count });
    } else {
      throw new EvaluationError(`existingFormat '${pattern}' uses the unsupported letter '${letter}'`);
    }
  }
  const parser: Parser = { regex: new RegExp(`^${source}$`, 'i'), groups };
  if (parsers.size > 500) parsers.clear();
  parsers.set(pattern, parser);
  return parser;
}

/** Reads `text` with a Java pattern (`existingFormat`); missing date parts default to 1970-01-01. */
export function parseWithPattern(
  text: string,
  pattern: string,
  zone: Zone,
  resolve: (id: string) => Zone,
): number {
  const named = NAMED[pattern];
  const parser = compileParser(named ?? pattern);
  const match = parser.regex.exec(text);
  if (match === null) throw new EvaluationError(`'${text}' does not match the date format '${pattern}'`);
  let year = 1970;
  let month = 1;
  let day = 1;
  let hour = 0;
  let hour12: number | undefined;
  let pm: boolean | undefined;
  let minute = 0;
  let second = 0;
  let ms = 0;
  let offset: number | undefined;
  let target = zone;
  let dayOfYear: number | undefined;
  parser.groups.forEach(({ field, count }, i) => {
    const value = match[i + 1];
    if (value === undefined) return;
    const n = Number(value);
    switch (field) {
      case 'year':
        year = count === 2 ? 2000 + n : n;
        break;
      case 'month':
        month = n;
        break;
      case 'monthName': {
        const lower = value.toLowerCase();
        const index = ENGLISH.months.findIndex(
          (m) => m.toLowerCase() === lower || m.slice(0, 3).toLowerCase() === lower,
        );
        month = index + 1;
        break;
      }
      case 'day':
        day = n;
        break;
      case 'dayOfYear':
        dayOfYear = n;
        break;
      case 'hour':
        hour = n === 24 ? 0 : n;
        break;
      case 'hour12':
        hour12 = n % 12;
        break;
      case 'ampm':
        pm = value.toLowerCase() === 'pm';
        break;
      case 'minute':
        minute = n;
        break;
      case 'second':
        second = n;
        break;
      case 'fraction':
        ms = Number(value.slice(0, 3).padEnd(3, '0'));
        break;
      case 'offset':
        offset = parseOffset(value);
        break;
      case 'zone':
        target = resolve(value);
        break;
    }
  });
  if (hour12 !== undefined) hour = hour12 + (pm === true ? 12 : 0);
  if (dayOfYear !== undefined) {
    const date = new Date(utcMillis(year, 1, dayOfYear, 0, 0, 0, 0));
    month = date.getUTCMonth() + 1;
    day = date.getUTCDate();
  }
  checkDate(year, month, day, hour, minute, second, text);
  if (offset !== undefined) return utcMillis(year, month, day, hour, minute, second, ms) - offset * 60000;
  return localToInstant(target, year, month, day, hour, minute, second, ms);
}
