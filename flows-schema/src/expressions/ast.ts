/**
 * Syntax tree of a parsed expression. Every node keeps its absolute source span so compile-time
 * problems (unknown filter, bad argument) point at the right characters.
 */

export const BinaryOperator = {
  Or: 'or',
  And: 'and',
  Equals: '==',
  NotEquals: '!=',
  Less: '<',
  Greater: '>',
  LessOrEqual: '<=',
  GreaterOrEqual: '>=',
  Contains: 'contains',
  In: 'in',
  NotIn: 'not in',
  IsIn: 'isIn',
  Add: '+',
  Subtract: '-',
  Multiply: '*',
  Divide: '/',
  Modulo: '%',
  Concat: '~',
  Range: '..',
  NullCoalesce: '??',
  UndefinedCoalesce: '???',
} as const;
export type BinaryOperator = (typeof BinaryOperator)[keyof typeof BinaryOperator];

export interface Span {
  readonly start: number;
  readonly end: number;
}

export interface NamedArgument extends Span {
  readonly name: string;
  readonly value: Node;
}

export interface LiteralNode extends Span {
  readonly kind: 'literal';
  readonly value: unknown;
  /** A number written with a fraction (`4.0`): division stays fractional, like Pebble's doubles. */
  readonly float?: boolean;
}

export interface IdentifierNode extends Span {
  readonly kind: 'identifier';
  readonly name: string;
}

export interface MemberNode extends Span {
  readonly kind: 'member';
  readonly object: Node;
  readonly key: string | number;
}

export interface IndexNode extends Span {
  readonly kind: 'index';
  readonly object: Node;
  readonly index: Node;
}

export interface CallNode extends Span {
  readonly kind: 'call';
  readonly name: string;
  readonly args: readonly Node[];
  readonly named: readonly NamedArgument[];
}

export interface FilterNode extends Span {
  readonly kind: 'filter';
  readonly input: Node;
  readonly name: string;
  readonly nameStart: number;
  readonly args: readonly Node[];
  readonly named: readonly NamedArgument[];
  /** Written in Liquid's `| name: a, b` form: filters whose Pebble and Liquid meanings differ use Liquid's. */
  readonly colon: boolean;
}

export interface UnaryNode extends Span {
  readonly kind: 'unary';
  readonly operator: 'not' | '-' | '+';
  readonly operand: Node;
}

export interface BinaryNode extends Span {
  readonly kind: 'binary';
  readonly operator: BinaryOperator;
  readonly left: Node;
  readonly right: Node;
}

export interface TestNode extends Span {
  readonly kind: 'test';
  readonly subject: Node;
  readonly name: string;
  readonly negated: boolean;
}

export interface TernaryNode extends Span {
  readonly kind: 'ternary';
  readonly condition: Node;
  readonly then: Node;
  readonly otherwise: Node;
}

export interface ListNode extends Span {
  readonly kind: 'list';
  readonly items: readonly Node[];
}

export interface MapNode extends Span {
  readonly kind: 'map';
  readonly entries: ReadonlyArray<{ readonly key: Node; readonly value: Node }>;
}

/** A double-quoted string with `#{...}` interpolation. */
export interface InterpolationNode extends Span {
  readonly kind: 'interpolation';
  readonly parts: readonly Node[];
}

export type Node =
  | LiteralNode
  | IdentifierNode
  | MemberNode
  | IndexNode
  | CallNode
  | FilterNode
  | UnaryNode
  | BinaryNode
  | TestNode
  | TernaryNode
  | ListNode
  | MapNode
  | InterpolationNode;
