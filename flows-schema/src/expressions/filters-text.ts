/**
 * String filters of Pebble and Kestra (`upper`, `title`, `replace({...})`, `substringBefore`, ...).
 * A null input stays null so an absent optional value prints nothing instead of failing.
 */
import { type FilterDef, stringArg } from './callables.ts';
import { EvaluationError } from './errors.ts';
import { isPlainObject, toInteger, toText, typeName } from './values.ts';

function text(
  apply: (input: string, args: readonly unknown[]) => unknown,
  params: readonly string[] = [],
  required = 0,
): FilterDef {
  return {
    params,
    required,
    apply: (input, args) => (input === null || input === undefined ? null : apply(toText(input), args)),
  };
}

function capitalize(value: string): string {
  return value.length === 0 ? value : value[0]!.toUpperCase() + value.slice(1);
}

function replaceAll(input: string, search: string, replacement: string): string {
  return search === '' ? input : input.split(search).join(replacement);
}

/**
 * Pebble splits on a Java regex. The delimiters flows really use are plain text, escaped
 * characters (`\.`, `\|`), `\n`/`\t` and `\s+`: those mean what they mean in Java; anything
 * else is plain text (no arbitrary regexes, which could stall the engine).
 */
function delimiterOf(raw: string): string | RegExp {
  if (raw === '\\s+') return /\s+/g;
  if (raw === '\\s') return /\s/g;
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i]!;
    if (ch !== '\\' || i + 1 >= raw.length) {
      out += ch;
      continue;
    }
    const next = raw[++i]!;
    out += next === 'n' ? '\n' : next === 't' ? '\t' : next === 'r' ? '\r' : next;
  }
  return out;
}

function split(input: string, raw: string, limit: number | undefined): string[] {
  const delimiter = delimiterOf(raw);
  const parts: string[] = [];
  let from = 0;
  for (;;) {
    if (limit !== undefined && limit > 0 && parts.length >= limit - 1) break;
    let at: number;
    let size: number;
    if (typeof delimiter === 'string') {
      at = delimiter === '' ? (from + 1 < input.length ? from + 1 : -1) : input.indexOf(delimiter, from);
      size = delimiter.length;
    } else {
      delimiter.lastIndex = from;
      const match = delimiter.exec(input);
      at = match === null ? -1 : match.index;
      size = match === null ? 0 : match[0].length;
    }
    if (at === -1) break;
    parts.push(input.slice(from, at));
    from = at + size;
  }
  parts.push(input.slice(from));
  // Java (and Liquid) drop trailing empty strings unless a limit is given.
  if (limit === undefined || limit <= 0) while (parts.length > 0 && parts.at(-1) === '') parts.pop();
  return parts;
}

function indent(input: string, amount: unknown, prefix: unknown, first: boolean): string {
  const pad = (prefix === undefined ? ' ' : stringArg(prefix, 'indent prefix')).repeat(
    Math.max(0, toInteger(amount, 'indent amount')),
  );
  const lines = input.split('\n');
  return lines.map((line, i) => (i === 0 && !first ? line : line === '' ? line : pad + line)).join('\n');
}

export const TEXT_FILTERS: Readonly<Record<string, FilterDef>> = {
  upper: text((s) => s.toUpperCase()),
  lower: text((s) => s.toLowerCase()),
  // Pebble's capitalize keeps the rest of the text as written (Liquid's would lowercase it).
  capitalize: text(capitalize),
  title: text((s) => s.replace(/(^|\s)(\S)/gu, (_m, sep: string, ch: string) => sep + ch.toUpperCase())),
  trim: text((s) => s.trim()),
  string: { params: [], apply: (input) => toText(input) },
  abbreviate: text(
    (s, [length]) => {
      const max = toInteger(length, 'abbreviate length');
      if (s.length <= max) return s;
      return max < 3 ? s.slice(0, max) : `${s.slice(0, max - 3)}...`;
    },
    ['length'],
    1,
  ),
  replace: {
    params: ['replace_pairs', 'replacement'],
    required: 1,
    apply(input, [pairs, replacement]) {
      if (input === null || input === undefined) return null;
      const source = toText(input);
      if (isPlainObject(pairs)) {
        let out = source;
        for (const [search, value] of Object.entries(pairs)) out = replaceAll(out, search, toText(value));
        return out;
      }
      if (replacement === undefined) {
        throw new EvaluationError(
          "replace needs a map ({'old': 'new'}) or two strings (replace('old', 'new') / replace: 'old', 'new')",
        );
      }
      return replaceAll(source, toText(pairs), toText(replacement));
    },
  },
  split: text(
    (s, [delimiter, limit]) =>
      split(
        s,
        stringArg(delimiter, 'split delimiter'),
        limit === undefined ? undefined : toInteger(limit, 'split limit'),
      ),
    ['delimiter', 'limit'],
    1,
  ),
  startsWith: text((s, [prefix]) => s.startsWith(toText(prefix)), ['value'], 1),
  endsWith: text((s, [suffix]) => s.endsWith(toText(suffix)), ['value'], 1),
  substringBefore: text(
    (s, [sep]) => {
      const at = s.indexOf(toText(sep));
      return at === -1 ? s : s.slice(0, at);
    },
    ['separator'],
    1,
  ),
  substringBeforeLast: text(
    (s, [sep]) => {
      const at = s.lastIndexOf(toText(sep));
      return at === -1 ? s : s.slice(0, at);
    },
    ['separator'],
    1,
  ),
  substringAfter: text(
    (s, [sep]) => {
      const separator = toText(sep);
      const at = s.indexOf(separator);
      return at === -1 ? '' : s.slice(at + separator.length);
    },
    ['separator'],
    1,
  ),
  substringAfterLast: text(
    (s, [sep]) => {
      const separator = toText(sep);
      const at = s.lastIndexOf(separator);
      return at === -1 || separator === '' ? '' : s.slice(at + separator.length);
    },
    ['separator'],
    1,
  ),
  slugify: text((s) =>
    s
      .normalize('NFD')
      .replace(/\p{M}/gu, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, ''),
  ),
  indent: text((s, [amount, prefix]) => indent(s, amount, prefix, false), ['amount', 'prefix'], 1),
  nindent: text((s, [amount, prefix]) => `\n${indent(s, amount, prefix, true)}`, ['amount', 'prefix'], 1),
  urlencode: text((s) => encodeURIComponent(s).replace(/%20/g, '+')),
  urldecode: text((s) => {
    try {
      return decodeURIComponent(s.replace(/\+/g, ' '));
    } catch {
      throw new EvaluationError(`urldecode: '${s}' is not valid URL encoding`);
    }
  }),
  escapeChar: text(
    (s, [type]) => {
      switch (type) {
        case 'single':
          return s.replaceAll("'", "\\'");
        case 'double':
          return s.replaceAll('"', '\\"');
        case 'shell':
          return s.replaceAll("'", "'\\''");
        default:
          throw new EvaluationError(
            `escapeChar type must be 'single', 'double' or 'shell', got ${typeName(type)}`,
          );
      }
    },
    ['type'],
    1,
  ),
};
