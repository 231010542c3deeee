/**
 * Reading a task's rendered properties. Properties arrive rendered, so a value written as an
 * expression (`errorOnMissing: "{{ inputs.strict }}"`) arrives as a string: readers coerce the
 * string forms Kestra accepts and fail with a message naming the property, the task and the fix.
 */
import { parseDuration } from '../../../../flows-schema/src/time.ts';
import { TaskFailure } from '../../../../protocol/src/task-contract.ts';

export class PropertyReader {
  readonly #type: string;
  readonly #taskId: string;
  readonly #properties: Record<string, unknown>;

  constructor(type: string, taskId: string, properties: Record<string, unknown>) {
    this.#type = type;
    this.#taskId = taskId;
    this.#properties = properties;
  }

  /** A configuration problem: retrying cannot help. */
  fail(name: string, problem: string): never {
    throw new TaskFailure(`task '${this.#taskId}' (${this.#type}): property '${name}' ${problem}`, {
      retryable: false,
    });
  }

  has(name: string): boolean {
    const v = this.#properties[name];
    return v !== undefined && v !== null;
  }

  raw(name: string): unknown {
    return this.#properties[name];
  }

  required(name: string): unknown {
    if (!this.has(name)) this.fail(name, 'is required');
    return this.#properties[name];
  }

  string(name: string): string {
    return this.#asString(name, this.required(name));
  }

  optionalString(name: string): string | undefined {
    return this.has(name) ? this.#asString(name, this.#properties[name]) : undefined;
  }

  boolean(name: string, fallback: boolean): boolean {
    if (!this.has(name)) return fallback;
    const v = this.#properties[name];
    if (typeof v === 'boolean') return v;
    if (typeof v === 'string' && /^(true|false)$/i.test(v.trim())) return v.trim().toLowerCase() === 'true';
    return this.fail(name, `must be true or false, got ${describe(v)}`);
  }

  optionalInteger(name: string, min = Number.MIN_SAFE_INTEGER): number | undefined {
    if (!this.has(name)) return undefined;
    const v = this.#properties[name];
    const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN;
    if (!Number.isInteger(n)) this.fail(name, `must be an integer, got ${describe(v)}`);
    if (n < min) this.fail(name, `must be at least ${min}, got ${n}`);
    return n;
  }

  /** Milliseconds of an ISO-8601 duration property. */
  optionalDuration(name: string): number | undefined {
    if (!this.has(name)) return undefined;
    const v = this.#properties[name];
    const ms = typeof v === 'string' ? parseDuration(v) : undefined;
    if (ms === undefined || ms < 0)
      this.fail(name, `must be an ISO-8601 duration such as PT30S or PT5M, got ${describe(v)}`);
    return ms;
  }

  duration(name: string): number {
    this.required(name);
    return this.optionalDuration(name)!;
  }

  /** One of `values` (case-insensitive), returned in the spelling of `values`. */
  oneOf<const T extends string>(name: string, values: readonly T[], fallback: T): T {
    if (!this.has(name)) return fallback;
    const v = this.#asString(name, this.#properties[name]);
    const hit = values.find((x) => x.toLowerCase() === v.trim().toLowerCase());
    if (hit === undefined) this.fail(name, `must be one of ${values.join(', ')}, got ${describe(v)}`);
    return hit;
  }

  #asString(name: string, v: unknown): string {
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    return this.fail(name, `must be a string, got ${describe(v)}`);
  }
}

export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return `'${v.length > 60 ? `${v.slice(0, 57)}...` : v}'`;
  return String(v);
}

/** The reader for a task run's properties. */
export function propertiesOf(
  type: string,
  ctx: { run: { taskId: string }; properties: Record<string, unknown> },
): PropertyReader {
  return new PropertyReader(type, ctx.run.taskId, ctx.properties);
}
