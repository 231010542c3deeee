/**
 * Time zones and calendar fields for the date filters, on Luxon (through `../time.ts`): zone
 * offsets, local fields, local date-times to instants (a time in a DST gap shifted forward, as java.time does)
 * and calendar arithmetic.
 * Inputs are read as Kestra reads them: ISO-8601 strings (zoned, local date-time or date),
 * Date objects, or epoch numbers.
 */
import { DateTime, type Zone as LuxonZone } from 'luxon';
import { fixedOffsetZone, luxonZone } from '../time.ts';
import { EvaluationError } from './errors.ts';
import { typeName } from './values.ts';

export interface Zone {
  /** As written by the user (`Europe/Paris`, `+02:00`, `UTC`); printed by the `VV` pattern. */
  readonly id: string;
  /** Region zones print `[id]` in `iso_date_time`; fixed offsets do not. */
  readonly region: boolean;
  /** The id Intl understands, for zone names and localized styles. */
  readonly intlId: string;
  /** UTC offset in minutes at the instant. */
  offsetAt(ms: number): number;
  /** The Luxon zone the arithmetic runs in. */
  readonly luxon: LuxonZone;
}

export interface Fields {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly millisecond: number;
  /** ISO day of week: 1 = Monday ... 7 = Sunday. */
  readonly weekday: number;
  readonly dayOfYear: number;
  readonly offset: number;
  readonly instant: number;
}

