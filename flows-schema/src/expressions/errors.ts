/**
 * Errors raised while parsing or rendering expressions.
 * `ExpressionError` is the only one that leaves the module; the internal ones carry the detail
 * (offset, missing variable path) that the engine turns into one user-facing message.
 */

/** A template or expression could not be parsed or rendered; the message is ready to show to a user. */
export class ExpressionError extends Error {
  /** The failing part of the template (a `{{ ... }}` / `{% ... %}` block), or the whole expression. */
  readonly expression: string;
  /** The whole template or expression that was being rendered. */
  readonly template: string;
  /** Character offset of the failing part inside `template`. */
  readonly offset: number;

  constructor(message: string, expression: string, template: string, offset: number, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ExpressionError';
    this.expression = expression;
    this.template = template;
    this.offset = offset;
  }
}

/** A syntax problem at a known place in the source; `offset` is absolute in the template. */
export class ExpressionSyntaxError extends Error {
  readonly offset: number;
  readonly length: number;

  constructor(message: string, offset: number, length: number) {
    super(message);
    this.name = 'ExpressionSyntaxError';
    this.offset = offset;
    this.length = Math.max(1, length);
  }
}

/** Raised at render time when a variable path does not resolve; `??`, `default` and `is defined` catch it. */
export class UndefinedVariableError extends Error {
  readonly path: string;

  constructor(path: string, hint?: string) {
    super(`variable '${path}' is not defined${hint === undefined ? '' : ` (${hint})`}`);
    this.name = 'UndefinedVariableError';
    this.path = path;
  }
}

/** Any other render-time failure (bad operand, missing service, limit reached) with a user-facing message. */
export class EvaluationError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'EvaluationError';
  }
}
