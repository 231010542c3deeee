/**
 * Building blocks shared by flow, task, trigger and input schemas: identifiers, ISO-8601 durations,
 * crons, dynamic values (a literal or a `{{ }}` expression) and labels.
 */
import { Cron } from 'croner';
import { z } from 'zod';
import { parseDuration } from '../time.ts';

const EXPRESSION = /\{\{|\{%/;

/** True when a string holds a Pebble/Liquid expression or tag. */
export function hasExpression(value: string): boolean {
  return EXPRESSION.test(value);
}

/** A string that is an expression, accepted wherever a typed property may be dynamic. */
export const Expression = z
  .string()
  .refine(hasExpression, { message: 'expected a value or an expression such as "{{ inputs.x }}"' })
  .meta({ description: 'A Pebble/Liquid expression rendered at run time, e.g. "{{ inputs.count }}"' });

/** `schema` or an expression string that renders to it at run time (Kestra's `Property<T>`). */
export function dynamic<T extends z.ZodType>(schema: T) {
  return z.union([schema, Expression]);
}

const idOf = (pattern: RegExp, message: string) =>
  z
    .string()
    .min(1, 'an id cannot be empty')
    .max(100, 'an id is at most 100 characters')
    .regex(pattern, { message });

/** Kestra ids: letters, digits, `_` and `-`; no dots (dots address nested outputs). */
export const Id = idOf(
  /^[a-zA-Z0-9][a-zA-Z0-9_-]*$/,
  'an id may contain only letters, digits, "_" and "-" and must start with a letter or digit',
);

/** Input ids may also contain '.', as in Kestra: `users.firstName` is read as `inputs.users.firstName`. */
export const InputId = idOf(
  /^[a-zA-Z0-9][a-zA-Z0-9_-]*(?:\.[a-zA-Z0-9_-]+)*$/,
  'an input id may contain only letters, digits, "_", "-" and "." between names, and must start with a letter or digit',
);

export const Namespace = z
  .string()
  .min(1)
  .max(150)
  .regex(/^[a-z0-9][a-z0-9._-]*$/, {
    message: 'a namespace is lower-case letters, digits, "_", "-" and "." (e.g. company.team)',
  });

export const Duration = z
  .string()
  .refine((v) => parseDuration(v) !== undefined, {
    message: 'expected an ISO-8601 duration such as PT30S, PT5M, PT1H or P1D',
    params: { code: 'invalid-duration' },
  })
  .meta({ description: 'ISO-8601 duration, e.g. PT30S, PT5M, P1D' });

export const DynamicDuration = dynamic(Duration);

const CRON_MACROS = new Set([
  '@yearly',
  '@annually',
  '@monthly',
  '@weekly',
  '@daily',
  '@midnight',
  '@hourly',
]);

/**
 * The one cron compile, for validation and for the scheduler alike (so what validates is what
 * runs): 5 fields, 6 with `withSeconds`, or a macro (`@daily`), in `timeZone` (default UTC).
 * Throws a message that names the problem.
 */
export function compileCron(expr: string, withSeconds = false, timeZone?: string): Cron {
  const trimmed = expr.trim();
  const macro = CRON_MACROS.has(trimmed.toLowerCase());
  if (!macro) {
    const fields = trimmed.split(/\s+/).length;
    const expected = withSeconds ? 6 : 5;
    if (fields !== expected) {
      throw new Error(
        withSeconds
          ? `expected 6 fields (seconds minutes hours day-of-month month day-of-week) with withSeconds: true, found ${fields}`
          : `expected 5 fields (minutes hours day-of-month month day-of-week), found ${fields}; set withSeconds: true for a seconds field`,
      );
    }
  }
  return new Cron(macro ? trimmed.toLowerCase() : trimmed, {
    paused: true,
    ...(timeZone === undefined ? {} : { timezone: timeZone }),
    mode: macro ? 'auto' : withSeconds ? '6-part' : '5-part',
  });
}

/** Why a cron expression is invalid, or undefined when it is valid. */
export function cronProblem(expr: string, withSeconds = false): string | undefined {
  try {
    compileCron(expr, withSeconds);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

export const Labels = z
  .union([
    z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
    z.array(
      z.strictObject({ key: z.string().min(1), value: z.union([z.string(), z.number(), z.boolean()]) }),
    ),
  ])
  .meta({ description: 'Labels as a map (key: value) or a list of {key, value}' });

/** Labels in their normalised list form. */
export function labelList(labels: z.infer<typeof Labels> | undefined): Array<{ key: string; value: string }> {
  if (labels === undefined) return [];
  if (Array.isArray(labels)) return labels.map((l) => ({ key: l.key, value: String(l.value) }));
  return Object.entries(labels).map(([key, value]) => ({ key, value: String(value) }));
}

export const LogLevel = z.enum(['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR']);
export type LogLevel = z.infer<typeof LogLevel>;

export const StateName = z.enum([
  'CREATED',
  'QUEUED',
  'RUNNING',
  'PAUSED',
  'RESTARTED',
  'KILLING',
  'KILLED',
  'SUCCESS',
  'WARNING',
  'FAILED',
  'RETRYING',
  'RETRIED',
  'CANCELLED',
  'SKIPPED',
]);
export type StateName = z.infer<typeof StateName>;

/** Any JSON-like value (task properties that take free-form data). */
export const Json = z.unknown().meta({ description: 'Any value' });

/** String or list of strings (Kestra accepts both for messages and commands). */
export const StringOrList = z.union([z.string(), z.array(z.string())]);
