/**
 * Serialization, encoding, hashing and date filters (`json`/`toJson`, `yaml`, `base64encode`,
 * `sha256`, `date`, `dateAdd`, `timestamp`). Hashing is pure computation, so node:crypto is fine here.
 */
import { createHash } from 'node:crypto';
import { stringify as toYaml } from 'yaml';
import { type FilterDef, optionalString, stringArg } from './callables.ts';
import { formatInstant } from './date-format.ts';
import { parseWithPattern } from './date-parse.ts';
import { addToInstant, resolveZone, toInstant, type Zone } from './date-zone.ts';
import { EvaluationError } from './errors.ts';
import { liquid } from './liquid-instance.ts';
import type { RenderContext } from './render-context.ts';
import { toInteger, toJson, toNumber, toText } from './values.ts';

function hash(algorithm: string): FilterDef {
  return {
    params: [],
    apply: (input) =>
      input === null || input === undefined
        ? null
        : createHash(algorithm).update(toText(input)).digest('hex'),
  };
}

function json(input: unknown, [indent]: readonly unknown[]): string {
  return toJson(input, indent === undefined ? undefined : toInteger(indent, 'json indent'));
}

function instantOf(input: unknown, zone: Zone, existingFormat: unknown): number {
  const pattern = optionalString(existingFormat, 'existingFormat');
  return toInstant(
    input,
    zone,
    pattern === undefined ? undefined : (text, z) => parseWithPattern(text, pattern, z, resolveZone),
  );
}

/** Liquid's strftime (`date: '%Y-%m-%d'`) for formats written the Liquid way. */
function strftime(ms: number, format: string, timeZone: string | undefined, ctx: RenderContext): unknown {
  const impl = liquid.filters['date'];
  const handler = typeof impl === 'function' ? impl : impl?.handler;
  if (handler === undefined) throw new EvaluationError("Liquid's date filter is not available");
  return handler.call(
    { context: ctx, liquid, token: undefined as never },
    new Date(ms),
    format,
    timeZone ?? 0,
  );
}

function timestamp(divisor: number, multiplier: number): FilterDef {
  return {
    params: ['timeZone', 'existingFormat'],
    apply(input, [timeZone, existingFormat]) {
      if (input === null || input === undefined) return null;
      const ms = instantOf(input, resolveZone(timeZone), existingFormat);
      return Math.floor((ms * multiplier) / divisor);
    },
  };
}

export const DATA_FILTERS: Readonly<Record<string, FilterDef>> = {
  json: { params: ['indent'], apply: json },
  toJson: { params: ['indent'], apply: json },
  yaml: {
    params: ['indent'],
    apply: (input, [indent]) =>
      toYaml(input ?? null, {
        indent: indent === undefined ? 2 : Math.max(1, toInteger(indent, 'yaml indent')),
      }),
  },
  base64encode: {
    params: [],
    apply: (input) =>
      input === null || input === undefined ? null : Buffer.from(toText(input), 'utf8').toString('base64'),
  },
  base64decode: {
    params: [],
    apply(input) {
      if (input === null || input === undefined) return null;
      const text = toText(input).trim();
      if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(text))
        throw new EvaluationError('base64decode: the input is not Base64');
      return Buffer.from(text, 'base64').toString('utf8');
    },
  },
  sha1: hash('sha1'),
  sha256: hash('sha256'),
  sha512: hash('sha512'),
  md5: hash('md5'),
  date: {
    params: ['format', 'timeZone', 'existingFormat', 'locale'],
    apply(input, [format, timeZone, existingFormat, locale], ctx, colon) {
      if (input === null || input === undefined) return null;
      const pattern = optionalString(format, 'date format');
      const zoneName = optionalString(timeZone, 'timeZone');
      const zone = resolveZone(zoneName);
      const ms = instantOf(input, zone, existingFormat);
      if (pattern !== undefined && (colon || pattern.includes('%')))
        return strftime(ms, pattern, zoneName, ctx);
      return formatInstant(ms, pattern, zone, optionalString(locale, 'locale'));
    },
  },
  dateAdd: {
    params: ['amount', 'unit', 'format', 'timeZone', 'existingFormat', 'locale'],
    required: 2,
    apply(input, [amount, unit, format, timeZone, existingFormat, locale]) {
      if (input === null || input === undefined) return null;
      const zone = resolveZone(optionalString(timeZone, 'timeZone'));
      const ms = instantOf(input, zone, existingFormat);
      const added = addToInstant(
        ms,
        toNumber(amount, 'dateAdd amount'),
        stringArg(unit, 'dateAdd unit'),
        zone,
      );
      return formatInstant(
        added,
        optionalString(format, 'date format'),
        zone,
        optionalString(locale, 'locale'),
      );
    },
  },
  timestamp: timestamp(1000, 1),
  timestampMilli: timestamp(1, 1),
  timestampMicro: timestamp(1, 1000),
  timestampNano: timestamp(1, 1_000_000),
};
