/**
 * Formatting with Java DateTimeFormatter patterns (what Kestra's `date` filter takes:
 * `yyyy-MM-dd'T'HH:mm:ssXXX`) and Kestra's named formats (`iso`, `iso_sec`, `sql`, ...).
 * Compiled patterns are cached.
 */
import { DateTime, Info } from 'luxon';
import { type Fields, fieldsAt, type Zone } from './date-zone.ts';
import { EvaluationError } from './errors.ts';

export type Piece = { readonly literal: string } | { readonly letter: string; readonly count: number };
type Printer = (f: Fields, zone: Zone, names: Names) => string;

interface Names {
  readonly months: readonly string[];
  readonly monthsShort: readonly string[];
  /** Monday first. */
  readonly days: readonly string[];
  readonly daysShort: readonly string[];
  readonly ampm: readonly [string, string];
}

export const ENGLISH: Names = {
  months: [
    'January',
    'February',
    'March',
    'April',
    'May',
    'June',
    'July',
    'August',
    'September',
    'October',
    'November',
    'December',
  ],
  monthsShort: ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'],
  days: ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'],
  daysShort: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'],
  ampm: ['AM', 'PM'],
};

const localeNames = new Map<string, Names>();

function namesFor(locale: string | undefined): Names {
  if (locale === undefined || /^en(?:[-_]|$)/i.test(locale)) return ENGLISH;
  const cached = localeNames.get(locale);
  if (cached !== undefined) return cached;
  let tag: string;
  try {
    tag = Intl.getCanonicalLocales(locale.replace('_', '-'))[0] ?? 'en-US';
  } catch {
    throw new EvaluationError(`unknown locale '${locale}': use a tag like 'fr' or 'de-CH'`);
  }
  const names: Names = {
    months: Info.months('long', { locale: tag }),
    monthsShort: Info.months('short', { locale: tag }),
    days: Info.weekdays('long', { locale: tag }),
    daysShort: Info.weekdays('short', { locale: tag }),
    ampm: [...Info.meridiems({ locale: tag })] as [string, string],
  };
  if (localeNames.size > 100) localeNames.clear();
  localeNames.set(locale, names);
  return names;
}

export function splitPattern(pattern: string): Piece[] {
  const pieces: Piece[] = [];
  let i = 0;
  while (i < pattern.length) {
    const ch = pattern[i]!;
    if (ch === "'") {
      const close = pattern.indexOf("'", i + 1);
      if (close === i + 1) {
        pieces.push({ literal: "'" });
        i += 2;
        continue;
      }
      if (close === -1) throw new EvaluationError(`date pattern '${pattern}' has an unclosed quote`);
      // '' inside a quoted literal is a quote.
      let end = close;
      let text = pattern.slice(i + 1, close);
      while (pattern[end + 1] === "'") {
        const next = pattern.indexOf("'", end + 2);
        if (next === -1) throw new EvaluationError(`date pattern '${pattern}' has an unclosed quote`);
        text += `'${pattern.slice(end + 2, next)}`;
        end = next;
      }
      pieces.push({ literal: text });
      i = end + 1;
      continue;
    }
    if (/[A-Za-z]/.test(ch)) {
      let j = i;
      while (pattern[j] === ch) j++;
      pieces.push({ letter: ch, count: j - i });
      i = j;
      continue;
    }
    if (ch === '#' || ch === '{' || ch === '}') {
      throw new EvaluationError(`date pattern '${pattern}' uses the reserved character '${ch}'`);
    }
    pieces.push({ literal: ch });
    i++;
  }
  return pieces;
}

function pad(value: number, width: number): string {
  const text = String(Math.abs(value)).padStart(width, '0');
  return value < 0 ? `-${text}` : text;
}

function offsetText(minutes: number, colon: boolean, minutesMode: 'always' | 'nonzero'): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  const hh = pad(Math.floor(abs / 60), 2);
  const mm = pad(abs % 60, 2);
  if (minutesMode === 'nonzero' && abs % 60 === 0) return `${sign}${hh}`;
  return `${sign}${hh}${colon ? ':' : ''}${mm}`;
}

function isoWeek(f: Fields): { year: number; week: number } {
  const d = DateTime.utc(f.year, f.month, f.day);
  return { year: d.weekYear, week: d.weekNumber };
}

