/**
 * Turns an expression tree into a closure once, at parse time; rendering then only calls closures.
 * Values are synchronous unless a function does I/O (`kv`, `secret`, `read`, `render`, ...): then a
 * Promise flows through, and only the operators that meet it pay for awaiting.
 * Unknown filters, functions, tests and argument names are reported here, so `checkTemplate` sees them.
 */
import { type BinaryNode, BinaryOperator, type NamedArgument, type Node } from './ast.ts';
import { ExpressionSyntaxError, UndefinedVariableError } from './errors.ts';
import { findFilter, isLiquidFilter, UNSUPPORTED_FILTERS } from './filters.ts';
import { FUNCTIONS, VARIADIC_FUNCTIONS } from './functions.ts';
import {
  add,
  concat,
  contains,
  divide,
  isIn,
  makeRange,
  modulo,
  multiply,
  negate,
  subtract,
} from './operators.ts';
import { TESTS } from './pebble-tests.ts';
import type { RenderContext } from './render-context.ts';
import {
  compareValues,
  getMember,
  isBlankValue,
  isPlainObject,
  isTruthy,
  MISSING,
  setOwn,
  toNumber,
  toText,
  valuesEqual,
} from './values.ts';

/** Evaluates to a value, or to a Promise of one when I/O is involved. */
export type Evaluator = (ctx: RenderContext) => unknown;

const UNDEFINED: Evaluator = () => undefined;
const NO_ARGS: readonly unknown[] = [];

function then(value: unknown, next: (value: unknown) => unknown): unknown {
  return value instanceof Promise ? value.then(next) : next(value);
}

function evaluateAll(evaluators: readonly Evaluator[], ctx: RenderContext): unknown[] | Promise<unknown[]> {
  let pending = false;
  const values = new Array<unknown>(evaluators.length);
  for (let i = 0; i < evaluators.length; i++) {
    const value = evaluators[i]!(ctx);
    if (value instanceof Promise) pending = true;
    values[i] = value;
  }
  return pending ? Promise.all(values) : values;
}

function swallowUndefined(error: unknown): undefined {
  if (error instanceof UndefinedVariableError) return undefined;
  throw error;
}

/** Like `evaluator`, but an undefined variable anywhere inside yields `undefined` instead of failing. */
function tolerant(evaluator: Evaluator): Evaluator {
  return (ctx) => {
    try {
      const value = evaluator(ctx);
      return value instanceof Promise ? value.catch(swallowUndefined) : value;
    } catch (error) {
      return swallowUndefined(error);
    }
  };
}

function both(
  left: Evaluator,
  right: Evaluator,
  op: (a: unknown, b: unknown, ctx: RenderContext) => unknown,
): Evaluator {
  return (ctx) => {
    const a = left(ctx);
    const b = right(ctx);
    if (a instanceof Promise || b instanceof Promise) {
      return Promise.all([a, b]).then(([x, y]) => op(x, y, ctx));
    }
    return op(a, b, ctx);
  };
}

function syntaxError(message: string, node: { start: number; end: number }): ExpressionSyntaxError {
  return new ExpressionSyntaxError(message, node.start, node.end - node.start);
}

const NAME = /^[A-Za-z_$][\w$]*$/;

interface Segment {
  readonly key: string | number | undefined;
  readonly index: Evaluator | undefined;
}

function pathLabel(
  root: string,
  segments: readonly Segment[],
  keys: readonly unknown[],
  upTo: number,
): string {
  let out = root;
  for (let i = 0; i <= upTo; i++) {
    const segment = segments[i]!;
    const key = segment.index === undefined ? segment.key : keys[i];
    if (segment.index === undefined)
      out += typeof key === 'string' && !NAME.test(key) ? `["${key}"]` : `.${key}`;
    else out += typeof key === 'number' ? `[${key}]` : `["${toText(key)}"]`;
  }
  return out;
}

