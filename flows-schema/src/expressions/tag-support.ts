/**
 * What our tags share: compiling the expressions in their arguments, and the "check" mode used by
 * `checkTemplate`, where a broken expression is recorded as a problem and replaced by a placeholder
 * so the rest of the template (and its block structure) is still checked.
 */
import type { Emitter, TagToken } from 'liquidjs';
import type { Node } from './ast.ts';
import { compileNode, type Evaluator } from './compiler.ts';
import { EvaluationError, ExpressionSyntaxError } from './errors.ts';
import { ExpressionParser, parseExpression } from './parser.ts';
import type { ExpressionProblem } from './types.ts';

let collector: ExpressionProblem[] | undefined;

/** Runs a parse with syntax problems recorded into `problems` instead of thrown. */
export function collectingProblems<T>(problems: ExpressionProblem[], parse: () => T): T {
  const previous = collector;
  collector = problems;
  try {
    return parse();
  } finally {
    collector = previous;
  }
}

const PLACEHOLDER: Evaluator = () => undefined;

/** In check mode, records a syntax problem and returns `fallback`; otherwise rethrows. */
export function recover<T>(error: unknown, fallback: T): T {
  if (collector !== undefined && error instanceof ExpressionSyntaxError) {
    collector.push({ message: error.message, offset: error.offset, length: error.length });
    return fallback;
  }
  throw error;
}

/** Compiles the expression `template.slice(begin, end)`. */
export function compileRange(template: string, begin: number, end: number): Evaluator {
  try {
    return compileNode(parseExpression(template.slice(begin, end), begin), template);
  } catch (error) {
    return recover(error, PLACEHOLDER);
  }
}

/** Where a tag's arguments start in the template. */
export function argsOffset(token: TagToken): number {
  return token.contentRange[1] - token.args.length;
}

/** A parser over a tag's arguments, with offsets in template coordinates. */
export function argsParser(token: TagToken): ExpressionParser {
  return new ExpressionParser(token.args, argsOffset(token));
}

/** Parses a tag's arguments with `parse`; in check mode a syntax problem yields `fallback`. */
export function parseTagArgs<T>(token: TagToken, parse: (parser: ExpressionParser) => T, fallback: T): T {
  try {
    return parse(argsParser(token));
  } catch (error) {
    if (error instanceof ExpressionSyntaxError && token.args.trim() === '') {
      // Nothing to point at inside the tag: point at the tag.
      const problem = new ExpressionSyntaxError(
        `'{% ${token.name} %}' is incomplete: ${error.message}`,
        token.begin,
        token.end - token.begin,
      );
      return recover(problem, fallback);
    }
    return recover(error, fallback);
  }
}

/** Compiles the expression that `parse` reads from a tag's arguments. */
export function compileParsed(token: TagToken, parse: (parser: ExpressionParser) => Node): Evaluator {
  return parseTagArgs(token, (parser) => compileNode(parse(parser), token.input), PLACEHOLDER);
}

export function expectNoArgs(token: TagToken): void {
  if (token.args.trim() !== '') {
    recover(
      new ExpressionSyntaxError(
        `'{% ${token.name} %}' takes no arguments`,
        argsOffset(token),
        token.args.length,
      ),
      undefined,
    );
  }
}

/** Bounded buffer for outputs and captures: fails as soon as the output limit is passed. */
export class BoundedEmitter implements Emitter {
  buffer = '';
  readonly #limit: number;
  #bytes = 0;

  constructor(limit: number) {
    this.#limit = limit;
  }

  write(html: unknown): void {
    const text = typeof html === 'string' ? html : String(html ?? '');
    this.#bytes += Buffer.byteLength(text);
    if (this.#bytes > this.#limit) {
      throw new EvaluationError(
        `the output exceeds the limit of ${this.#limit} bytes: reduce it or raise maxOutputBytes`,
      );
    }
    this.buffer += text;
  }
}