function zoneName(f: Fields, zone: Zone, style: 'short' | 'long'): string {
  if (!zone.region) return zone.id === 'UTC' ? 'UTC' : zone.id;
  if (zone.intlId === 'UTC' || zone.intlId === 'GMT' || zone.intlId === 'UT') return zone.id;
  const d = DateTime.fromMillis(f.instant, { zone: zone.luxon, locale: 'en-US' });
  return (style === 'short' ? d.offsetNameShort : d.offsetNameLong) ?? zone.id;
}

function text(count: number, full: string, short: string): string {
  if (count >= 5) return full.slice(0, 1);
  return count === 4 ? full : short;
}

function printer(letter: string, count: number, pattern: string): Printer {
  switch (letter) {
    case 'G':
      return () => (count === 4 ? 'Anno Domini' : count === 5 ? 'A' : 'AD');
    case 'y':
    case 'u':
      return (f) => (count === 2 ? pad(f.year % 100, 2) : pad(f.year, count));
    case 'Y':
      return (f) => (count === 2 ? pad(isoWeek(f).year % 100, 2) : pad(isoWeek(f).year, count));
    case 'w':
      return (f) => pad(isoWeek(f).week, count);
    case 'D':
      return (f) => pad(f.dayOfYear, count);
    case 'M':
    case 'L':
      return count <= 2
        ? (f) => pad(f.month, count)
        : (f, _z, n) => text(count, n.months[f.month - 1]!, n.monthsShort[f.month - 1]!);
    case 'Q':
    case 'q':
      return (f) => {
        const q = Math.ceil(f.month / 3);
        if (count <= 2) return pad(q, count);
        return count === 3 ? `Q${q}` : `${['1st', '2nd', '3rd', '4th'][q - 1]} quarter`;
      };
    case 'd':
      return (f) => pad(f.day, count);
    case 'E':
      return (f, _z, n) => text(count, n.days[f.weekday - 1]!, n.daysShort[f.weekday - 1]!);
    case 'a':
      return (f, _z, n) => n.ampm[f.hour < 12 ? 0 : 1];
    case 'H':
      return (f) => pad(f.hour, count);
    case 'k':
      return (f) => pad(f.hour === 0 ? 24 : f.hour, count);
    case 'K':
      return (f) => pad(f.hour % 12, count);
    case 'h':
      return (f) => pad(f.hour % 12 === 0 ? 12 : f.hour % 12, count);
    case 'm':
      return (f) => pad(f.minute, count);
    case 's':
      return (f) => pad(f.second, count);
    case 'S':
      return (f) => `${pad(f.millisecond, 3)}000000`.slice(0, count).padEnd(count, '0');
    case 'n':
      return (f) => pad(f.millisecond * 1_000_000, count);
    case 'A':
      return (f) => pad(((f.hour * 60 + f.minute) * 60 + f.second) * 1000 + f.millisecond, count);
    case 'N':
      return (f) =>
        pad((((f.hour * 60 + f.minute) * 60 + f.second) * 1000 + f.millisecond) * 1_000_000, count);
    case 'X':
    case 'x':
      return (f) => {
        if (letter === 'X' && f.offset === 0) return 'Z';
        return offsetText(f.offset, count === 3 || count === 5, count === 1 ? 'nonzero' : 'always');
      };
    case 'Z':
      if (count <= 3) return (f) => offsetText(f.offset, false, 'always');
      if (count === 4) return (f) => (f.offset === 0 ? 'GMT' : `GMT${offsetText(f.offset, true, 'always')}`);
      return (f) => (f.offset === 0 ? 'Z' : offsetText(f.offset, true, 'always'));
    case 'O':
      return (f) => {
        if (f.offset === 0) return 'GMT';
        if (count === 4) return `GMT${offsetText(f.offset, true, 'always')}`;
        const abs = Math.abs(f.offset);
        const minutes = abs % 60 === 0 ? '' : `:${pad(abs % 60, 2)}`;
        return `GMT${f.offset < 0 ? '-' : '+'}${Math.floor(abs / 60)}${minutes}`;
      };
    case 'V':
      return (_f, zone) => zone.id;
    case 'z':
      return (f, zone) => zoneName(f, zone, count === 4 ? 'long' : 'short');
    default:
      throw new EvaluationError(`date pattern '${pattern}' uses the unsupported letter '${letter}'`);
  }
}

const compiled = new Map<string, Printer[]>();

