/**
 * Checks at the edge: path and query parameters parsed with Zod before any service is called, so
 * a bad request changes nothing and its 400 names the parameter and the rule.
 */
import { z } from 'zod';
import { Id, LogLevel, Namespace, StateName } from '../../../../flows-schema/src/schema/primitives.ts';
import { ApiError } from '../errors.ts';

/** Throws a 400 naming `field` with the schema's own message when `value` does not parse. */
export function check<S extends z.ZodType>(schema: S, value: unknown, field: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue !== undefined && issue.path.length > 0 ? `${field}.${issue.path.join('.')}` : field;
  throw new ApiError('invalid_request', `${where}: ${issue?.message ?? 'invalid value'}`, { field });
}

const shown = (v: unknown) => JSON.stringify(String(v).slice(0, 100));

export const NamespaceParam = z.string().superRefine((v, ctx) => {
  const r = Namespace.safeParse(v);
  if (!r.success)
    ctx.addIssue({
      code: 'custom',
      message: `${shown(v)} is not a namespace: ${r.error.issues[0]?.message}`,
    });
});

function idParam(what: string) {
  return z.string().superRefine((v, ctx) => {
    const r = Id.safeParse(v);
    if (!r.success)
      ctx.addIssue({
        code: 'custom',
        message: `${shown(v)} is not a ${what}: ${r.error.issues[0]?.message}`,
      });
  });
}

export const FlowIdParam = idParam('flow id');
export const TaskIdParam = idParam('task id');

export const ExecutionIdParam = z
  .string()
  .regex(
    /^[A-Za-z0-9_-]{1,64}$/,
    'an execution id is 1 to 64 letters, digits, "_" or "-" (as returned when it started)',
  );

export const TaskRunIdParam = z
  .string()
  .regex(
    /^[A-Za-z0-9_-]{1,64}$/,
    'a task run id is 1 to 64 letters, digits, "_" or "-" (see taskRunList[].id)',
  );

/** `true`/`false` (absent: false). */
export const BooleanQuery = z
  .enum(['true', 'false'], { error: 'use true or false' })
  .optional()
  .transform((v) => v === 'true');

export const LogLevelQuery = z
  .string()
  .transform((v) => v.toUpperCase())
  .pipe(z.enum(LogLevel.options, { error: `a log level is one of ${LogLevel.options.join(', ')}` }))
  .optional();

export const StateQuery = z.array(
  z
    .string()
    .transform((v) => v.toUpperCase())
    .pipe(z.enum(StateName.options, { error: `a state is one of ${StateName.options.join(', ')}` })),
);

/** A positive whole number within `max`. */
export function pageNumber(what: string, fallback: number, max: number) {
  return z
    .string()
    .regex(/^\d+$/, `${what} is a whole number such as ${fallback}`)
    .transform(Number)
    .refine((n) => n >= 1 && n <= max, `${what} is between 1 and ${max}`)
    .optional()
    .transform((n) => n ?? fallback);
}

/** Kestra's `labels=key:value` query parameters. */
export const LabelsQuery = z.array(
  z.string().transform((v, ctx) => {
    const at = v.indexOf(':');
    if (at <= 0) {
      ctx.addIssue({ code: 'custom', message: `${shown(v)} is not key:value (e.g. labels=team:data)` });
      return z.NEVER;
    }
    return { key: v.slice(0, at), value: v.slice(at + 1) };
  }),
);

/** Free text to look for (`q`), at most 200 characters. */
export const SearchText = z.string().trim().max(200, 'q is at most 200 characters');

/** An ISO 8601 date-time (`2026-01-31T12:00:00Z`, or a date: its midnight UTC). */
export const DateTimeQuery = z
  .string()
  .refine(
    (v) =>
      /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(v) &&
      !Number.isNaN(Date.parse(v)),
    {
      error: 'use an ISO 8601 date-time such as 2026-01-31T12:00:00Z',
    },
  )
  .transform((v) => new Date(v));

/** A commit SHA or its first 4 to 40 hexadecimal characters. */
export const ShaQuery = z
  .string()
  .regex(/^[0-9a-fA-F]{4,40}$/, 'a commit is 4 to 40 hexadecimal characters of its SHA, e.g. 1a2b3c4');

/** A git branch name, as in the event that started the execution. */
export const BranchQuery = z
  .string()
  .trim()
  .min(1, 'name a branch')
  .max(255, 'a branch name is at most 255 characters');

/** Opaque position of a page (`next` of the previous answer). */
export const PageAfterQuery = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,512}$/, 'after is the `next` value of the previous page, as the server gave it');
