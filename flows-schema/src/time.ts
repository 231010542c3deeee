/**
 * Time, on Luxon, for all of Osprey: ISO-8601 durations (flow properties, retries, timeouts, KV
 * TTLs, retention), the form Kestra prints durations in, and time zones. Everything else (the
 * engine's timers, the expression language's date filters, schedule triggers) goes through here.
 *
 * Durations are read as Kestra reads them (java.time.Duration): days, hours, minutes and seconds,
 * fractions, a sign (`-PT5S`, `PT-5S`), a comma as decimal mark; upper or lower case. Years, months
 * and weeks are refused, as Java refuses them: they have no fixed length.
 */
import { Duration, FixedOffsetZone, IANAZone, type Zone as LuxonZone } from 'luxon';

/** Milliseconds of an ISO-8601 duration (`PT30S`, `PT1H30M`, `P1D`, `PT0.5S`); undefined if invalid. */
export function parseDuration(text: string): number | undefined {
  const iso = text.trim().toUpperCase();
  // Luxon reads `P` and `PT5S`-less `PT` as zero; Java refuses them.
  if (iso === 'P' || iso === '-P' || iso.endsWith('T')) return undefined;
  const duration = Duration.fromISO(iso);
  if (!duration.isValid) return undefined;
  const { years, quarters, months, weeks } = duration.toObject();
  if (years !== undefined || quarters !== undefined || months !== undefined || weeks !== undefined)
    return undefined;
  return duration.toMillis();
}

/** `PT5S`, `PT0.25S`, `PT1M30S`, `PT25H` — the form Kestra (java.time.Duration) prints durations in. */
export function isoDuration(ms: number): string {
  return Duration.fromMillis(Math.round(ms)).shiftTo('hours', 'minutes', 'seconds').toISO() ?? 'PT0S';
}

/** A time zone: an IANA region (`Europe/Paris`) or a fixed offset in minutes east of UTC. */
export function luxonZone(name: string): LuxonZone | undefined {
  const zone = IANAZone.create(name);
  return zone.isValid ? zone : undefined;
}

export function fixedOffsetZone(minutes: number): LuxonZone {
  return FixedOffsetZone.instance(minutes);
}
