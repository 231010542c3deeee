/**
 * Renders Kestra expressions (`{{ ... }}`, `{% ... %}`) in flow properties. LiquidJS is the template
 * engine; expressions use Kestra's Pebble grammar (functions, `~`, `??`, tests, named arguments,
 * `filter(args)`) and Liquid's syntax works too. Rendering is sandboxed (data only, bounded output
 * and loops) and does no I/O itself: `kv()`, `secret()`, `read()`... call the injected services.
 * See docs/expressions.md for the supported forms.
 */
import {
  compileExpression,
  isTemplate as containsExpression,
  createState,
  parseTemplate,
  problemsOf,
  renderParsed,
  toExpressionError,
} from './engine.ts';
import { RenderContext, type RenderState } from './render-context.ts';
import { collectingProblems } from './tag-support.ts';
import type { ExpressionProblem, RenderOptions } from './types.ts';
import { isPlainObject, isTruthyString, setOwn } from './values.ts';

export { ExpressionError } from './errors.ts';
export type { ExpressionProblem, ExpressionServices, RenderOptions } from './types.ts';

/** True when the string contains an expression or tag (`{{`, `{%`). Strings without one render as themselves. */
export function isTemplate(value: string): boolean {
  return containsExpression(value);
}

/** Render a template string against a context (plain JSON-like object: flow, execution, inputs, outputs, vars, ...). */
export async function render(
  template: string,
  context: Record<string, unknown>,
  options?: RenderOptions,
): Promise<string> {
  if (!containsExpression(template)) return template;
  const parsed = parseTemplate(template);
  return renderParsed(parsed, template, new RenderContext(context, createState(options)));
}

async function renderValue(
  value: unknown,
  context: Record<string, unknown>,
  state: RenderState,
): Promise<unknown> {
  if (typeof value === 'string') {
    if (!containsExpression(value)) return value;
    return renderParsed(parseTemplate(value), value, new RenderContext(context, state));
  }
  if (Array.isArray(value)) {
    let changed = false;
    const out: unknown[] = new Array(value.length);
    for (let i = 0; i < value.length; i++) {
      out[i] = await renderValue(value[i], context, state);
      if (out[i] !== value[i]) changed = true;
    }
    return changed ? out : value;
  }
  if (isPlainObject(value)) {
    let changed = false;
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      const renderedKey = containsExpression(key)
        ? ((await renderValue(key, context, state)) as string)
        : key;
      const rendered = await renderValue(item, context, state);
      if (renderedKey !== key || rendered !== item) changed = true;
      setOwn(out, renderedKey, rendered);
    }
    return changed ? out : value;
  }
  return value;
}

/**
 * Render strings found anywhere inside a JSON-like value (objects/arrays recursively, map keys included);
 * non-strings unchanged. Containers without any template are returned as they are, not copied.
 * The limits apply to the whole call.
 */
export async function renderDeep<T>(
  value: T,
  context: Record<string, unknown>,
  options?: RenderOptions,
): Promise<T> {
  return (await renderValue(value, context, createState(options))) as T;
}

/** Evaluate a single expression (no braces; `{{ expr }}` is accepted too), returning the typed value: evaluate("inputs.n + 1", ctx) → 3. */
export async function evaluate(
  expression: string,
  context: Record<string, unknown>,
  options?: RenderOptions,
): Promise<unknown> {
  const compiled = compileExpression(expression);
  try {
    return await compiled(new RenderContext(context, createState(options)));
  } catch (error) {
    throw toExpressionError(error, expression, 'evaluate');
  }
}

/**
 * Render a condition such as `runIf: "{{ inputs.x }}"` to a boolean, as Kestra does: the trimmed
 * result is false when it is '', '0', '-0' or 'false' (any case), true otherwise.
 */
export async function renderCondition(
  template: string,
  context: Record<string, unknown>,
  options?: RenderOptions,
): Promise<boolean> {
  return isTruthyString(await render(template, context, options));
}

/** Static syntax check, no context: returns problems with character offsets into `template`. */
export function checkTemplate(template: string): ExpressionProblem[] {
  return problemsOf(template, collectingProblems);
}