function fixedZone(id: string, minutes: number, region: boolean): Zone {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  const intlId =
    minutes === 0
      ? 'UTC'
      : `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  return { id, region, intlId, offsetAt: () => minutes, luxon: fixedOffsetZone(minutes) };
}

/** Dates print in UTC unless a `timeZone` is given (Kestra uses the server zone; servers run in UTC). */
export const UTC: Zone = fixedZone('UTC', 0, false);

const zones = new Map<string, Zone>();
const FIXED = /^(?:UTC|GMT|UT)?([+-])(\d{1,2})(?::?(\d{2}))?$/;

function regionZone(id: string): Zone {
  const zone = luxonZone(id);
  if (zone === undefined) {
    throw new EvaluationError(
      `unknown time zone '${id}': use an IANA name like 'Europe/Paris' or an offset like '+02:00'`,
    );
  }
  return { id, region: true, intlId: id, luxon: zone, offsetAt: (ms) => zone.offset(ms) };
}

/** Resolves a Java-style zone id; `undefined` means UTC. */
export function resolveZone(name: unknown): Zone {
  if (name === undefined || name === null) return UTC;
  if (typeof name !== 'string') throw new EvaluationError(`timeZone must be a string, got ${typeName(name)}`);
  const cached = zones.get(name);
  if (cached !== undefined) return cached;
  let zone: Zone;
  const fixed = FIXED.exec(name);
  if (name === 'Z') zone = fixedZone('Z', 0, false);
  else if (name === 'UTC' || name === 'GMT' || name === 'UT') zone = fixedZone(name, 0, true);
  else if (fixed !== null) {
    const minutes = Number(fixed[2]) * 60 + Number(fixed[3] ?? 0);
    zone = fixedZone(name, fixed[1] === '-' ? -minutes : minutes, false);
  } else zone = regionZone(name);
  if (zones.size > 500) zones.clear();
  zones.set(name, zone);
  return zone;
}

/** Date.UTC that keeps years 0-99 as written. */
export function utcMillis(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  ms: number,
): number {
  const date = new Date(Date.UTC(2000, 0, 1, hour, minute, second, ms));
  date.setUTCFullYear(year, month - 1, day);
  return date.getTime();
}

export function fieldsAt(instant: number, zone: Zone): Fields {
  const d = DateTime.fromMillis(instant, { zone: zone.luxon });
  return {
    year: d.year,
    month: d.month,
    day: d.day,
    hour: d.hour,
    minute: d.minute,
    second: d.second,
    millisecond: d.millisecond,
    weekday: d.weekday,
    dayOfYear: d.ordinal,
    offset: d.offset,
    instant,
  };
}

/** The instant of a local date-time in a zone (the earlier one in overlaps, shifted forward in gaps). */
export function localToInstant(
  zone: Zone,
  year: number,
  month: number,
  day: number,
  hour = 0,
  minute = 0,
  second = 0,
  ms = 0,
): number {
  // Out-of-range fields roll over (day 32 is the 1st of the next month), as callers count on.
  const local = DateTime.fromMillis(utcMillis(year, month, day, hour, minute, second, ms), { zone: 'utc' });
  return local.setZone(zone.luxon, { keepLocalTime: true }).toMillis();
}

function daysInMonth(year: number, month: number): number {
  return DateTime.utc(year, month).daysInMonth ?? 31;
}

export function checkDate(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  text: string,
): void {
  if (
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > daysInMonth(year, month) ||
    hour > 23 ||
    minute > 59 ||
    second > 59
  ) {
    throw new EvaluationError(`'${text}' is not a valid date`);
  }
}

const ISO =
  /^([+-]?\d{4,9})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2}(?::?\d{2})?)?)?(?:\[([^\]]+)\])?$/;

/** Minutes east of UTC for `Z`, `+02`, `+0200`, `+02:00`. */
export function parseOffset(text: string): number {
  if (text === 'Z' || text === 'z') return 0;
  const digits = text.slice(1).replaceAll(':', '');
  const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0');
  return text[0] === '-' ? -minutes : minutes;
}

function parseIso(text: string, zone: Zone): number | undefined {
  const m = ISO.exec(text);
  if (m === null) return undefined;
  const [, y, mo, d, h, mi, s, frac, offset, bracketZone] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h ?? 0);
  const minute = Number(mi ?? 0);
  const second = Number(s ?? 0);
  checkDate(year, month, day, hour, minute, second, text);
  const ms = frac === undefined ? 0 : Number(frac.slice(0, 3).padEnd(3, '0'));
  if (offset !== undefined) {
    return utcMillis(year, month, day, hour, minute, second, ms) - parseOffset(offset) * 60000;
  }
  const target = bracketZone === undefined ? zone : resolveZone(bracketZone);
  return localToInstant(target, year, month, day, hour, minute, second, ms);
}

/** Epoch numbers below 1e11 are seconds (Kestra's longs), larger ones milliseconds (JavaScript's). */
export function epochToMillis(value: number): number {
  return Math.abs(value) < 1e11 ? value * 1000 : value;
}

/**
 * The instant (epoch ms) of a date-like value; `parse` reads strings with an explicit pattern.
 * Local date-times and dates without an offset are taken in `zone`.
 */
export function toInstant(value: unknown, zone: Zone, parse?: (text: string, zone: Zone) => number): number {
  if (value instanceof Date) {
    const ms = value.getTime();
    if (Number.isNaN(ms)) throw new EvaluationError('the date is invalid');
    return ms;
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new EvaluationError('the date is invalid');
    return epochToMillis(value);
  }
  if (typeof value === 'string') {
    const text = value.trim();
    if (parse !== undefined) return parse(text, zone);
    if (/^-?\d+(?:\.\d+)?$/.test(text)) return epochToMillis(Number(text));
    const ms = parseIso(text, zone);
    if (ms !== undefined) return ms;
    throw new EvaluationError(
      `cannot read '${value}' as a date: use ISO-8601 (2024-01-31T10:00:00Z, 2024-01-31) or pass existingFormat`,
    );
  }
  throw new EvaluationError(`cannot read a ${typeName(value)} as a date`);
}

const TIME_UNITS: Readonly<Record<string, number>> = {
  NANOS: 1e-6,
  MICROS: 1e-3,
  MILLIS: 1,
  SECONDS: 1000,
  MINUTES: 60_000,
  HOURS: 3_600_000,
  HALF_DAYS: 43_200_000,
};
const DATE_UNITS: Readonly<Record<string, readonly [number, number]>> = {
  // [days, months]
  DAYS: [1, 0],
  WEEKS: [7, 0],
  MONTHS: [0, 1],
  YEARS: [0, 12],
  DECADES: [0, 120],
  CENTURIES: [0, 1200],
  MILLENNIA: [0, 12000],
};

/** Adds `amount` Java ChronoUnits; day-based units keep the local time of day in `zone`. */
export function addToInstant(instant: number, amount: number, unit: string, zone: Zone): number {
  const name = unit.toUpperCase();
  const ms = TIME_UNITS[name];
  if (ms !== undefined) return instant + amount * ms;
  const calendar = DATE_UNITS[name];
  if (calendar === undefined) {
    const units = [...Object.keys(TIME_UNITS), ...Object.keys(DATE_UNITS)].join(', ');
    throw new EvaluationError(`unknown date unit '${unit}': use one of ${units}`);
  }
  // Months first, clamped to the month's last day, then days at the same local time, as java.time.
  return DateTime.fromMillis(instant, { zone: zone.luxon })
    .plus({ months: amount * calendar[1] })
    .plus({ days: amount * calendar[0] })
    .toMillis();
}