/** `a.b[c].d`: walked step by step so a failure names the path up to the missing step. */
function compileChain(node: Node, source: string): Evaluator {
  const segments: Segment[] = [];
  let root = node;
  while (root.kind === 'member' || root.kind === 'index') {
    segments.push(
      root.kind === 'member'
        ? { key: root.key, index: undefined }
        : { key: undefined, index: compileNode(root.index, source) },
    );
    root = root.object;
  }
  segments.reverse();
  const rootName = root.kind === 'identifier' ? root.name : undefined;
  const rootEvaluator = rootName === undefined ? compileNode(root, source) : undefined;
  const rootLabel = rootName ?? source.slice(root.start, root.end);
  const count = segments.length;
  const dynamic = segments.some((s) => s.index !== undefined);

  const step = (value: unknown, key: unknown, i: number, keys: unknown[]): unknown => {
    if (dynamic) keys[i] = key;
    const next = getMember(value, key);
    if (next === MISSING) throw new UndefinedVariableError(pathLabel(rootLabel, segments, keys, i));
    return next;
  };

  const walk = (ctx: RenderContext, start: unknown, from: number, keys: unknown[]): unknown => {
    let value = start;
    for (let i = from; i < count; i++) {
      if (value instanceof Promise) return value.then((resolved) => walk(ctx, resolved, i, keys));
      const segment = segments[i]!;
      const key = segment.index === undefined ? segment.key : segment.index(ctx);
      if (key instanceof Promise) {
        const object = value;
        return key.then((resolved) => walk(ctx, step(object, resolved, i, keys), i + 1, keys));
      }
      value = step(value, key, i, keys);
    }
    return value;
  };

  const noKeys: unknown[] = [];
  return (ctx) => {
    let value: unknown;
    if (rootName !== undefined) {
      value = ctx.lookup(rootName);
      if (value === MISSING) throw new UndefinedVariableError(rootName);
    } else {
      value = rootEvaluator!(ctx);
    }
    return count === 0 ? value : walk(ctx, value, 0, dynamic ? [] : noKeys);
  };
}

function resolveArguments(
  params: readonly string[],
  required: number,
  args: readonly Node[],
  named: readonly NamedArgument[],
  what: string,
  span: Node,
  source: string,
): Evaluator[] {
  if (args.length > params.length) {
    throw syntaxError(
      params.length === 0
        ? `${what} takes no arguments`
        : `${what} takes at most ${params.length} argument${params.length === 1 ? '' : 's'} (${params.join(', ')})`,
      args[params.length]!,
    );
  }
  const evaluators: Array<Evaluator | undefined> = args.map((arg) => compileNode(arg, source));
  for (const arg of named) {
    const index = params.indexOf(arg.name);
    if (index === -1) {
      throw syntaxError(
        `${what} has no argument named '${arg.name}'` +
          (params.length > 0 ? `; its arguments are ${params.join(', ')}` : ''),
        arg,
      );
    }
    if (evaluators[index] !== undefined) throw syntaxError(`argument '${arg.name}' is given twice`, arg);
    while (evaluators.length < index) evaluators.push(undefined);
    evaluators[index] = compileNode(arg.value, source);
  }
  for (let i = 0; i < required; i++) {
    if (evaluators[i] === undefined) {
      const names = params.slice(0, required).join(', ');
      throw syntaxError(`${what} needs ${required} argument${required === 1 ? '' : 's'} (${names})`, span);
    }
  }
  return evaluators.map((e) => e ?? UNDEFINED);
}

function compileFilter(node: Extract<Node, { kind: 'filter' }>, source: string): Evaluator {
  const { name, colon } = node;
  const def = findFilter(name);
  if (def === undefined) {
    const hint = Object.hasOwn(UNSUPPORTED_FILTERS, name)
      ? ` (not supported by Osprey: ${UNSUPPORTED_FILTERS[name]})`
      : '';
    throw syntaxError(`unknown filter '${name}'${hint}`, {
      start: node.nameStart,
      end: node.nameStart + name.length,
    });
  }
  const input =
    def.tolerant === true ? tolerant(compileNode(node.input, source)) : compileNode(node.input, source);
  let argEvaluators: Evaluator[];
  if (isLiquidFilter(def)) {
    argEvaluators = node.args.map((arg) => compileNode(arg, source));
    for (const arg of node.named) {
      const value = compileNode(arg.value, source);
      argEvaluators.push((ctx) => then(value(ctx), (v) => [arg.name, v]));
    }
  } else {
    argEvaluators = resolveArguments(
      def.params,
      def.required ?? 0,
      node.args,
      node.named,
      `filter '${name}'`,
      node,
      source,
    );
  }
  if (argEvaluators.length === 0) {
    return (ctx) => {
      const value = input(ctx);
      if (value instanceof Promise)
        return value.then((v) => ctx.checkSize(def.apply(v, NO_ARGS, ctx, colon)));
      return ctx.checkSize(def.apply(value, NO_ARGS, ctx, colon));
    };
  }
  return (ctx) => {
    const value = input(ctx);
    const args = evaluateAll(argEvaluators, ctx);
    if (value instanceof Promise || args instanceof Promise) {
      return Promise.all([value, args]).then(([v, a]) => ctx.checkSize(def.apply(v, a, ctx, colon)));
    }
    return ctx.checkSize(def.apply(value, args, ctx, colon));
  };
}

