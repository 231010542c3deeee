/**
 * Splits a template into text, `{{ output }}`, `{% tag %}` and Pebble `{# comment #}` pieces and
 * hands them to Liquid's parser as Liquid tokens. It is ours rather than Liquid's because Pebble
 * needs things Liquid's tokenizer lacks: `}}` inside map literals (`{{ {'a': {'b': 1}} }}`),
 * `{# #}` comments, `{% verbatim %}`, and exact offsets for every problem.
 * Outputs become tag tokens named `{{` so our output tag evaluates them with the Pebble grammar.
 */
import { type Liquid, TagToken, Token, TokenKind } from 'liquidjs';

type NormalizedFullOptions = Liquid['options'];

import { ExpressionSyntaxError } from './errors.ts';

/** Tag name under which `{{ ... }}` outputs are registered; no `{% %}` tag can have this name. */
export const OUTPUT_TAG = '{{';

/** Tags that only appear inside a block; they are valid names though never registered on their own. */
export const INNER_TAGS = new Set([
  'else',
  'elseif',
  'elsif',
  'endif',
  'endfor',
  'endunless',
  'when',
  'endcase',
  'endcapture',
  'endraw',
  'endverbatim',
  'endcomment',
  'endfilter',
]);

export class TextToken extends Token {
  readonly #content: string;

  constructor(input: string, begin: number, end: number, content: string) {
    super(TokenKind.HTML, input, begin, end);
    this.#content = content;
  }

  getContent(): string {
    return this.#content;
  }
}

/** A `{{ ... }}` output, presented to Liquid as a tag named `{{`. */
export class OutputToken extends Token {
  readonly name = OUTPUT_TAG;
  /** The expression between the delimiters (and the `-` trim markers). */
  readonly expressionBegin: number;
  readonly expressionEnd: number;

  constructor(input: string, begin: number, end: number, expressionBegin: number, expressionEnd: number) {
    super(TokenKind.Tag, input, begin, end);
    this.expressionBegin = expressionBegin;
    this.expressionEnd = expressionEnd;
  }
}

type Piece =
  | { readonly kind: 'text'; readonly begin: number; readonly end: number; readonly verbatim: boolean }
  | {
      readonly kind: 'delimited';
      readonly token: Token;
      readonly trimLeft: boolean;
      readonly trimRight: boolean;
    };

function skipString(source: string, at: number): number {
  const quote = source[at];
  let i = at + 1;
  while (i < source.length && source[i] !== quote) i += source[i] === '\\' ? 2 : 1;
  return i < source.length ? i + 1 : -1;
}

/** End (exclusive) of the `{{` opened before `from`: the first `}}` outside strings and map braces. */
function findOutputEnd(source: string, from: number): number {
  let depth = 0;
  let i = from;
  while (i < source.length) {
    const ch = source[i];
    if (ch === '"' || ch === "'") {
      const next = skipString(source, i);
      if (next === -1) break;
      i = next;
      continue;
    }
    if (ch === '{') depth++;
    else if (ch === '}') {
      if (depth === 0 && source[i + 1] === '}') return i + 2;
      if (depth > 0) depth--;
    }
    i++;
  }
  // Unbalanced quote or brace: close at the first `}}` and let the expression parser say what is wrong.
  const close = source.indexOf('}}', from);
  return close === -1 ? -1 : close + 2;
}

function findTagEnd(source: string, from: number): number {
  let i = from;
  while (i < source.length) {
    const ch = source[i];
    if (ch === '"' || ch === "'") {
      const next = skipString(source, i);
      if (next === -1) break;
      i = next;
      continue;
    }
    if (ch === '%' && source[i + 1] === '}') return i + 2;
    i++;
  }
  const close = source.indexOf('%}', from);
  return close === -1 ? -1 : close + 2;
}

function unclosed(open: string, close: string, at: number): ExpressionSyntaxError {
  return new ExpressionSyntaxError(`'${open}' is not closed: add '${close}'`, at, 2);
}

