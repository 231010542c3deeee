/**
 * A Flow trigger's `preconditions`: each listed upstream flow (`flows`) and each `where` filter
 * group is a condition; the trigger fires when every condition has been met by some execution
 * inside the current time window. Compiled once; `advancePreconditions` is pure (state in, state
 * out) so it runs under the trigger's row lock.
 *
 * Windows (in the scheduler's time zone):
 * - DURATION_WINDOW (default, `window` P1D): fixed windows starting at local midnight shifted by
 *   `windowAdvance`, repeating every `window`; progress is dropped when a window ends.
 * - SLIDING_WINDOW: each condition counts if it was met within the last `window`.
 * - DAILY_TIME_DEADLINE: conditions met between midnight and `deadline` count; later ones are ignored.
 * - DAILY_TIME_WINDOW: only executions ending between `startTime` and `endTime` count.
 */

import { localToInstant } from '../../../flows-schema/src/expressions/date-zone.ts';
import { checkTemplate, render } from '../../../flows-schema/src/expressions/index.ts';
import { labelList } from '../../../flows-schema/src/schema/primitives.ts';
import { parseDuration } from '../../../flows-schema/src/time.ts';
import type { Preconditions } from '../../../flows-schema/src/triggers/triggers.ts';
import { isTruthy } from '../engine/truthy.ts';
import type { ExecutionDocument } from '../execution/contract.ts';
import { atLocalTime, fieldsIn, parseTimeOfDay, startOfLocalDay, type Zone } from './time-zone.ts';

type PreconditionsDefinition = import('zod').infer<typeof Preconditions>;
type WhereGroup = NonNullable<PreconditionsDefinition['where']>[number];
type Filter = WhereGroup['filters'][number];

const DAY = 86_400_000;
/** REGEX filters: longest pattern accepted and longest value tested (longer values do not match). */
export const MAX_REGEX_PATTERN = 256;
export const MAX_REGEX_SUBJECT = 4096;
/** Outputs kept in a window to merge into `trigger.outputs` (bytes of JSON); larger ones are not kept. */
const MAX_WINDOW_OUTPUTS = 64 * 1024;

export type CompiledWindow =
  | { type: 'DURATION_WINDOW'; window: number; advance: number }
  | { type: 'SLIDING_WINDOW'; window: number }
  | { type: 'DAILY_TIME_DEADLINE'; deadline: number }
  | { type: 'DAILY_TIME_WINDOW'; start: number; end: number };

type Matcher = (ex: ExecutionDocument, variables: Record<string, unknown>) => boolean | Promise<boolean>;

export interface CompiledPreconditions {
  id: string;
  conditions: ReadonlyArray<{ id: string; matches: Matcher }>;
  window: CompiledWindow;
  resetOnSuccess: boolean;
}

export interface PreconditionState {
  /** The current window (absent for SLIDING_WINDOW). */
  window?: { start: number; end: number };
  /** Condition id → when it was met and by which execution. */
  results: Record<string, { at: number; executionId: string }>;
  /** Outputs of the executions that met conditions, merged (trigger.outputs). */
  outputs?: Record<string, unknown>;
}

export function compilePreconditions(
  p: PreconditionsDefinition,
  path = 'preconditions',
): CompiledPreconditions {
  const conditions: Array<{ id: string; matches: Matcher }> = [];
  (p.flows ?? []).forEach((f, i) => {
    const states = f.states === undefined ? undefined : new Set<string>(f.states);
    const labels = labelList(f.labels);
    conditions.push({
      id: `flows[${i}]`,
      matches: (ex) =>
        ex.namespace === f.namespace &&
        ex.flowId === f.flowId &&
        (states === undefined || states.has(ex.state.current)) &&
        labels.every((w) => ex.labels.some((l) => l.key === w.key && l.value === w.value)),
    });
  });
  for (const group of p.where ?? []) {
    conditions.push({ id: `where.${group.id}`, matches: compileWhere(group, `${path}.where.${group.id}`) });
  }
  return {
    id: p.id,
    conditions,
    window: compileWindow(p.timeWindow, `${path}.timeWindow`),
    resetOnSuccess: p.resetOnSuccess ?? true,
  };
}

