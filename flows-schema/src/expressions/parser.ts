/**
 * Pratt parser for Pebble expressions (Kestra's dialect), also accepting Liquid's filter syntax
 * (`| name: arg1, arg2`) and operators (`contains`, `and`/`or`).
 *
 * Binding powers follow Pebble's CoreExtension so Kestra flows keep their meaning:
 * ternary < or (10) < and (15) < not < is/contains/in (20) < comparisons (30) < + - (40)
 * < * / % (60) < filter `|` (100) < `~` (110) < `..` `??` `???` (120) < unary minus (500)
 * < member access, indexing, calls. `not` is the one deliberate difference: it negates the whole
 * comparison (`not a == b` is `not (a == b)`), which is what Kestra users write it for.
 */
import {
  type BinaryNode,
  BinaryOperator,
  type IndexNode,
  type NamedArgument,
  type Node,
  type TestNode,
} from './ast.ts';
import { ExpressionSyntaxError } from './errors.ts';
import { type Token, TokenType, tokenize } from './lexer.ts';

const PREC_OR = 10;
const PREC_AND = 15;
const PREC_TEST = 20;
const PREC_FILTER = 100;
const PREC_UNARY = 500;

const BINARY: Readonly<Record<string, readonly [number, BinaryOperator]>> = {
  or: [PREC_OR, BinaryOperator.Or],
  '||': [PREC_OR, BinaryOperator.Or],
  and: [PREC_AND, BinaryOperator.And],
  '&&': [PREC_AND, BinaryOperator.And],
  contains: [PREC_TEST, BinaryOperator.Contains],
  in: [PREC_TEST, BinaryOperator.In],
  isIn: [PREC_TEST, BinaryOperator.IsIn],
  '==': [30, BinaryOperator.Equals],
  equals: [30, BinaryOperator.Equals],
  '!=': [30, BinaryOperator.NotEquals],
  '<': [30, BinaryOperator.Less],
  '>': [30, BinaryOperator.Greater],
  '<=': [30, BinaryOperator.LessOrEqual],
  '>=': [30, BinaryOperator.GreaterOrEqual],
  '+': [40, BinaryOperator.Add],
  '-': [40, BinaryOperator.Subtract],
  '*': [60, BinaryOperator.Multiply],
  '/': [60, BinaryOperator.Divide],
  '%': [60, BinaryOperator.Modulo],
  '~': [110, BinaryOperator.Concat],
  '..': [120, BinaryOperator.Range],
  '??': [120, BinaryOperator.NullCoalesce],
  '???': [120, BinaryOperator.UndefinedCoalesce],
};

const LITERALS: Readonly<Record<string, unknown>> = {
  true: true,
  false: false,
  null: null,
  none: null,
  nil: null,
};

/** Words that are operators and so cannot start a value. */
const RESERVED = new Set(['and', 'or', 'is', 'in', 'isIn', 'contains', 'equals']);

function describe(token: Token): string {
  if (token.type === TokenType.End) return 'the end of the expression';
  if (token.type === TokenType.String) return 'a string';
  return `'${token.value}'`;
}

export class ExpressionParser {
  readonly #tokens: Token[];
  #pos = 0;

  /** `source` starts at absolute offset `base` in the template. */
  constructor(source: string, base = 0) {
    this.#tokens = tokenize(source, base);
  }

