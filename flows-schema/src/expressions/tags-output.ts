/**
 * Tags that print or store values: `{{ output }}`, `{% echo %}`, `{% set %}` / `{% assign %}`,
 * `{% capture %}`, Pebble's `{% filter %}` block and `{% raw %}`/`{% verbatim %}`; plus the
 * placeholders that reject unsupported tags and stray `else`/`end...` tags with a clear message.
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
import { ExpressionSyntaxError } from './errors.ts';
import { TokenType } from './lexer.ts';
import type { RenderContext } from './render-context.ts';
import { BoundedEmitter, compileParsed, compileRange, parseTagArgs, recover } from './tag-support.ts';
import type { OutputToken } from './template-tokenizer.ts';
import { toText } from './values.ts';

function write(value: unknown, emitter: Emitter): unknown {
  if (value instanceof Promise) {
    return value.then((v) => {
      emitter.write(toText(v));
    });
  }
  emitter.write(toText(value));
  return undefined;
}

export function notClosed(token: TagToken, closer: string): ExpressionSyntaxError {
  return new ExpressionSyntaxError(
    `'${token.getText()}' is not closed: add '{% ${closer} %}'`,
    token.begin,
    token.end - token.begin,
  );
}

/** `{{ expression }}`. */
export class OutputTag extends Tag {
  readonly #evaluate: Evaluator;

  constructor(token: TagToken, remainTokens: TopLevelToken[], liquid: Liquid) {
    super(token, remainTokens, liquid);
    const output = token as unknown as OutputToken;
    this.#evaluate = compileRange(output.input, output.expressionBegin, output.expressionEnd);
  }

  render(ctx: Context, emitter: Emitter): unknown {
    return write(this.#evaluate(ctx as RenderContext), emitter);
  }
}

/** `{% echo expression %}` (Liquid). */
export class EchoTag extends Tag {
  readonly #evaluate: Evaluator;

  constructor(token: TagToken, remainTokens: TopLevelToken[], liquid: Liquid) {
    super(token, remainTokens, liquid);
    this.#evaluate = compileParsed(token, (parser) => {
      const node = parser.parseExpression();
      parser.expectEnd();
      return node;
    });
  }

  render(ctx: Context, emitter: Emitter): unknown {
    return write(this.#evaluate(ctx as RenderContext), emitter);
  }
}

/** `{% set name = expression %}` (Pebble) and `{% assign name = expression %}` (Liquid). */
export class SetTag extends Tag {
  readonly #variable: string;
  readonly #evaluate: Evaluator;

  constructor(token: TagToken, remainTokens: TopLevelToken[], liquid: Liquid) {
    super(token, remainTokens, liquid);
    const parsed = parseTagArgs(
      token,
      (parser) => {
        const name = parser.expectName(`after '${token.name}' (the variable to set)`).value;
        parser.expectPunct('=', `after '${name}', as in {% ${token.name} ${name} = value %}`);
        const node = parser.parseExpression();
        parser.expectEnd();
        return { name, evaluate: compileNode(node, token.input) };
      },
      { name: '', evaluate: (() => undefined) as Evaluator },
    );
    this.#variable = parsed.name;
    this.#evaluate = parsed.evaluate;
  }

