/**
 * Wires our tags into the Liquid engine, parses templates (cached), renders them with a bounded
 * output, and turns every failure into one ExpressionError that names the failing block.
 */
import { LiquidError, type Template, type Token, type TopLevelToken, toPromise } from 'liquidjs';
import { compileNode, type Evaluator } from './compiler.ts';
import { EvaluationError, ExpressionError, ExpressionSyntaxError, UndefinedVariableError } from './errors.ts';
import { liquid } from './liquid-instance.ts';
import { LruCache } from './lru.ts';
import { parseExpression } from './parser.ts';
import type { RenderContext, RenderState } from './render-context.ts';
import { BoundedEmitter, recover } from './tag-support.ts';
import { CaseTag, IfTag } from './tags-control.ts';
import { ForTag } from './tags-loop.ts';
import {
  CaptureTag,
  EchoTag,
  FilterTag,
  OutputTag,
  RawTag,
  SetTag,
  StrayTag,
  UNSUPPORTED_BLOCKS,
  UNSUPPORTED_TAGS,
  UnsupportedTag,
} from './tags-output.ts';
import { INNER_TAGS, OUTPUT_TAG, OutputToken, TextToken, tokenizeTemplate } from './template-tokenizer.ts';
import type { ExpressionProblem, RenderOptions } from './types.ts';

export const DEFAULT_MAX_OUTPUT_BYTES = 10 * 1024 * 1024;
export const DEFAULT_MAX_ITERATIONS = 100_000;

liquid.registerTag(OUTPUT_TAG, OutputTag);
liquid.registerTag('echo', EchoTag);
liquid.registerTag('set', SetTag);
liquid.registerTag('assign', SetTag);
liquid.registerTag('capture', CaptureTag);
liquid.registerTag('filter', FilterTag);
liquid.registerTag('raw', RawTag);
liquid.registerTag('verbatim', RawTag);
liquid.registerTag('if', IfTag);
liquid.registerTag('unless', IfTag);
liquid.registerTag('case', CaseTag);
liquid.registerTag('for', ForTag);
for (const name of Object.keys(UNSUPPORTED_TAGS)) liquid.registerTag(name, UnsupportedTag);
for (const name of INNER_TAGS) liquid.registerTag(name, StrayTag);
for (const name of UNSUPPORTED_BLOCKS) liquid.registerTag(`end${name}`, StrayTag);
// Kept from Liquid: comment, # (inline comment), break, continue, liquid.

const SUPPORTED_TAGS =
  'if/elseif/elsif/else, unless, for/else, set, assign, capture, case/when, filter, raw, verbatim, echo, comment, break, continue, liquid';

function isKnownTag(name: string): boolean {
  return Object.hasOwn(liquid.tags, name);
}

/** True when the string contains an expression or tag (`{{`, `{%`). */
export function isTemplate(value: string): boolean {
  return value.includes('{{') || value.includes('{%');
}

const MAX_QUOTED = 200;

function quote(text: string): string {
  return text.length > MAX_QUOTED ? `${text.slice(0, MAX_QUOTED)}…` : text;
}

function position(template: string, offset: number): string {
  if (!template.includes('\n')) return '';
  const before = template.slice(0, offset);
  const line = before.split('\n').length;
  return ` (line ${line}, column ${offset - before.lastIndexOf('\n')})`;
}

/** Liquid wraps what our tags throw; find the original error and the template block it came from. */
function unwrap(error: unknown): { cause: unknown; token: Token | undefined } {
  let cause = error;
  let token: Token | undefined;
  while (LiquidError.is(cause)) {
    token ??= cause.token;
    if (cause.originalError === undefined) break;
    cause = cause.originalError;
  }
  return { cause, token };
}

function partAt(
  template: string,
  offset: number,
  length: number,
  token: Token | undefined,
): { text: string; at: number } {
  if (token !== undefined && token.input === template) return { text: token.getText(), at: token.begin };
  const lineEnd = template.indexOf('\n', offset + length);
  return {
    text: template.slice(offset, Math.max(offset + length, lineEnd === -1 ? template.length : lineEnd)),
    at: offset,
  };
}

/** One user-facing error for anything that went wrong with `template`. */
export function toExpressionError(
  error: unknown,
  template: string,
  verb: 'render' | 'evaluate',
): ExpressionError {
  const { cause, token } = unwrap(error);
  if (cause instanceof ExpressionError) return cause;
  if (cause instanceof ExpressionSyntaxError) {
    const part = partAt(template, cause.offset, cause.length, token);
    return new ExpressionError(
      `Unable to parse "${quote(part.text)}": ${cause.message}${position(template, cause.offset)}`,
      part.text,
      template,
      cause.offset,
      { cause },
    );
  }
  const message =
    cause instanceof UndefinedVariableError || cause instanceof EvaluationError
      ? cause.message
      : cause instanceof Error
        ? cause.message
        : String(cause);
  // Errors of a text block (the output limit) concern the whole template, not that text.
  const part =
    token !== undefined && token.input === template && !(token instanceof TextToken)
      ? { text: token.getText(), at: token.begin }
      : { text: template, at: 0 };
  const where = part.at > 0 ? position(template, part.at) : '';
  return new ExpressionError(
    `Unable to ${verb} "${quote(part.text)}": ${message}${where}`,
    part.text,
    template,
    part.at,
    { cause },
  );
}