function compileWindow(w: PreconditionsDefinition['timeWindow'], path: string): CompiledWindow {
  const duration = (text: string | undefined, field: string, fallback: number) => {
    if (text === undefined) return fallback;
    const ms = parseDuration(text);
    if (ms === undefined)
      throw new Error(`${path}.${field} '${text}' is not an ISO-8601 duration such as PT1H`);
    return ms;
  };
  const time = (text: string | undefined, field: string) => {
    const t = text === undefined ? undefined : parseTimeOfDay(text);
    if (t === undefined || t.offset !== undefined)
      throw new Error(`${path}.${field} must be a local time of day such as "09:00:00"`);
    return t.seconds;
  };
  switch (w?.type ?? 'DURATION_WINDOW') {
    case 'SLIDING_WINDOW': {
      const window = duration(w?.window, 'window', DAY);
      if (window <= 0) throw new Error(`${path}.window must be a positive duration such as PT1H`);
      return { type: 'SLIDING_WINDOW', window };
    }
    case 'DAILY_TIME_DEADLINE':
      return { type: 'DAILY_TIME_DEADLINE', deadline: time(w?.deadline, 'deadline') };
    case 'DAILY_TIME_WINDOW': {
      const start = time(w?.startTime, 'startTime');
      const end = time(w?.endTime, 'endTime');
      if (end <= start) throw new Error(`${path}: endTime must be after startTime on the same day`);
      return { type: 'DAILY_TIME_WINDOW', start, end };
    }
    default: {
      const window = duration(w?.window, 'window', DAY);
      if (window <= 0) throw new Error(`${path}.window must be a positive duration such as P1D`);
      return { type: 'DURATION_WINDOW', window, advance: duration(w?.windowAdvance, 'windowAdvance', 0) };
    }
  }
}

const NEEDS_VALUE = new Set(['EQUAL_TO', 'NOT_EQUAL_TO', 'STARTS_WITH', 'ENDS_WITH', 'REGEX', 'CONTAINS']);
const EXPRESSION_TYPES = new Set(['IS_TRUE', 'IS_FALSE', 'IS_NULL', 'IS_NOT_NULL']);

function compileWhere(group: WhereGroup, path: string): Matcher {
  const filters = group.filters.map((f, i) => compileFilter(f, `${path}.filters[${i}]`));
  if (filters.length === 0) throw new Error(`${path} has no filters; add at least one`);
  const any = group.operand === 'OR';
  return async (ex, variables) => {
    for (const f of filters) {
      const ok = await f(ex, variables);
      if (any && ok) return true;
      if (!any && !ok) return false;
    }
    return !any;
  };
}

function compileFilter(f: Filter, path: string): Matcher {
  const value = f.value === undefined || f.value === null ? undefined : String(f.value);
  const values = (f.values ?? []).map(String);
  if (NEEDS_VALUE.has(f.type) && value === undefined)
    throw new Error(`${path}: type ${f.type} needs a 'value'`);
  if ((f.type === 'IN' || f.type === 'NOT_IN') && f.values === undefined)
    throw new Error(`${path}: type ${f.type} needs a list of 'values'`);
  if (f.field === 'EXPRESSION') {
    if (!EXPRESSION_TYPES.has(f.type))
      throw new Error(
        `${path}: an EXPRESSION filter is tested with IS_TRUE, IS_FALSE, IS_NULL or IS_NOT_NULL`,
      );
    const problem = value === undefined ? 'missing' : checkTemplate(value)[0]?.message;
    if (problem !== undefined) throw new Error(`${path}: invalid expression '${value ?? ''}': ${problem}`);
  }
  if (f.field === 'LABEL' && value === undefined)
    throw new Error(`${path}: a LABEL filter needs 'value' (key or key:value)`);
  const read = fieldReader(f.field, value ?? '');
  const test = compileTest(f.type, value ?? '', values, path);
  return async (ex, variables) => test(await read(ex, variables));
}

