/**
 * The per-render state: the caller's variables, the scopes that `set`/`for` add on top of them,
 * the injected services and the limits. It extends Liquid's Context so Liquid's renderer and
 * filters accept it, but variable lookup is ours (own properties only, innermost scope first).
 */
import { Context } from 'liquidjs';
import { EvaluationError } from './errors.ts';
import { liquid } from './liquid-instance.ts';
import type { ExpressionServices } from './types.ts';
import { MISSING, setOwn } from './values.ts';

export interface RenderLimits {
  readonly maxOutputBytes: number;
  readonly maxIterations: number;
}

/** Shared by a render and the nested renders of `render()`, so limits hold across them. */
export interface RenderState extends RenderLimits {
  readonly services: ExpressionServices;
  iterations: number;
  depth: number;
  /** Renders a template string against the given context (for the `render()` function). */
  readonly renderNested: (source: string, ctx: RenderContext) => Promise<string>;
}

export class RenderContext extends Context {
  readonly state: RenderState;
  readonly #data: Record<string, unknown>;
  /** scopes[0] holds `set`/`assign`/`capture` variables; loops push more. */
  readonly #scopes: Array<Record<string, unknown>>;

  constructor(data: Record<string, unknown>, state: RenderState) {
    super(data, liquid.options, undefined, { liquid });
    this.state = state;
    this.#data = data;
    this.#scopes = [Object.create(null) as Record<string, unknown>];
  }

  /** The variable's value, or MISSING. */
  lookup(name: string): unknown {
    const scopes = this.#scopes;
    for (let i = scopes.length - 1; i >= 0; i--) {
      const scope = scopes[i]!;
      if (Object.hasOwn(scope, name)) return scope[name];
    }
    const data = this.#data;
    if (Object.hasOwn(data, name)) {
      const value = data[name];
      return typeof value === 'function' ? MISSING : value;
    }
    return MISSING;
  }

  /** `set`, `assign` and `capture` write here: visible for the rest of the render. */
  setVariable(name: string, value: unknown): void {
    setOwn(this.#scopes[0]!, name, value);
  }

  pushScope(scope: Record<string, unknown>): void {
    this.#scopes.push(scope);
  }

  popScope(): void {
    if (this.#scopes.length > 1) this.#scopes.pop();
  }

  /** Counts one loop iteration against maxIterations. */
  countIteration(): void {
    const state = this.state;
    if (++state.iterations > state.maxIterations) {
      throw new EvaluationError(
        `more than ${state.maxIterations} loop iterations: shorten the loop or raise maxIterations`,
      );
    }
  }

  /** Fails when a string built by an expression is already larger than the whole output may be. */
  checkSize<T>(value: T): T {
    if (typeof value === 'string' && value.length > this.state.maxOutputBytes) {
      throw new EvaluationError(
        `a value of ${value.length} characters exceeds the output limit of ${this.state.maxOutputBytes} bytes`,
      );
    }
    return value;
  }
}
