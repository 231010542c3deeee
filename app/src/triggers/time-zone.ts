/**
 * Calendar arithmetic for triggers in IANA time zones (Luxon underneath, via the expression
 * library's zone helpers): trigger dates printed as ISO with their offset, local midnights and
 * times of day for daily windows, and dates read back from strings.
 */
import { DateTime } from 'luxon';
import {
  type Fields,
  fieldsAt,
  localToInstant,
  resolveZone,
  toInstant,
  type Zone,
} from '../../../flows-schema/src/expressions/date-zone.ts';

export type { Fields, Zone };

/** The zone named `name`; throws a message naming the field when it is not a known zone. */
export function zoneNamed(name: string, field = 'timezone'): Zone {
  try {
    const zone = resolveZone(name);
    zone.offsetAt(0);
    return zone;
  } catch {
    throw new Error(
      `${field} '${name}' is not a known time zone; use an IANA name such as Europe/Paris or UTC`,
    );
  }
}

export function fieldsIn(instant: number, zone: Zone): Fields {
  return fieldsAt(instant, zone);
}

/** `2025-03-30T03:00:00+02:00` (`Z` when the offset is zero), as Kestra prints zoned dates. */
export function isoAt(instant: number, zone: Zone): string {
  const text = DateTime.fromMillis(instant, { zone: zone.luxon }).toISO({ suppressMilliseconds: true }) ?? '';
  return text.replace(/[+-]00:00$/, 'Z');
}

/** The instant of local midnight of the day containing `instant`. */
export function startOfLocalDay(instant: number, zone: Zone): number {
  const f = fieldsAt(instant, zone);
  return localToInstant(zone, f.year, f.month, f.day);
}

/** The instant of a local time of day (seconds after midnight) on the local day containing `instant`. */
export function atLocalTime(instant: number, zone: Zone, secondsOfDay: number): number {
  const f = fieldsAt(instant, zone);
  const h = Math.floor(secondsOfDay / 3600);
  const m = Math.floor((secondsOfDay % 3600) / 60);
  return localToInstant(zone, f.year, f.month, f.day, h, m, secondsOfDay % 60);
}

const TIME_OF_DAY = /^(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;

export interface TimeOfDay {
  seconds: number;
  /** Minutes east of UTC when the time carries an offset (`16:00:00+02:00`). */
  offset?: number;
}

/** `09:00`, `09:00:00`, `16:00:00+02:00`; undefined when the text is not a time of day. */
export function parseTimeOfDay(text: string): TimeOfDay | undefined {
  const m = TIME_OF_DAY.exec(text.trim());
  if (m === null) return undefined;
  const [, h, min, s, offset] = m;
  const seconds = Number(h) * 3600 + Number(min) * 60 + Number(s ?? 0);
  if (Number(h) > 23 || Number(min) > 59 || Number(s ?? 0) > 59) return undefined;
  if (offset === undefined) return { seconds };
  const zone = resolveZone(offset === 'Z' ? 'Z' : offset);
  return { seconds, offset: zone.offsetAt(0) };
}

const TRAILING_OFFSET = /(Z|z|[+-]\d{2}(?::?\d{2})?)(?:\[[^\]]+\])?$/;

/**
 * A date string as a condition reads it: the instant, and the calendar fields as written (in the
 * string's own offset, like Java's ZonedDateTime), or in `zone` when the string has no offset.
 */
export function readDate(text: string, zone: Zone): Fields {
  const instant = toInstant(text, zone);
  const offset = TRAILING_OFFSET.exec(text.trim());
  const bracket = /\[([^\]]+)\]$/.exec(text.trim());
  if (bracket?.[1] !== undefined) return fieldsAt(instant, resolveZone(bracket[1]));
  if (offset?.[1] !== undefined && /T|\s\d/.test(text)) {
    return fieldsAt(instant, resolveZone(offset[1] === 'z' ? 'Z' : offset[1]));
  }
  return fieldsAt(instant, zone);
}

/** Reads a date-time that may lack an offset (then it is local to `zone`); throws naming `field`. */
export function instantOf(text: string, zone: Zone, field: string): number {
  try {
    return toInstant(text, zone);
  } catch {
    throw new Error(`${field} '${text}' is not an ISO-8601 date-time such as 2025-01-31T09:00:00+01:00`);
  }
}