function fieldReader(
  field: Filter['field'],
  value: string,
): (
  ex: ExecutionDocument,
  variables: Record<string, unknown>,
) => string | undefined | Promise<string | undefined> {
  switch (field) {
    case 'NAMESPACE':
      return (ex) => ex.namespace;
    case 'FLOW_ID':
      return (ex) => ex.flowId;
    case 'STATE':
      return (ex) => ex.state.current;
    case 'EXPRESSION':
      return async (_ex, variables) => {
        const out = await render(value, variables);
        return out === '' ? undefined : out;
      };
    case 'LABEL': {
      // Kestra's syntax: `key` tests the label's presence, `key:value` its value.
      const key = value.includes(':') ? value.slice(0, value.indexOf(':')) : value;
      return (ex) => {
        const label = ex.labels.find((l) => l.key === key);
        return label === undefined ? undefined : `${label.key}:${label.value}`;
      };
    }
  }
}

function compileTest(type: Filter['type'], value: string, values: string[], path: string) {
  switch (type) {
    case 'EQUAL_TO':
      return (v: string | undefined) => v === value;
    case 'NOT_EQUAL_TO':
      return (v: string | undefined) => v !== value;
    case 'IN':
      return (v: string | undefined) => v !== undefined && values.includes(v);
    case 'NOT_IN':
      return (v: string | undefined) => v === undefined || !values.includes(v);
    case 'IS_TRUE':
      return (v: string | undefined) => isTruthy(v);
    case 'IS_FALSE':
      return (v: string | undefined) => !isTruthy(v);
    case 'IS_NULL':
      return (v: string | undefined) => v === undefined;
    case 'IS_NOT_NULL':
      return (v: string | undefined) => v !== undefined;
    case 'STARTS_WITH':
      return (v: string | undefined) => v?.startsWith(value) === true;
    case 'ENDS_WITH':
      return (v: string | undefined) => v?.endsWith(value) === true;
    case 'CONTAINS':
      return (v: string | undefined) => v?.includes(value) === true;
    case 'REGEX': {
      const re = boundedRegex(value, path);
      return (v: string | undefined) => v !== undefined && v.length <= MAX_REGEX_SUBJECT && re.test(v);
    }
  }
}

/** A whole-value regex (Java's `matches`), refused when long or shaped for catastrophic backtracking. */
function boundedRegex(pattern: string, path: string): RegExp {
  if (pattern.length > MAX_REGEX_PATTERN)
    throw new Error(`${path}: REGEX pattern is longer than ${MAX_REGEX_PATTERN} characters; shorten it`);
  if (/\((?:[^()\\]|\\.)*[+*}](?:[^()\\]|\\.)*\)[+*{]/.test(pattern) || /\\\d/.test(pattern)) {
    throw new Error(
      `${path}: REGEX '${pattern}' nests repetitions (like (a+)+) or uses back-references, which can take exponential time; simplify it`,
    );
  }
  try {
    return new RegExp(`^(?:${pattern})$`, 'u');
  } catch (e) {
    throw new Error(`${path}: invalid REGEX '${pattern}': ${(e as Error).message}`);
  }
}

/** Which conditions this execution meets (evaluated outside the lock: expressions are async). */
export async function matchedConditions(
  p: CompiledPreconditions,
  ex: ExecutionDocument,
  variables: Record<string, unknown>,
): Promise<string[]> {
  const out: string[] = [];
  for (const c of p.conditions) if (await c.matches(ex, variables)) out.push(c.id);
  return out;
}

export interface PreconditionStep {
  state: PreconditionState;
  /** True when every condition is met: start the flow. */
  fire: boolean;
  /** Outputs of the executions that met conditions in the window, the current one last. */
  outputs: Record<string, unknown>;
}

