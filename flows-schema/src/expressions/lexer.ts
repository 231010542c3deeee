/**
 * Tokenizer for the Pebble expression grammar (the text inside `{{ }}` and tag arguments).
 * Offsets are absolute in the template so every problem can be reported where it is.
 */
import { ExpressionSyntaxError } from './errors.ts';

export const TokenType = {
  Number: 'number',
  String: 'string',
  Name: 'name',
  Punct: 'punct',
  End: 'end',
} as const;
export type TokenType = (typeof TokenType)[keyof typeof TokenType];

/** A piece of a double-quoted string: literal text, or a `#{ expression }` interpolation. */
export type StringPart = string | { readonly source: string; readonly offset: number };

export interface Token {
  readonly type: TokenType;
  /** Source text for names and punctuation; the decoded value for strings. */
  readonly value: string;
  readonly start: number;
  readonly end: number;
  /** Numbers: the parsed value and whether it was written with a fraction or exponent. */
  readonly number?: number;
  readonly float?: boolean;
  /** Strings with `#{...}` interpolation. */
  readonly parts?: readonly StringPart[];
}

// Longest first so `???` wins over `??` and `?`.
const PUNCTUATION = [
  '???',
  '??',
  '..',
  '==',
  '!=',
  '<=',
  '>=',
  '&&',
  '||',
  '+',
  '-',
  '*',
  '/',
  '%',
  '~',
  '<',
  '>',
  '=',
  '!',
  '?',
  ':',
  '.',
  ',',
  '|',
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
] as const;

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isNameStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 36 || c > 127;
}

function isNamePart(c: number): boolean {
  return isNameStart(c) || isDigit(c);
}

/** Splits `source` (which starts at absolute `base` in the template) into tokens, ending with an End token. */
export function tokenize(source: string, base: number): Token[] {
  const tokens: Token[] = [];
  const n = source.length;
  let i = 0;
  while (i < n) {
    const c = source.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13) {
      i++;
      continue;
    }
    const start = i;
    if (isDigit(c)) {
      // After a '.', digits are a member index (`list.0.name`), never a fraction.
      const afterDot = tokens.at(-1)?.value === '.' && tokens.at(-1)?.type === TokenType.Punct;
      while (i < n && isDigit(source.charCodeAt(i))) i++;
      let float = false;
      if (!afterDot && source[i] === '.' && i + 1 < n && isDigit(source.charCodeAt(i + 1))) {
        float = true;
        i++;
        while (i < n && isDigit(source.charCodeAt(i))) i++;
      }
      if (!afterDot && (source[i] === 'e' || source[i] === 'E')) {
        let j = i + 1;
        if (source[j] === '+' || source[j] === '-') j++;
        if (j < n && isDigit(source.charCodeAt(j))) {
          float = true;
          i = j;
          while (i < n && isDigit(source.charCodeAt(i))) i++;
        }
      }
      const text = source.slice(start, i);
      tokens.push({
        type: TokenType.Number,
        value: text,
        number: Number(text),
        float,
        start: base + start,
        end: base + i,
      });
      continue;
    }
    if (isNameStart(c)) {
      while (i < n && isNamePart(source.charCodeAt(i))) i++;
      tokens.push({
        type: TokenType.Name,
        value: source.slice(start, i),
        start: base + start,
        end: base + i,
      });
      continue;
    }
    if (c === 39 || c === 34) {
      const token = readString(source, i, base);
      tokens.push(token);
      i = token.end - base;
      continue;
    }
    const punct = PUNCTUATION.find((p) => source.startsWith(p, i));
    if (punct === undefined) {
      throw new ExpressionSyntaxError(`unexpected character '${source[i]}'`, base + i, 1);
    }
    i += punct.length;
    tokens.push({ type: TokenType.Punct, value: punct, start: base + start, end: base + i });
  }
  tokens.push({ type: TokenType.End, value: '', start: base + n, end: base + n });
  return tokens;
}

function readString(source: string, start: number, base: number): Token {
  const quote = source[start];
  const interpolate = quote === '"';
  const parts: StringPart[] = [];
  let text = '';
  let i = start + 1;
  while (i < source.length) {
    const ch = source[i];
    if (ch === quote) {
      const end = base + i + 1;
      if (parts.length === 0) return { type: TokenType.String, value: text, start: base + start, end };
      if (text !== '') parts.push(text);
      return { type: TokenType.String, value: '', parts, start: base + start, end };
    }
    if (ch === '\\') {
      // Like Pebble, only the string's own quote is unescaped; other backslashes stay as written
      // ('\d+', 'C:\temp', '\n' are kept for the filters that read them).
      const next = source[i + 1];
      text += next === quote ? quote : `\\${next ?? ''}`;
      i += 2;
      continue;
    }
    if (interpolate && ch === '#' && source[i + 1] === '{') {
      const close = findInterpolationEnd(source, i + 2);
      if (close === -1) {
        throw new ExpressionSyntaxError("string interpolation '#{' is not closed: add '}'", base + i, 2);
      }
      if (text !== '') parts.push(text);
      text = '';
      parts.push({ source: source.slice(i + 2, close), offset: base + i + 2 });
      i = close + 1;
      continue;
    }
    text += ch;
    i++;
  }
  throw new ExpressionSyntaxError(
    `string is not closed: add the closing ${quote}`,
    base + start,
    source.length - start,
  );
}

function findInterpolationEnd(source: string, from: number): number {
  let depth = 0;
  let i = from;
  while (i < source.length) {
    const ch = source[i];
    if (ch === "'" || ch === '"') {
      i++;
      while (i < source.length && source[i] !== ch) i += source[i] === '\\' ? 2 : 1;
    } else if (ch === '{') {
      depth++;
    } else if (ch === '}') {
      if (depth === 0) return i;
      depth--;
    }
    i++;
  }
  return -1;
}
