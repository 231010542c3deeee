/**
 * Conditional blocks: `{% if %}` with Pebble's `elseif` and Liquid's `elsif`, `{% unless %}`,
 * and Liquid's `{% case %}`/`{% when %}`. Conditions use the Pebble expression grammar.
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
import type { RenderContext } from './render-context.ts';
import { compileParsed, expectNoArgs, parseTagArgs, recover } from './tag-support.ts';
import { notClosed } from './tags-output.ts';
import { isTruthy, valuesEqual } from './values.ts';

function condition(token: TagToken): Evaluator {
  return compileParsed(token, (parser) => {
    const node = parser.parseExpression();
    parser.expectEnd('the condition');
    return node;
  });
}

interface Branch {
  readonly test: Evaluator;
  readonly negated: boolean;
  readonly templates: Template[];
}

/** `{% if %}` and `{% unless %}` (an `if` whose first condition is negated). */
export class IfTag extends Tag {
  readonly #branches: Branch[] = [];
  #otherwise: Template[] | undefined;

  constructor(token: TagToken, remainTokens: TopLevelToken[], liquid: Liquid, parser: Parser) {
    super(token, remainTokens, liquid);
    let current: Template[] = [];
    this.#branches.push({ test: condition(token), negated: token.name === 'unless', templates: current });
    const closer = `end${token.name}`;
    const elseIf = (tag: TagToken): void => {
      if (this.#otherwise !== undefined) {
        recover(
          new ExpressionSyntaxError(
            `'{% ${tag.name} %}' cannot come after '{% else %}'`,
            tag.begin,
            tag.end - tag.begin,
          ),
          undefined,
        );
      }
      current = [];
      this.#branches.push({ test: condition(tag), negated: false, templates: current });
    };
    const stream = parser
      .parseStream(remainTokens)
      .on('tag:elseif', elseIf)
      .on('tag:elsif', elseIf)
      .on('tag:else', (tag: TagToken) => {
        expectNoArgs(tag);
        if (this.#otherwise !== undefined) {
          recover(
            new ExpressionSyntaxError(
              `'{% ${token.name} %}' has two '{% else %}'`,
              tag.begin,
              tag.end - tag.begin,
            ),
            undefined,
          );
        }
        current = [];
        this.#otherwise = current;
      })
      .on(`tag:${closer}`, (tag: TagToken) => {
        expectNoArgs(tag);
        stream.stop();
      })
      .on('template', (template: Template) => {
        current.push(template);
      })
      .on('end', () => {
        throw notClosed(token, closer);
      });
    stream.start();
  }

  *render(ctx: Context, emitter: Emitter): Generator<unknown, void, unknown> {
    const renderer = this.liquid.renderer;
    for (const branch of this.#branches) {
      const value = yield branch.test(ctx as RenderContext);
      if (isTruthy(value) !== branch.negated) {
        yield renderer.renderTemplates(branch.templates, ctx, emitter);
        return;
      }
    }
    if (this.#otherwise !== undefined) yield renderer.renderTemplates(this.#otherwise, ctx, emitter);
  }
}

interface When {
  readonly values: readonly Evaluator[];
  readonly templates: Template[];
}

/** `{% case x %}{% when 1, 2 %}...{% when 'a' or 'b' %}...{% else %}...{% endcase %}`. */
export class CaseTag extends Tag {
  readonly #subject: Evaluator;
  readonly #whens: When[] = [];
  #otherwise: Template[] | undefined;

  constructor(token: TagToken, remainTokens: TopLevelToken[], liquid: Liquid, parser: Parser) {
    super(token, remainTokens, liquid);
    this.#subject = condition(token);
    let current: Template[] | undefined;
    const stream = parser
      .parseStream(remainTokens)
      .on('tag:when', (tag: TagToken) => {
        const values = parseTagArgs(
          tag,
          (p) => {
            const list: Evaluator[] = [];
            do {
              if (list.length > 0) p.next();
              list.push(compileNode(p.parseOperand(), tag.input));
            } while (p.isPunct(',') || p.isName('or'));
            p.expectEnd("'{% when %}'");
            return list;
          },
          [],
        );
        current = [];
        this.#whens.push({ values, templates: current });
      })
      .on('tag:else', (tag: TagToken) => {
        expectNoArgs(tag);
        current = [];
        this.#otherwise = current;
      })
      .on('tag:endcase', (tag: TagToken) => {
        expectNoArgs(tag);
        stream.stop();
      })
      .on('template', (template: Template) => {
        // Text before the first `when` is ignored, as in Liquid.
        current?.push(template);
      })
      .on('end', () => {
        throw notClosed(token, 'endcase');
      });
    stream.start();
  }

  *render(ctx: Context, emitter: Emitter): Generator<unknown, void, unknown> {
    const context = ctx as RenderContext;
    const renderer = this.liquid.renderer;
    const subject = yield this.#subject(context);
    for (const when of this.#whens) {
      for (const value of when.values) {
        if (valuesEqual(subject, yield value(context))) {
          yield renderer.renderTemplates(when.templates, ctx, emitter);
          return;
        }
      }
    }
    if (this.#otherwise !== undefined) yield renderer.renderTemplates(this.#otherwise, ctx, emitter);
  }
}