  render(ctx: Context): unknown {
    const context = ctx as RenderContext;
    const value = this.#evaluate(context);
    if (value instanceof Promise) {
      return value.then((v) => {
        context.setVariable(this.#variable, v);
      });
    }
    context.setVariable(this.#variable, value);
    return undefined;
  }
}

/** `{% capture name %}...{% endcapture %}`: stores the rendered block as a string. */
export class CaptureTag extends Tag {
  readonly #variable: string;
  readonly #templates: Template[] = [];

  constructor(token: TagToken, remainTokens: TopLevelToken[], liquid: Liquid, parser: Parser) {
    super(token, remainTokens, liquid);
    this.#variable = parseTagArgs(
      token,
      (p) => {
        const name = p.next();
        if (name.type !== TokenType.Name && name.type !== TokenType.String) {
          throw p.error('expected the variable name after capture, as in {% capture greeting %}', name);
        }
        p.expectEnd();
        return name.value;
      },
      '',
    );
    const stream = parser
      .parseStream(remainTokens)
      .on('tag:endcapture', () => {
        stream.stop();
      })
      .on('template', (template: Template) => {
        this.#templates.push(template);
      })
      .on('end', () => {
        throw notClosed(token, 'endcapture');
      });
    stream.start();
  }

  *render(ctx: Context): Generator<unknown, void, unknown> {
    const context = ctx as RenderContext;
    const emitter = new BoundedEmitter(context.state.maxOutputBytes);
    yield this.liquid.renderer.renderTemplates(this.#templates, ctx, emitter);
    context.setVariable(this.#variable, emitter.buffer);
  }
}

/** Names no user can write, for the rendered body of `{% filter %}`. */
const BODY = '\0body';

/** `{% filter upper | trim %}...{% endfilter %}` (Pebble): applies filters to the rendered block. */
export class FilterTag extends Tag {
  readonly #evaluate: Evaluator;
  readonly #templates: Template[] = [];

  constructor(token: TagToken, remainTokens: TopLevelToken[], liquid: Liquid, parser: Parser) {
    super(token, remainTokens, liquid);
    this.#evaluate = compileParsed(token, (p) => {
      if (p.atEnd()) throw p.error('expected a filter after filter, as in {% filter upper %}', p.peek());
      const start = p.peek().start;
      const node = p.parseFilterChain({ kind: 'identifier', name: BODY, start, end: start });
      p.expectEnd();
      return node;
    });
    const stream = parser
      .parseStream(remainTokens)
      .on('tag:endfilter', () => {
        stream.stop();
      })
      .on('template', (template: Template) => {
        this.#templates.push(template);
      })
      .on('end', () => {
        throw notClosed(token, 'endfilter');
      });
    stream.start();
  }

  *render(ctx: Context, emitter: Emitter): Generator<unknown, void, unknown> {
    const context = ctx as RenderContext;
    const body = new BoundedEmitter(context.state.maxOutputBytes);
    yield this.liquid.renderer.renderTemplates(this.#templates, ctx, body);
    const scope: Record<string, unknown> = Object.create(null);
    scope[BODY] = body.buffer;
    context.pushScope(scope);
    try {
      emitter.write(toText(yield this.#evaluate(context)));
    } finally {
      context.popScope();
    }
  }
}

/** `{% raw %}` / `{% verbatim %}`: the tokenizer already made the body plain text. */
export class RawTag extends Tag {
  readonly #text: string;

  constructor(token: TagToken, remainTokens: TopLevelToken[], liquid: Liquid) {
    super(token, remainTokens, liquid);
    let text = '';
    for (;;) {
      const next = remainTokens.shift();
      if (next === undefined) throw notClosed(token, `end${token.name}`);
      if ('name' in next && next.name === `end${token.name}`) break;
      text += 'getContent' in next ? next.getContent() : next.getText();
    }
    this.#text = text;
  }

  render(_ctx: Context, emitter: Emitter): void {
    emitter.write(this.#text);
  }
}

/** Tags of Pebble or Liquid that Osprey refuses, with the reason. */
export const UNSUPPORTED_TAGS: Readonly<Record<string, string>> = {
  include: 'flows cannot include other files',
  render: 'flows cannot include other files; the render() function renders a string',
  layout: 'flows cannot include other files',
  block: 'template inheritance is not supported',
  extends: 'template inheritance is not supported',
  embed: 'template inheritance is not supported',
  import: 'macros are not supported',
  from: 'macros are not supported',
  macro: 'macros are not supported',
  cache: 'there is nothing to cache between renders',
  parallel: 'rendering is not parallel',
  flush: 'output is not streamed',
  autoescape: 'output is never escaped',
  tablerow: 'HTML tables are not supported; use {% for %}',
  cycle: 'use loop.index (Pebble) or forloop.index (Liquid) with the % operator',
  increment: 'use {% set counter = counter + 1 %}',
  decrement: 'use {% set counter = counter - 1 %}',
};

/** Unsupported tags that have a body; their end tags are known so the start tag is what gets reported. */
export const UNSUPPORTED_BLOCKS = ['block', 'embed', 'macro', 'cache', 'parallel', 'autoescape', 'tablerow'];

export class UnsupportedTag extends Tag {
  constructor(token: TagToken, remainTokens: TopLevelToken[], liquid: Liquid) {
    super(token, remainTokens, liquid);
    if (UNSUPPORTED_BLOCKS.includes(token.name)) {
      // When only checking, skip the body so its end tag is not reported as stray.
      const end = remainTokens.findIndex((t) => 'name' in t && t.name === `end${token.name}`);
      if (end !== -1) remainTokens.splice(0, end + 1);
    }
    recover(
      new ExpressionSyntaxError(
        `the '{% ${token.name} %}' tag is not supported: ${UNSUPPORTED_TAGS[token.name] ?? 'remove it'}`,
        token.begin,
        token.end - token.begin,
      ),
      undefined,
    );
  }

  render(): void {}
}

/** An `else`, `endif`, `when`... outside the block it belongs to. */
export class StrayTag extends Tag {
  constructor(token: TagToken, remainTokens: TopLevelToken[], liquid: Liquid) {
    super(token, remainTokens, liquid);
    recover(
      new ExpressionSyntaxError(
        `unexpected '{% ${token.name} %}': it has no matching opening tag here`,
        token.begin,
        token.end - token.begin,
      ),
      undefined,
    );
  }

  render(): void {}
}