function makeTag(source: string, begin: number, end: number, options: NormalizedFullOptions): TagToken {
  try {
    return new TagToken(source, begin, end, options);
  } catch {
    throw new ExpressionSyntaxError(
      "a tag name is expected after '{%', e.g. {% if ... %}",
      begin,
      end - begin,
    );
  }
}

/**
 * Tokenizes `source`; `isKnownTag` decides which tag names exist so unknown tags are reported here,
 * at their exact place, instead of as a generic parse failure. `recover` throws the problem, or
 * records it when only checking.
 */
export function tokenizeTemplate(
  source: string,
  options: NormalizedFullOptions,
  isKnownTag: (name: string) => boolean,
  supportedTags: string,
  recover: (problem: ExpressionSyntaxError) => void,
): Token[] {
  const pieces: Piece[] = [];
  const n = source.length;
  let textStart = 0;
  let p = 0;
  const flushText = (end: number, verbatim = false): void => {
    if (end > textStart) pieces.push({ kind: 'text', begin: textStart, end, verbatim });
  };
  for (;;) {
    const i = source.indexOf('{', p);
    if (i === -1 || i + 1 >= n) break;
    const next = source[i + 1];
    if (next === '{') {
      const end = findOutputEnd(source, i + 2);
      if (end === -1) throw unclosed('{{', '}}', i);
      const trimLeft = source[i + 2] === '-';
      const trimRight = end - 3 > i + 2 && source[end - 3] === '-';
      flushText(i);
      const token = new OutputToken(
        source,
        i,
        end,
        i + 2 + (trimLeft ? 1 : 0),
        end - 2 - (trimRight ? 1 : 0),
      );
      pieces.push({ kind: 'delimited', token, trimLeft, trimRight });
      p = textStart = end;
      continue;
    }
    if (next === '%') {
      const end = findTagEnd(source, i + 2);
      if (end === -1) throw unclosed('{%', '%}', i);
      const token = makeTag(source, i, end, options);
      flushText(i);
      if (!isKnownTag(token.name) && !INNER_TAGS.has(token.name)) {
        // Reported (fatal unless checking) and dropped, so a check goes on with the rest.
        recover(
          new ExpressionSyntaxError(
            `unknown tag '{% ${token.name} %}'; supported tags: ${supportedTags}`,
            i,
            end - i,
          ),
        );
        p = textStart = end;
        continue;
      }
      pieces.push({ kind: 'delimited', token, trimLeft: token.trimLeft, trimRight: token.trimRight });
      p = textStart = end;
      if (token.name === 'raw' || token.name === 'verbatim') {
        // The body is text, whatever it contains, up to the matching end tag.
        const closing = new RegExp(`\\{%-?\\s*end${token.name}\\s*-?%\\}`, 'g');
        closing.lastIndex = end;
        const match = closing.exec(source);
        if (match === null) {
          throw new ExpressionSyntaxError(
            `'{% ${token.name} %}' is not closed: add '{% end${token.name} %}'`,
            i,
            end - i,
          );
        }
        flushText(match.index, true);
        const endToken = makeTag(source, match.index, match.index + match[0].length, options);
        pieces.push({
          kind: 'delimited',
          token: endToken,
          trimLeft: endToken.trimLeft,
          trimRight: endToken.trimRight,
        });
        p = textStart = match.index + match[0].length;
      }
      continue;
    }
    if (next === '#') {
      // A Pebble comment; an unclosed `{#` is plain text (shell's `${#array[@]}` is common in scripts).
      const close = source.indexOf('#}', i + 2);
      if (close === -1) {
        p = i + 2;
        continue;
      }
      flushText(i);
      p = textStart = close + 2;
      continue;
    }
    p = i + 1;
  }
  flushText(n);
  return pieces.map((piece, k) => {
    if (piece.kind === 'delimited') return piece.token;
    let content = source.slice(piece.begin, piece.end);
    if (!piece.verbatim) {
      const before = pieces[k - 1];
      const after = pieces[k + 1];
      if (before?.kind === 'delimited' && before.trimRight) content = content.trimStart();
      if (after?.kind === 'delimited' && after.trimLeft) content = content.trimEnd();
    }
    return new TextToken(source, piece.begin, piece.end, content);
  });
}