  peek(ahead = 0): Token {
    const tokens = this.#tokens;
    return tokens[Math.min(this.#pos + ahead, tokens.length - 1)]!;
  }

  next(): Token {
    const token = this.peek();
    if (token.type !== TokenType.End) this.#pos++;
    return token;
  }

  atEnd(): boolean {
    return this.peek().type === TokenType.End;
  }

  isPunct(value: string, ahead = 0): boolean {
    const token = this.peek(ahead);
    return token.type === TokenType.Punct && token.value === value;
  }

  isName(value?: string, ahead = 0): boolean {
    const token = this.peek(ahead);
    return token.type === TokenType.Name && (value === undefined || token.value === value);
  }

  expectPunct(value: string, context: string): Token {
    const token = this.peek();
    if (token.type !== TokenType.Punct || token.value !== value) {
      throw this.error(`expected '${value}' ${context} but found ${describe(token)}`, token);
    }
    return this.next();
  }

  expectName(context: string): Token {
    const token = this.peek();
    if (token.type !== TokenType.Name) {
      throw this.error(`expected a name ${context} but found ${describe(token)}`, token);
    }
    return this.next();
  }

  expectEnd(context = 'the expression'): void {
    const token = this.peek();
    if (token.type === TokenType.End) return;
    if (
      token.type === TokenType.Punct &&
      (token.value === ')' || token.value === ']' || token.value === '}')
    ) {
      throw this.error(`unexpected '${token.value}': it has no matching opening bracket`, token);
    }
    throw this.error(`unexpected ${describe(token)} in ${context}: expected an operator or the end`, token);
  }

  error(message: string, token: Token): ExpressionSyntaxError {
    return new ExpressionSyntaxError(message, token.start, Math.max(1, token.end - token.start));
  }

  /** A full expression, ternary included. */
  parseExpression(): Node {
    const condition = this.parseBinary(0);
    if (!this.isPunct('?')) return condition;
    this.next();
    const then = this.parseExpression();
    this.expectPunct(':', "in the conditional 'a ? b : c'");
    const otherwise = this.parseExpression();
    return { kind: 'ternary', condition, then, otherwise, start: condition.start, end: otherwise.end };
  }

  /** An operand that stops before `or` and `,`: the values of `{% when a, b or c %}`. */
  parseOperand(): Node {
    return this.parseBinary(PREC_OR + 1);
  }

  /** Filters applied to `input`, as in `{% filter upper | trim %}`. */
  parseFilterChain(input: Node): Node {
    let node = this.parseFilter(input);
    while (this.isPunct('|')) {
      this.next();
      node = this.parseFilter(node);
    }
    return node;
  }

  parseBinary(minPrec: number): Node {
    let left = this.parseUnary(minPrec);
    for (;;) {
      const token = this.peek();
      if (token.type !== TokenType.Punct && token.type !== TokenType.Name) return left;
      const value = token.value;
      if (value === '|') {
        if (PREC_FILTER < minPrec) return left;
        this.next();
        left = this.parseFilter(left);
        continue;
      }
      if (value === 'is' && token.type === TokenType.Name) {
        if (PREC_TEST < minPrec) return left;
        this.next();
        left = this.parseTest(left);
        continue;
      }
      if (value === 'not' && token.type === TokenType.Name && this.isName('in', 1)) {
        if (PREC_TEST < minPrec) return left;
        this.next();
        this.next();
        const right = this.parseBinary(PREC_TEST + 1);
        left = this.binary(BinaryOperator.NotIn, left, right);
        continue;
      }
      const entry = Object.hasOwn(BINARY, value) ? BINARY[value] : undefined;
      if (entry === undefined) return left;
      if (token.type === TokenType.Name && !RESERVED.has(value)) return left;
      const [prec, operator] = entry;
      if (prec < minPrec) return left;
      this.next();
      if (this.atEnd()) throw this.error(`expected a value after '${value}'`, token);
      const right = this.parseBinary(prec + 1);
      left = this.binary(operator, left, right);
    }
  }

  private binary(operator: BinaryOperator, left: Node, right: Node): BinaryNode {
    return { kind: 'binary', operator, left, right, start: left.start, end: right.end };
  }

  private parseUnary(minPrec: number): Node {
    const token = this.peek();
    if (
      (token.type === TokenType.Name && token.value === 'not') ||
      (token.type === TokenType.Punct && token.value === '!')
    ) {
      this.next();
      // `not` binds looser than comparisons and tests but tighter than `and`/`or`.
      const operand = this.parseBinary(Math.max(minPrec, PREC_TEST));
      return { kind: 'unary', operator: 'not', operand, start: token.start, end: operand.end };
    }
    if (token.type === TokenType.Punct && (token.value === '-' || token.value === '+')) {
      this.next();
      const operand = this.parseBinary(PREC_UNARY);
      if (operand.kind === 'literal' && typeof operand.value === 'number') {
        const value = token.value === '-' ? -operand.value : operand.value;
        return {
          kind: 'literal',
          value,
          float: operand.float === true,
          start: token.start,
          end: operand.end,
        };
      }
      return { kind: 'unary', operator: token.value, operand, start: token.start, end: operand.end };
    }
    return this.parsePostfix(this.parsePrimary());
  }

  private parsePrimary(): Node {
    const token = this.peek();
    switch (token.type) {
      case TokenType.Number:
        this.next();
        return {
          kind: 'literal',
          value: token.number,
          float: token.float === true,
          start: token.start,
          end: token.end,
        };
      case TokenType.String:
        this.next();
        if (token.parts === undefined)
          return { kind: 'literal', value: token.value, start: token.start, end: token.end };
        return {
          kind: 'interpolation',
          parts: token.parts.map((part) => {
            if (typeof part === 'string')
              return { kind: 'literal', value: part, start: token.start, end: token.end };
            const inner = new ExpressionParser(part.source, part.offset);
            const node = inner.parseExpression();
            inner.expectEnd("the string interpolation '#{...}'");
            return node;
          }),
          start: token.start,
          end: token.end,
        };
      case TokenType.Name:
        return this.parseName(token);
      case TokenType.Punct:
        if (token.value === '(') {
          this.next();
          const inner = this.parseExpression();
          if (!this.isPunct(')')) {
            throw this.error(`missing ')' to close this '(': found ${describe(this.peek())} instead`, token);
          }
          this.next();
          return inner;
        }
        if (token.value === '[') return this.parseList(token);
        if (token.value === '{') return this.parseMap(token);
        break;
      case TokenType.End:
        break;
    }
    const previous = this.#pos > 0 ? this.#tokens[this.#pos - 1] : undefined;
    if (token.type === TokenType.End) {
      throw this.error(
        previous === undefined
          ? 'empty expression: write a value'
          : `expected a value after ${describe(previous)}`,
        previous ?? token,
      );
    }
    throw this.error(
      previous === undefined
        ? `unexpected ${describe(token)}: expected a value`
        : `unexpected ${describe(token)} after ${describe(previous)}: expected a value`,
      token,
    );
  }

  private parseName(token: Token): Node {
    const name = token.value;
    if (Object.hasOwn(LITERALS, name)) {
      this.next();
      return { kind: 'literal', value: LITERALS[name], start: token.start, end: token.end };
    }
    if (RESERVED.has(name)) {
      throw this.error(`unexpected '${name}': expected a value before it`, token);
    }
    this.next();
    if (this.isPunct('(')) {
      const open = this.next();
      const { args, named, end } = this.parseArguments(open);
      return { kind: 'call', name, args, named, start: token.start, end };
    }
    return { kind: 'identifier', name, start: token.start, end: token.end };
  }

  private parsePostfix(node: Node): Node {
    let current = node;
    for (;;) {
      if (this.isPunct('.')) {
        this.next();
        const key = this.peek();
        if (key.type === TokenType.Name) {
          this.next();
          if (this.isPunct('(')) {
            throw this.error(
              `method calls like '.${key.value}()' are not supported: use a filter, e.g. 'value | ${key.value}'`,
              key,
            );
          }
          current = { kind: 'member', object: current, key: key.value, start: current.start, end: key.end };
          continue;
        }
        if (key.type === TokenType.Number && !key.float) {
          this.next();
          current = { kind: 'member', object: current, key: key.number!, start: current.start, end: key.end };
          continue;
        }
        throw this.error(`expected a property name after '.' but found ${describe(key)}`, key);
      }
      if (this.isPunct('[')) {
        const open = this.next();
        if (this.isPunct(']')) throw this.error("empty index '[]': write a key or position", open);
        const index = this.parseExpression();
        if (!this.isPunct(']')) {
          throw this.error(`missing ']' to close this '[': found ${describe(this.peek())} instead`, open);
        }
        const close = this.next();
        const indexed: IndexNode = {
          kind: 'index',
          object: current,
          index,
          start: current.start,
          end: close.end,
        };
        current = indexed;
        continue;
      }
      if (this.isPunct('(')) {
        throw this.error('only named functions can be called, e.g. range(1, 3)', this.peek());
      }
      return current;
    }
  }

  private parseList(open: Token): Node {
    this.next();
    const items: Node[] = [];
    while (!this.isPunct(']')) {
      if (this.atEnd()) throw this.error("missing ']' to close the list", open);
      items.push(this.parseExpression());
      if (this.isPunct(',')) {
        this.next();
        continue;
      }
      if (!this.isPunct(']')) {
        throw this.error(`expected ',' or ']' in the list but found ${describe(this.peek())}`, this.peek());
      }
    }
    const close = this.next();
    return { kind: 'list', items, start: open.start, end: close.end };
  }

  private parseMap(open: Token): Node {
    this.next();
    const entries: Array<{ key: Node; value: Node }> = [];
    while (!this.isPunct('}')) {
      if (this.atEnd()) throw this.error("missing '}' to close the map", open);
      const keyToken = this.peek();
      let key: Node;
      if (
        keyToken.type === TokenType.Name &&
        !Object.hasOwn(LITERALS, keyToken.value) &&
        this.isPunct(':', 1)
      ) {
        // Bare words are keys, as in JSON-like maps: {name: 'x'} is {'name': 'x'}.
        this.next();
        key = { kind: 'literal', value: keyToken.value, start: keyToken.start, end: keyToken.end };
      } else {
        key = this.parseBinary(PREC_TEST);
      }
      this.expectPunct(':', 'after the map key');
      const value = this.parseExpression();
      entries.push({ key, value });
      if (this.isPunct(',')) {
        this.next();
        continue;
      }
      if (!this.isPunct('}')) {
        throw this.error(`expected ',' or '}' in the map but found ${describe(this.peek())}`, this.peek());
      }
    }
    const close = this.next();
    return { kind: 'map', entries, start: open.start, end: close.end };
  }

  /** Arguments after an opening '(' up to the matching ')': positional first, then `name=value`. */
  private parseArguments(open: Token): { args: Node[]; named: NamedArgument[]; end: number } {
    const args: Node[] = [];
    const named: NamedArgument[] = [];
    while (!this.isPunct(')')) {
      if (this.atEnd()) throw this.error("missing ')' to close the argument list", open);
      const token = this.peek();
      if (token.type === TokenType.Name && this.isPunct('=', 1)) {
        this.next();
        this.next();
        const value = this.parseExpression();
        named.push({ name: token.value, value, start: token.start, end: value.end });
      } else {
        if (named.length > 0) {
          throw this.error('positional arguments must come before named arguments (name=value)', token);
        }
        args.push(this.parseExpression());
      }
      if (this.isPunct(',')) {
        this.next();
        continue;
      }
      if (!this.isPunct(')')) {
        throw this.error(
          `expected ',' or ')' in the arguments but found ${describe(this.peek())}`,
          this.peek(),
        );
      }
    }
    const close = this.next();
    return { args, named, end: close.end };
  }

  private parseFilter(input: Node): Node {
    const nameToken = this.peek();
    if (nameToken.type !== TokenType.Name) {
      throw this.error(`expected a filter name after '|' but found ${describe(nameToken)}`, nameToken);
    }
    this.next();
    if (this.isPunct('(')) {
      const open = this.next();
      const { args, named, end } = this.parseArguments(open);
      return {
        kind: 'filter',
        input,
        name: nameToken.value,
        nameStart: nameToken.start,
        args,
        named,
        colon: false,
        start: input.start,
        end,
      };
    }
    if (this.isPunct(':')) {
      this.next();
      const args: Node[] = [];
      const named: NamedArgument[] = [];
      for (;;) {
        const token = this.peek();
        if (token.type === TokenType.Name && this.isPunct(':', 1)) {
          this.next();
          this.next();
          const value = this.parseBinary(PREC_FILTER + 1);
          named.push({ name: token.value, value, start: token.start, end: value.end });
        } else {
          args.push(this.parseBinary(PREC_FILTER + 1));
        }
        if (!this.isPunct(',')) break;
        this.next();
      }
      const end = Math.max(nameToken.end, args.at(-1)?.end ?? 0, named.at(-1)?.end ?? 0);
      return {
        kind: 'filter',
        input,
        name: nameToken.value,
        nameStart: nameToken.start,
        args,
        named,
        colon: true,
        start: input.start,
        end,
      };
    }
    return {
      kind: 'filter',
      input,
      name: nameToken.value,
      nameStart: nameToken.start,
      args: [],
      named: [],
      colon: false,
      start: input.start,
      end: nameToken.end,
    };
  }

  private parseTest(subject: Node): TestNode {
    let negated = false;
    if (this.isName('not')) {
      this.next();
      negated = true;
    }
    const token = this.peek();
    if (token.type !== TokenType.Name) {
      throw this.error(
        `expected a test name after 'is' (defined, null, empty, even, odd, ...) but found ${describe(token)}`,
        token,
      );
    }
    this.next();
    const name = token.value === 'none' || token.value === 'nil' ? 'null' : token.value;
    return { kind: 'test', subject, name, negated, start: subject.start, end: token.end };
  }
}

/** Parses a whole expression; anything left over is an error. */
export function parseExpression(source: string, base = 0): Node {
  const parser = new ExpressionParser(source, base);
  const node = parser.parseExpression();
  parser.expectEnd();
  return node;
}