/** Records what `ex` met at `now` and says whether the preconditions are complete. Pure. */
export function advancePreconditions(
  p: CompiledPreconditions,
  previous: PreconditionState | undefined,
  matched: readonly string[],
  ex: ExecutionDocument,
  now: number,
  zone: Zone,
): PreconditionStep {
  let state: PreconditionState = previous ?? { results: {} };
  if (p.window.type === 'SLIDING_WINDOW') {
    const horizon = now - p.window.window;
    const results = Object.fromEntries(Object.entries(state.results).filter(([, r]) => r.at >= horizon));
    state = { ...state, results };
  } else {
    const current = currentWindow(p.window, now, zone);
    if (current === undefined) {
      // Outside a daily window nothing counts; the progress of a past day is dropped.
      const stale = state.window !== undefined && now >= state.window.end;
      return { state: stale ? { results: {} } : state, fire: false, outputs: ex.outputs ?? {} };
    }
    const same = state.window?.start === current.start && state.window.end === current.end;
    if (!same) state = { results: {}, window: current };
  }
  if (matched.length === 0) {
    return { state, fire: false, outputs: ex.outputs ?? {} };
  }
  const results = { ...state.results };
  for (const id of matched) results[id] = { at: now, executionId: ex.id };
  const merged = mergeOutputs(state.outputs, ex.outputs);
  const kept =
    merged !== undefined && JSON.stringify(merged).length <= MAX_WINDOW_OUTPUTS ? merged : state.outputs;
  state = { ...state, results, ...(kept !== undefined ? { outputs: kept } : {}) };
  const fire = p.conditions.every((c) => results[c.id] !== undefined);
  const outputs = mergeOutputs(state.outputs, ex.outputs) ?? {};
  if (fire && p.resetOnSuccess) {
    const { window } = state;
    state = { results: {}, ...(window !== undefined ? { window } : {}) };
  }
  return { state, fire, outputs };
}

/** The window containing `now`; undefined outside a daily window. */
function currentWindow(
  w: Exclude<CompiledWindow, { type: 'SLIDING_WINDOW' }>,
  now: number,
  zone: Zone,
): { start: number; end: number } | undefined {
  switch (w.type) {
    case 'DAILY_TIME_DEADLINE': {
      const start = startOfLocalDay(now, zone);
      const end = atLocalTime(now, zone, w.deadline);
      return now < end ? { start, end } : undefined;
    }
    case 'DAILY_TIME_WINDOW': {
      const start = atLocalTime(now, zone, w.start);
      const end = atLocalTime(now, zone, w.end);
      return now >= start && now < end ? { start, end } : undefined;
    }
    case 'DURATION_WINDOW': {
      if (w.window % DAY === 0) {
        // Whole days follow the calendar, so a window stays midnight to midnight across DST changes.
        const day = startOfLocalDay(now - w.advance, zone);
        const f = fieldsIn(day, zone);
        const days = w.window / DAY;
        const epochDay = Math.floor(Date.UTC(f.year, f.month - 1, f.day) / DAY);
        const first = epochDay - (((epochDay % days) + days) % days);
        const startDay = new Date(first * DAY);
        const start =
          localToInstant(zone, startDay.getUTCFullYear(), startDay.getUTCMonth() + 1, startDay.getUTCDate()) +
          w.advance;
        const end =
          localToInstant(
            zone,
            startDay.getUTCFullYear(),
            startDay.getUTCMonth() + 1,
            startDay.getUTCDate() + days,
          ) + w.advance;
        return { start, end };
      }
      const base = startOfLocalDay(now - w.advance, zone) + w.advance;
      const start = base + Math.floor((now - base) / w.window) * w.window;
      return { start, end: start + w.window };
    }
  }
}

function mergeOutputs(
  a: Record<string, unknown> | undefined,
  b: Record<string, unknown> | undefined,
): Record<string, unknown> | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    out[k] = isRecord(prev) && isRecord(v) ? mergeOutputs(prev, v) : v;
  }
  return out;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
