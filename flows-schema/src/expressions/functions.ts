/**
 * Global functions: Kestra's I/O functions (`kv`, `secret`, `read`, `fileSize`, `errorLogs`, ...)
 * delegate to the services the engine injects, so the renderer itself never does I/O; the rest
 * (`json`, `range`, `now`, `render`, ...) are pure.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import { type FunctionDef, optionalString, stringArg } from './callables.ts';
import { EvaluationError, ExpressionError } from './errors.ts';
import { makeRange } from './operators.ts';
import type { RenderContext } from './render-context.ts';
import type { ExpressionServices } from './types.ts';
import { isPlainObject, MISSING, toInteger, toNumber } from './values.ts';

/** `render()` nested in `render()` (or recursive rendering) stops at this depth. */
export const MAX_RENDER_DEPTH = 10;

/** The services object, once it is known to provide `name`. */
function service<K extends keyof ExpressionServices>(
  ctx: RenderContext,
  name: K,
  fn: string,
): Required<Pick<ExpressionServices, K>> {
  const services = ctx.state.services;
  if (services[name] === undefined) {
    throw new EvaluationError(
      `${fn}() is not available here: the renderer was given no '${name}' service (it is provided while a flow executes)`,
    );
  }
  return services as Required<Pick<ExpressionServices, K>>;
}

function parseJson(value: unknown, fn: string): unknown {
  if (typeof value !== 'string') return value ?? null;
  try {
    return JSON.parse(value);
  } catch (error) {
    throw new EvaluationError(`${fn}(): the text is not valid JSON (${(error as Error).message})`);
  }
}

function extreme(args: readonly unknown[], pick: (a: number, b: number) => number, fn: string): number {
  const values = args.length === 1 && Array.isArray(args[0]) ? args[0] : args;
  if (values.length === 0) throw new EvaluationError(`${fn}() needs at least one number`);
  return values.map((v) => toNumber(v, `${fn}() argument`)).reduce((a, b) => pick(a, b));
}

async function renderString(
  args: readonly unknown[],
  ctx: RenderContext,
  recursiveDefault: boolean,
): Promise<unknown> {
  const [source, recursive] = args;
  if (typeof source !== 'string') return source ?? null;
  const state = ctx.state;
  if (state.depth >= MAX_RENDER_DEPTH) {
    throw new EvaluationError(
      `render() is nested more than ${MAX_RENDER_DEPTH} levels deep: check for templates that render themselves`,
    );
  }
  state.depth++;
  try {
    let out = await state.renderNested(source, ctx);
    const again = recursive === undefined ? recursiveDefault : recursive === true;
    for (let i = 0; again && (out.includes('{{') || out.includes('{%')); i++) {
      if (i >= MAX_RENDER_DEPTH) {
        throw new EvaluationError(
          `render() still finds expressions after ${MAX_RENDER_DEPTH} passes: a value renders to itself`,
        );
      }
      const next = await state.renderNested(out, ctx);
      if (next === out) break;
      out = next;
    }
    return out;
  } catch (error) {
    // Keep the inner template's message, and let the outer error name the render() call too.
    if (error instanceof ExpressionError)
      throw new EvaluationError(`render(): ${error.message}`, { cause: error });
    throw error;
  } finally {
    state.depth--;
  }
}

/** A variable of the render context that a function reads (`parents`, `taskrun`, `tasks`). */
function variable(ctx: RenderContext, name: string): unknown {
  const value = ctx.lookup(name);
  return value === MISSING ? undefined : value;
}

function eachValue(run: unknown): unknown {
  return isPlainObject(run) ? run['value'] : undefined;
}

/**
 * `currentEachOutput(outputs.t)` inside ForEach: the outputs of `t` for the current iteration,
 * found by walking the enclosing runs' values (outermost first), then the current run's value.
 */
function currentEachOutput([outputs]: readonly unknown[], ctx: RenderContext): unknown {
  if (!isPlainObject(outputs)) {
    throw new EvaluationError(
      "currentEachOutput() needs a task's outputs map, e.g. currentEachOutput(outputs.t)",
    );
  }
  let at: unknown = outputs;
  const parents = variable(ctx, 'parents');
  const chain = Array.isArray(parents) ? [...parents].reverse() : [];
  for (const parent of chain) {
    const value = eachValue(isPlainObject(parent) ? parent['taskrun'] : undefined);
    if (value === null || value === undefined) continue;
    const next = isPlainObject(at) ? at[String(value)] : undefined;
    if (next === undefined || next === null) {
      throw new EvaluationError(`currentEachOutput(): no outputs for the iteration '${String(value)}'`);
    }
    at = next;
  }
  const value = eachValue(variable(ctx, 'taskrun'));
  if (value === null || value === undefined) {
    throw new EvaluationError(
      'currentEachOutput() is read inside a ForEach (or another task that runs per value)',
    );
  }
  return isPlainObject(at) ? (at[String(value)] ?? null) : null;
}

/**
 * `tasksWithState('failed')`: `{taskId, state}` for each task run in that state (`value` names the
 * iteration of a task run per value), read from the `tasks` variable as Kestra does.
 */