function reportProblem(problem: ExpressionSyntaxError): void {
  recover(problem, undefined);
}

function tokenize(template: string): Token[] {
  return tokenizeTemplate(template, liquid.options, isKnownTag, SUPPORTED_TAGS, reportProblem);
}

function parseTokens(template: string): Template[] {
  const tokens = tokenize(template);
  // Our tokens carry the fields Liquid's parser reads (kind, name, getContent); its types name only its own classes.
  return liquid.parser.parseTokens(tokens as unknown as TopLevelToken[]);
}

const templates = new LruCache<Template[] | ExpressionError>(2000, 32 * 1024 * 1024);

/** Parses (or fetches from the cache) a template; throws ExpressionError when it is invalid. */
export function parseTemplate(template: string): Template[] {
  const cached = templates.get(template);
  if (cached !== undefined) {
    if (cached instanceof ExpressionError) throw cached;
    return cached;
  }
  let parsed: Template[] | ExpressionError;
  try {
    parsed = parseTokens(template);
  } catch (error) {
    parsed = toExpressionError(error, template, 'render');
  }
  templates.set(template, parsed);
  if (parsed instanceof ExpressionError) throw parsed;
  return parsed;
}

/** Renders parsed templates into a bounded buffer. */
export async function renderParsed(
  parsed: Template[],
  template: string,
  ctx: RenderContext,
): Promise<string> {
  const emitter = new BoundedEmitter(ctx.state.maxOutputBytes);
  try {
    await toPromise(liquid.renderer.renderTemplates(parsed, ctx, emitter));
  } catch (error) {
    throw toExpressionError(error, template, 'render');
  }
  return emitter.buffer;
}

async function renderNested(source: string, ctx: RenderContext): Promise<string> {
  return isTemplate(source) ? renderParsed(parseTemplate(source), source, ctx) : source;
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!(value > 0)) throw new RangeError(`${name} must be a positive number, got ${value}`);
  return value;
}

export function createState(options: RenderOptions | undefined): RenderState {
  return {
    services: options?.services ?? {},
    maxOutputBytes: positive(options?.maxOutputBytes, DEFAULT_MAX_OUTPUT_BYTES, 'maxOutputBytes'),
    maxIterations: positive(options?.maxIterations, DEFAULT_MAX_ITERATIONS, 'maxIterations'),
    iterations: 0,
    depth: 0,
    renderNested,
  };
}

const expressions = new LruCache<Evaluator | ExpressionError>(2000, 4 * 1024 * 1024);

/** Compiles a bare expression; `{{ expression }}` is accepted too. */
export function compileExpression(expression: string): Evaluator {
  const cached = expressions.get(expression);
  if (cached !== undefined) {
    if (cached instanceof ExpressionError) throw cached;
    return cached;
  }
  let compiled: Evaluator | ExpressionError;
  try {
    const tokens = isTemplate(expression)
      ? tokenize(expression).filter((t) => !(t instanceof TextToken) || t.getContent().trim() !== '')
      : [];
    const only = tokens.length === 1 ? tokens[0] : undefined;
    const node =
      only instanceof OutputToken
        ? parseExpression(expression.slice(only.expressionBegin, only.expressionEnd), only.expressionBegin)
        : parseExpression(expression, 0);
    compiled = compileNode(node, expression);
  } catch (error) {
    compiled = toExpressionError(error, expression, 'evaluate');
  }
  expressions.set(expression, compiled);
  if (compiled instanceof ExpressionError) throw compiled;
  return compiled;
}

/** Syntax problems of a template, without rendering it. */
export function problemsOf(
  template: string,
  collect: <T>(problems: ExpressionProblem[], parse: () => T) => T,
): ExpressionProblem[] {
  const problems: ExpressionProblem[] = [];
  if (!isTemplate(template)) return problems;
  try {
    collect(problems, () => parseTokens(template));
  } catch (error) {
    const { cause, token } = unwrap(error);
    if (cause instanceof ExpressionSyntaxError) {
      problems.push({ message: cause.message, offset: cause.offset, length: cause.length });
    } else {
      problems.push({
        message: cause instanceof Error ? cause.message : String(cause),
        offset: token?.begin ?? 0,
        length: token === undefined ? template.length : token.end - token.begin,
      });
    }
  }
  return problems.sort((a, b) => a.offset - b.offset);
}