function compileCall(node: Extract<Node, { kind: 'call' }>, source: string): Evaluator {
  const def = Object.hasOwn(FUNCTIONS, node.name) ? FUNCTIONS[node.name] : undefined;
  if (def === undefined) {
    throw syntaxError(
      `unknown function '${node.name}()'; available functions: ${Object.keys(FUNCTIONS).join(', ')}`,
      node,
    );
  }
  const argEvaluators = VARIADIC_FUNCTIONS.has(node.name)
    ? node.args.map((arg) => compileNode(arg, source))
    : resolveArguments(def.params, def.required ?? 0, node.args, node.named, `${node.name}()`, node, source);
  return (ctx) => {
    const args = evaluateAll(argEvaluators, ctx);
    return args instanceof Promise ? args.then((a) => def.call(a, ctx)) : def.call(args, ctx);
  };
}

const isPath = (n: Node): boolean => n.kind === 'identifier' || n.kind === 'member' || n.kind === 'index';

/**
 * `outputs.my-task.value` parses as a subtraction (as in Pebble); when a side is undefined, say how
 * to read a name containing '-' instead of only reporting the half name.
 */
function hyphenHint(node: BinaryNode, source: string, evaluator: Evaluator): Evaluator {
  const glued =
    isPath(node.left) &&
    isPath(node.right) &&
    source[node.left.end] === '-' &&
    node.right.start === node.left.end + 1;
  if (!glued) return evaluator;
  const written = source.slice(node.start, node.end);
  const hint = (error: unknown): never => {
    if (error instanceof UndefinedVariableError) {
      throw new UndefinedVariableError(
        error.path,
        `'${written}' is read as a subtraction; for a name containing '-', write it in brackets, e.g. outputs['my-task']`,
      );
    }
    throw error;
  };
  return (ctx) => {
    try {
      const value = evaluator(ctx);
      return value instanceof Promise ? value.catch(hint) : value;
    } catch (error) {
      return hint(error);
    }
  };
}

function isFloatLiteral(node: Node): boolean {
  return node.kind === 'literal' && node.float === true;
}

/** Liquid's `x == empty` / `x == blank`, unless the template defines a variable of that name. */
function compileEmptyComparison(node: BinaryNode, source: string): Evaluator | undefined {
  const word = (n: Node): string | undefined =>
    n.kind === 'identifier' && (n.name === 'empty' || n.name === 'blank') ? n.name : undefined;
  const keyword = word(node.right) ?? word(node.left);
  if (keyword === undefined) return undefined;
  const other = compileNode(word(node.right) === undefined ? node.right : node.left, source);
  const plain = both(compileNode(node.left, source), compileNode(node.right, source), valuesEqual);
  const negate = node.operator === BinaryOperator.NotEquals;
  const check =
    keyword === 'empty'
      ? (v: unknown) =>
          v === '' ||
          (Array.isArray(v) && v.length === 0) ||
          (isPlainObject(v) && Object.keys(v).length === 0)
      : isBlankValue;
  return (ctx) => {
    const result = ctx.lookup(keyword) === MISSING ? then(other(ctx), check) : plain(ctx);
    return negate ? then(result, (r) => !r) : result;
  };
}