function compile(pattern: string): Printer[] {
  const cached = compiled.get(pattern);
  if (cached !== undefined) return cached;
  const printers = splitPattern(pattern).map((piece): Printer => {
    if ('literal' in piece) {
      // Optional sections always print when formatting.
      const literal = piece.literal === '[' || piece.literal === ']' ? '' : piece.literal;
      return () => literal;
    }
    return printer(piece.letter, piece.count, pattern);
  });
  if (compiled.size > 500) compiled.clear();
  compiled.set(pattern, printers);
  return printers;
}

const LOCAL_TIME = 'HH:mm:ss';
export const NAMED: Readonly<Record<string, string>> = {
  iso: "yyyy-MM-dd'T'HH:mm:ss.SSSSSSXXX",
  iso_sec: "yyyy-MM-dd'T'HH:mm:ssXXX",
  iso8601: "yyyy-MM-dd'T'HH:mm:ss.SSSXXX",
  sql: 'yyyy-MM-dd HH:mm:ss.SSSSSS',
  sql_seq: 'yyyy-MM-dd HH:mm:ss',
  iso_local_date: 'yyyy-MM-dd',
  iso_date: 'yyyy-MM-ddXXX',
  iso_ordinal_date: 'yyyy-DDDXXX',
};

function fraction(f: Fields): string {
  return f.millisecond === 0 ? '' : `.${pad(f.millisecond, 3)}`;
}

/** Java's ISO_* constants print the fraction only when it is not zero. */
const ISO_FORMATTERS: Readonly<Record<string, (f: Fields, zone: Zone) => string>> = {
  iso_local_time: (f, z) => format(f, LOCAL_TIME, z) + fraction(f),
  iso_time: (f, z) => format(f, LOCAL_TIME, z) + fraction(f) + format(f, 'XXX', z),
  iso_offset_time: (f, z) => format(f, LOCAL_TIME, z) + fraction(f) + format(f, 'XXX', z),
  iso_local_date_time: (f, z) => format(f, "yyyy-MM-dd'T'HH:mm:ss", z) + fraction(f),
  iso_offset_date_time: (f, z) => format(f, "yyyy-MM-dd'T'HH:mm:ss", z) + fraction(f) + format(f, 'XXX', z),
  iso_date_time: (f, z) =>
    format(f, "yyyy-MM-dd'T'HH:mm:ss", z) + fraction(f) + format(f, 'XXX', z) + (z.region ? `[${z.id}]` : ''),
  iso_zoned_date_time: (f, z) =>
    format(f, "yyyy-MM-dd'T'HH:mm:ss", z) + fraction(f) + format(f, 'XXX', z) + (z.region ? `[${z.id}]` : ''),
  iso_instant: (f) => {
    const utc = new Date(f.instant).toISOString();
    return f.millisecond === 0 ? utc.replace('.000Z', 'Z') : utc;
  },
  iso_week_date: (f, z) => {
    const { year, week } = isoWeek(f);
    return `${pad(year, 4)}-W${pad(week, 2)}-${f.weekday}${format(f, 'XXX', z)}`;
  },
  rfc_1123_date_time: (f, z) =>
    format(f, 'EEE, d MMM yyyy HH:mm:ss', z) +
    (f.offset === 0 ? ' GMT' : ` ${offsetText(f.offset, false, 'always')}`),
};

const STYLES = new Set(['full', 'long', 'medium', 'short']);

function format(f: Fields, pattern: string, zone: Zone, names: Names = ENGLISH): string {
  let out = '';
  for (const print of compile(pattern)) out += print(f, zone, names);
  return out;
}

/** Formats an instant with a Java pattern or one of Kestra's named formats (default `iso`). */
export function formatInstant(
  instant: number,
  pattern: string | undefined,
  zone: Zone,
  locale?: string,
): string {
  const name = pattern ?? 'iso';
  const f = fieldsAt(instant, zone);
  const iso = ISO_FORMATTERS[name];
  if (iso !== undefined) return iso(f, zone);
  if (STYLES.has(name)) {
    const style = name as 'full' | 'long' | 'medium' | 'short';
    return new Intl.DateTimeFormat(locale ?? 'en-US', {
      dateStyle: style,
      timeStyle: style,
      timeZone: zone.intlId,
    }).format(instant);
  }
  const named = NAMED[name];
  if (named === undefined && /^[a-z]+(?:_[a-z0-9]+)+$/.test(name)) {
    throw new EvaluationError(
      `unknown date format '${name}': use a pattern like 'yyyy-MM-dd' or a name such as iso, iso_sec, sql, iso_date_time`,
    );
  }
  return format(f, named ?? name, zone, namesFor(locale));
}
