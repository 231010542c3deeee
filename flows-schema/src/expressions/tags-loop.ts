/**
 * `{% for item in items %}...{% else %}...{% endfor %}` with both loop objects: Pebble's `loop`
 * (`index` from 0, `revindex`, `first`, `last`, `length`) and Liquid's `forloop` (`index` from 1,
 * `index0`, `rindex`, `rindex0`, `first`, `last`, `length`). Maps iterate as `{key, value}` entries,
 * or as `{% for key, value in map %}`. Liquid's `limit:`, `offset:` and `reversed` are accepted.
 * Every iteration counts against maxIterations.
 */
import {
  type Context,
  type Emitter,
  type Liquid,
  type Parser,
  Tag,
  type TagToken,
  type Template,
  type TopLevelToken,
} from 'liquidjs';
import { compileNode, type Evaluator } from './compiler.ts';
import { EvaluationError } from './errors.ts';
import type { RenderContext } from './render-context.ts';
import { expectNoArgs, parseTagArgs } from './tag-support.ts';
import { notClosed } from './tags-output.ts';
import { isPlainObject, setOwn, toInteger, typeName } from './values.ts';

interface LoopHeader {
  readonly item: string;
  /** Set for `{% for key, value in ... %}`. */
  readonly value: string | undefined;
  readonly iterable: Evaluator;
  readonly limit: Evaluator | undefined;
  readonly offset: Evaluator | undefined;
  readonly reversed: boolean;
}

const EMPTY_HEADER: LoopHeader = {
  item: '',
  value: undefined,
  iterable: () => [],
  limit: undefined,
  offset: undefined,
  reversed: false,
};

function parseHeader(token: TagToken): LoopHeader {
  return parseTagArgs(
    token,
    (p) => {
      const item = p.expectName('after for (the loop variable), as in {% for item in items %}').value;
      let value: string | undefined;
      if (p.isPunct(',')) {
        p.next();
        value = p.expectName("after ',', as in {% for key, value in map %}").value;
      }
      if (!p.isName('in'))
        throw p.error(`expected 'in' after '${value ?? item}', as in {% for item in items %}`, p.peek());
      p.next();
      const iterable = compileNode(p.parseExpression(), token.input);
      let limit: Evaluator | undefined;
      let offset: Evaluator | undefined;
      let reversed = false;
      while (!p.atEnd()) {
        const modifier = p.expectName('(limit:, offset: or reversed) after the loop items');
        if (modifier.value === 'reversed') {
          reversed = true;
          continue;
        }
        if (modifier.value !== 'limit' && modifier.value !== 'offset') {
          throw p.error(`unknown loop option '${modifier.value}': use limit:, offset: or reversed`, modifier);
        }
        p.expectPunct(':', `after '${modifier.value}'`);
        const amount = compileNode(p.parseOperand(), token.input);
        if (modifier.value === 'limit') limit = amount;
        else offset = amount;
      }
      return { item, value, iterable, limit, offset, reversed };
    },
    EMPTY_HEADER,
  );
}

/** Items and their keys: list elements with their index, or map entries. */
function entries(collection: unknown, twoVariables: boolean): { keys: unknown[]; values: unknown[] } {
  if (collection === null || collection === undefined) return { keys: [], values: [] };
  if (Array.isArray(collection)) return { keys: collection.map((_, i) => i), values: collection };
  if (isPlainObject(collection)) {
    const keys = Object.keys(collection);
    if (twoVariables) return { keys, values: keys.map((k) => collection[k]) };
    return { keys, values: keys.map((key) => ({ key, value: collection[key] })) };
  }
  if (typeof collection === 'string') {
    throw new EvaluationError(
      "cannot loop over a string: parse JSON text with fromJson(...) or split text with | split(',')",
    );
  }
  throw new EvaluationError(`cannot loop over a ${typeName(collection)}: use a list or a map`);
}

export class ForTag extends Tag {
  readonly #header: LoopHeader;
  readonly #templates: Template[] = [];
  #otherwise: Template[] | undefined;

  constructor(token: TagToken, remainTokens: TopLevelToken[], liquid: Liquid, parser: Parser) {
    super(token, remainTokens, liquid);
    this.#header = parseHeader(token);
    let current = this.#templates;
    const stream = parser
      .parseStream(remainTokens)
      .on('tag:else', (tag: TagToken) => {
        expectNoArgs(tag);
        current = [];
        this.#otherwise = current;
      })
      .on('tag:endfor', (tag: TagToken) => {
        expectNoArgs(tag);
        stream.stop();
      })
      .on('template', (template: Template) => {
        current.push(template);
      })
      .on('end', () => {
        throw notClosed(token, 'endfor');
      });
    stream.start();
  }

  *render(ctx: Context, emitter: Emitter): Generator<unknown, void, unknown> {
    const context = ctx as RenderContext;
    const header = this.#header;
    const renderer = this.liquid.renderer;
    const collection = yield header.iterable(context);
    let { keys, values } = entries(collection, header.value !== undefined);
    if (header.offset !== undefined) {
      const offset = Math.max(0, toInteger(yield header.offset(context), 'loop offset'));
      keys = keys.slice(offset);
      values = values.slice(offset);
    }
    if (header.limit !== undefined) {
      const limit = Math.max(0, toInteger(yield header.limit(context), 'loop limit'));
      keys = keys.slice(0, limit);
      values = values.slice(0, limit);
    }
    if (header.reversed) {
      keys = keys.toReversed();
      values = values.toReversed();
    }
    const length = values.length;
    if (length === 0) {
      if (this.#otherwise !== undefined) yield renderer.renderTemplates(this.#otherwise, ctx, emitter);
      return;
    }
    const loop: Record<string, unknown> = { length };
    const forloop: Record<string, unknown> = { length, name: `${header.item}-loop` };
    const scope: Record<string, unknown> = Object.create(null);
    scope['loop'] = loop;
    scope['forloop'] = forloop;
    context.pushScope(scope);
    try {
      for (let i = 0; i < length; i++) {
        context.countIteration();
        if (header.value === undefined) {
          setOwn(scope, header.item, values[i]);
        } else {
          setOwn(scope, header.item, keys[i]);
          setOwn(scope, header.value, values[i]);
        }
        const first = i === 0;
        const last = i === length - 1;
        loop['index'] = i;
        loop['revindex'] = length - i - 1;
        loop['first'] = first;
        loop['last'] = last;
        forloop['index'] = i + 1;
        forloop['index0'] = i;
        forloop['rindex'] = length - i;
        forloop['rindex0'] = length - i - 1;
        forloop['first'] = first;
        forloop['last'] = last;
        ctx.breakCalled = false;
        ctx.continueCalled = false;
        yield renderer.renderTemplates(this.#templates, ctx, emitter);
        if (ctx.breakCalled) break;
      }
    } finally {
      ctx.breakCalled = false;
      ctx.continueCalled = false;
      context.popScope();
    }
  }
}