function compileBinary(node: BinaryNode, source: string): Evaluator {
  const op = node.operator;
  if (op === BinaryOperator.Equals || op === BinaryOperator.NotEquals) {
    const special = compileEmptyComparison(node, source);
    if (special !== undefined) return special;
  }
  const coalesce = op === BinaryOperator.NullCoalesce || op === BinaryOperator.UndefinedCoalesce;
  const left = coalesce ? tolerant(compileNode(node.left, source)) : compileNode(node.left, source);
  const right = compileNode(node.right, source);
  switch (op) {
    case BinaryOperator.Or:
      return (ctx) => then(left(ctx), (a) => isTruthy(a) || then(right(ctx), isTruthy));
    case BinaryOperator.And:
      return (ctx) => then(left(ctx), (a) => isTruthy(a) && then(right(ctx), isTruthy));
    case BinaryOperator.NullCoalesce:
      return (ctx) => then(left(ctx), (a) => (a === null || a === undefined ? right(ctx) : a));
    case BinaryOperator.UndefinedCoalesce:
      return (ctx) => then(left(ctx), (a) => (a === undefined ? right(ctx) : a));
    case BinaryOperator.Equals:
      return both(left, right, valuesEqual);
    case BinaryOperator.NotEquals:
      return both(left, right, (a, b) => !valuesEqual(a, b));
    case BinaryOperator.Less:
      return both(left, right, (a, b) => compareValues(a, b, op) < 0);
    case BinaryOperator.Greater:
      return both(left, right, (a, b) => compareValues(a, b, op) > 0);
    case BinaryOperator.LessOrEqual:
      return both(left, right, (a, b) => compareValues(a, b, op) <= 0);
    case BinaryOperator.GreaterOrEqual:
      return both(left, right, (a, b) => compareValues(a, b, op) >= 0);
    case BinaryOperator.Contains:
      return both(left, right, contains);
    case BinaryOperator.In:
      return both(left, right, (a, b) => contains(b, a));
    case BinaryOperator.NotIn:
      return both(left, right, (a, b) => !contains(b, a));
    case BinaryOperator.IsIn:
      return both(left, right, isIn);
    case BinaryOperator.Add:
      return both(left, right, (a, b, ctx) => ctx.checkSize(add(a, b)));
    case BinaryOperator.Subtract:
      return hyphenHint(node, source, both(left, right, subtract));
    case BinaryOperator.Multiply:
      return both(left, right, multiply);
    case BinaryOperator.Divide: {
      const float = isFloatLiteral(node.left) || isFloatLiteral(node.right);
      return both(left, right, (a, b) => divide(a, b, float));
    }
    case BinaryOperator.Modulo:
      return both(left, right, modulo);
    case BinaryOperator.Concat:
      return both(left, right, (a, b, ctx) => ctx.checkSize(concat(a, b)));
    case BinaryOperator.Range:
      return both(left, right, (a, b, ctx) => makeRange(a, b, undefined, ctx.state.maxIterations));
  }
}

export function compileNode(node: Node, source: string): Evaluator {
  switch (node.kind) {
    case 'literal': {
      const value = node.value;
      return () => value;
    }
    case 'identifier':
    case 'member':
    case 'index':
      return compileChain(node, source);
    case 'call':
      return compileCall(node, source);
    case 'filter':
      return compileFilter(node, source);
    case 'unary': {
      const operand = compileNode(node.operand, source);
      if (node.operator === 'not') return (ctx) => then(operand(ctx), (v) => !isTruthy(v));
      if (node.operator === '-') return (ctx) => then(operand(ctx), negate);
      return (ctx) => then(operand(ctx), (v) => toNumber(v, "the operand of unary '+'"));
    }
    case 'binary':
      return compileBinary(node, source);
    case 'test': {
      const def = Object.hasOwn(TESTS, node.name) ? TESTS[node.name] : undefined;
      if (def === undefined) {
        throw syntaxError(
          `unknown test '${node.name}'; available tests: ${Object.keys(TESTS).join(', ')}`,
          node,
        );
      }
      const subject =
        def.tolerant === true
          ? tolerant(compileNode(node.subject, source))
          : compileNode(node.subject, source);
      const negated = node.negated;
      return (ctx) => then(subject(ctx), (v) => def.test(v) !== negated);
    }
    case 'ternary': {
      const condition = compileNode(node.condition, source);
      const whenTrue = compileNode(node.then, source);
      const whenFalse = compileNode(node.otherwise, source);
      return (ctx) => then(condition(ctx), (v) => (isTruthy(v) ? whenTrue(ctx) : whenFalse(ctx)));
    }
    case 'list': {
      const items = node.items.map((item) => compileNode(item, source));
      return (ctx) => evaluateAll(items, ctx);
    }
    case 'map': {
      const keys = node.entries.map((entry) => compileNode(entry.key, source));
      const values = node.entries.map((entry) => compileNode(entry.value, source));
      const build = (k: readonly unknown[], v: readonly unknown[]): Record<string, unknown> => {
        const out: Record<string, unknown> = {};
        for (let i = 0; i < k.length; i++) setOwn(out, toText(k[i]), v[i]);
        return out;
      };
      return (ctx) => {
        const k = evaluateAll(keys, ctx);
        const v = evaluateAll(values, ctx);
        if (k instanceof Promise || v instanceof Promise)
          return Promise.all([k, v]).then(([a, b]) => build(a, b));
        return build(k, v);
      };
    }
    case 'interpolation': {
      const parts = node.parts.map((part) => compileNode(part, source));
      return (ctx) =>
        then(evaluateAll(parts, ctx), (values) => ctx.checkSize((values as unknown[]).map(toText).join('')));
    }
  }
}