function tasksWithState([state]: readonly unknown[], ctx: RenderContext): unknown {
  const wanted = stringArg(state, 'tasksWithState state').toUpperCase();
  const tasks = variable(ctx, 'tasks');
  const out: Array<Record<string, unknown>> = [];
  if (!isPlainObject(tasks)) return out;
  const stateOf = (v: unknown) =>
    isPlainObject(v) && typeof v['state'] === 'string' ? v['state'].toUpperCase() : undefined;
  for (const [taskId, detail] of Object.entries(tasks)) {
    if (!isPlainObject(detail)) continue;
    for (const [key, value] of Object.entries(detail)) {
      if (key === 'state' && typeof value === 'string') {
        if (value.toUpperCase() === wanted) out.push({ taskId, state: wanted });
      } else if (stateOf(value) === wanted) out.push({ taskId, state: wanted, value: key });
    }
  }
  return out;
}

// The I/O functions are async so whatever a service returns arrives as a native Promise,
// the only kind of pending value the evaluator waits for.
export const FUNCTIONS: Readonly<Record<string, FunctionDef>> = {
  kv: {
    params: ['key', 'namespace', 'errorOnMissing'],
    required: 1,
    async call([key, namespace, errorOnMissing], ctx) {
      const name = stringArg(key, 'kv key');
      const ns = optionalString(namespace, 'kv namespace');
      const value = await service(ctx, 'kv', 'kv').kv(name, ns);
      if (value !== undefined) return value;
      if (errorOnMissing === false) return null;
      throw new EvaluationError(
        `kv(): no key '${name}'${ns === undefined ? '' : ` in namespace '${ns}'`}; create it or pass errorOnMissing=false`,
      );
    },
  },
  secret: {
    params: ['key', 'namespace', 'subkey'],
    required: 1,
    async call([key, namespace, subkey], ctx) {
      const name = stringArg(key, 'secret name');
      const value = await service(ctx, 'secret', 'secret').secret(
        name,
        optionalString(namespace, 'secret namespace'),
      );
      ctx.state.services.onSecret?.(value);
      if (subkey === undefined || subkey === null) return value;
      const parsed = parseJson(value, 'secret');
      const field = stringArg(subkey, 'secret subkey');
      if (!isPlainObject(parsed) || !Object.hasOwn(parsed, field)) {
        throw new EvaluationError(`secret(): secret '${name}' has no subkey '${field}'`);
      }
      const part = parsed[field];
      if (typeof part === 'string') ctx.state.services.onSecret?.(part);
      return part;
    },
  },
  read: {
    params: ['path'],
    required: 1,
    call: async ([path], ctx) => service(ctx, 'read', 'read').read(stringArg(path, 'read path')),
  },
  fileSize: {
    params: ['path'],
    required: 1,
    call: async ([path], ctx) =>
      service(ctx, 'fileSize', 'fileSize').fileSize(stringArg(path, 'fileSize path')),
  },
  fileExists: {
    params: ['path'],
    required: 1,
    call: async ([path], ctx) =>
      service(ctx, 'fileExists', 'fileExists').fileExists(stringArg(path, 'fileExists path')),
  },
  isFileEmpty: {
    params: ['path'],
    required: 1,
    call: async ([path], ctx) =>
      service(ctx, 'isFileEmpty', 'isFileEmpty').isFileEmpty(stringArg(path, 'isFileEmpty path')),
  },
  errorLogs: {
    params: [],
    async call(_args, ctx) {
      const logs = await service(ctx, 'errorLogs', 'errorLogs').errorLogs();
      return logs.map((log) => ({ ...log }));
    },
  },
  now: {
    params: ['timeZone'],
    call: (_args, ctx) => ctx.state.services.now?.() ?? new Date(),
  },
  render: { params: ['expression', 'recursive'], call: (args, ctx) => renderString(args, ctx, true) },
  renderOnce: { params: ['expression'], call: (args, ctx) => renderString(args, ctx, false) },
  json: { params: ['json'], call: ([value]) => parseJson(value, 'json') },
  fromJson: { params: ['json'], call: ([value]) => parseJson(value, 'fromJson') },
  yaml: {
    params: ['yaml'],
    call([value]) {
      if (typeof value !== 'string') return value ?? null;
      try {
        return parseYaml(value, { maxAliasCount: 100 }) ?? null;
      } catch (error) {
        throw new EvaluationError(`yaml(): the text is not valid YAML (${(error as Error).message})`);
      }
    },
  },
  range: {
    params: ['start', 'end', 'step'],
    required: 2,
    call: ([start, end, step], ctx) => makeRange(start, end, step, ctx.state.maxIterations),
  },
  max: { params: [], call: (args) => extreme(args, Math.max, 'max') },
  min: { params: [], call: (args) => extreme(args, Math.min, 'min') },
  uuid: { params: [], call: () => randomUUID() },
  currentEachOutput: { params: ['outputs'], required: 1, call: currentEachOutput },
  tasksWithState: { params: ['state'], required: 1, call: tasksWithState },
  randomInt: {
    params: ['lower', 'upper'],
    required: 2,
    call([lower, upper]) {
      const low = toInteger(lower, 'randomInt lower');
      const high = toInteger(upper, 'randomInt upper');
      if (high <= low)
        throw new EvaluationError(`randomInt(): upper (${high}) must be greater than lower (${low})`);
      return randomInt(low, high);
    },
  },
};

/** Functions that take any number of positional arguments. */
export const VARIADIC_FUNCTIONS = new Set(['max', 'min']);
