/**
 * Kestra's trigger conditions (`io.kestra.plugin.core.condition.*`, old names included), compiled
 * once at registration into predicates. What is cheap to evaluate is supported; the rest is refused
 * with a message that says what to use instead (a refused trigger is kept but never fires).
 *
 * Date conditions read `date` (default: the trigger date — a schedule's instant, or now for other
 * triggers) in the trigger's time zone; comparisons are strict, as in Kestra (`after: 08:00` does not
 * match 08:00 itself).
 */
import { checkTemplate, render, renderCondition } from '../../../flows-schema/src/expressions/index.ts';
import { labelList } from '../../../flows-schema/src/schema/primitives.ts';
import type { Condition } from '../../../flows-schema/src/triggers/conditions.ts';
import type { ExecutionDocument } from '../execution/contract.ts';
import {
  type Fields,
  fieldsIn,
  instantOf,
  parseTimeOfDay,
  readDate,
  type TimeOfDay,
  type Zone,
} from './time-zone.ts';

export interface ConditionInput {
  /** The instant the trigger is about: a schedule's date, or now. */
  at: number;
  zone: Zone;
  /** What expressions see (trigger, flow, execution, outputs...). */
  variables: Record<string, unknown>;
  /** The execution that ended (Flow triggers). */
  execution?: ExecutionDocument;
}

export type CompiledCondition = (input: ConditionInput) => boolean | Promise<boolean>;

export const CONDITION_USES = ['schedule', 'flow', 'webhook'] as const;
export type ConditionUse = (typeof CONDITION_USES)[number];

export interface ConditionScope {
  use: ConditionUse;
  /** The flow that owns the trigger (Flow and FlowNamespace conditions test it). */
  owner: { namespace: string; flowId: string };
  zone: Zone;
}

const DAYS = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'] as const;
const EXECUTION_ONLY = new Set([
  'ExecutionStatus',
  'ExecutionFlow',
  'ExecutionNamespace',
  'ExecutionLabels',
  'ExecutionOutputs',
  'HasRetryAttempt',
]);

/** `io.kestra.core.models.conditions.types.DayWeekCondition` → `DayWeek`. */
export function conditionName(type: string): string {
  const last = type.split('.').at(-1) ?? type;
  if (last === 'MultipleCondition' || last === 'MultipleConditionCondition') return 'MultipleCondition';
  const name = last.endsWith('Condition') && last !== 'Condition' ? last.slice(0, -'Condition'.length) : last;
  return name === 'Variable' ? 'Expression' : name;
}

/** Compiles a trigger's conditions; throws the first refusal, naming the condition. */
export function compileConditions(
  conditions: readonly Condition[] | undefined,
  scope: ConditionScope,
  path = 'conditions',
): CompiledCondition[] {
  return (conditions ?? []).map((c, i) => compileCondition(c, scope, `${path}[${i}]`));
}

export async function allPass(
  conditions: readonly CompiledCondition[],
  input: ConditionInput,
): Promise<boolean> {
  for (const c of conditions) if (!(await c(input))) return false;
  return true;
}

function compileCondition(c: Condition, scope: ConditionScope, path: string): CompiledCondition {
  const name = conditionName(c.type);
  const where = `${path} (${name})`;
  if (EXECUTION_ONLY.has(name) && scope.use !== 'flow') {
    throw new Error(
      `${where} tests the execution that ended, so it applies to Flow triggers only; remove it from this ${scope.use} trigger`,
    );
  }
  const p = c as Record<string, unknown>;
  switch (name) {
    case 'ExecutionStatus': {
      const inStates = new Set((p['in'] as string[] | undefined) ?? []);
      const notIn = new Set((p['notIn'] as string[] | undefined) ?? []);
      return ({ execution }) => {
        const state = execution?.state.current;
        if (state === undefined) return false;
        return (inStates.size === 0 || inStates.has(state)) && !notIn.has(state);
      };
    }
    case 'ExecutionFlow': {
      const ns = String(p['namespace']);
      const id = String(p['flowId']);
      return ({ execution }) => execution?.namespace === ns && execution.flowId === id;
    }
    case 'ExecutionNamespace': {
      const ns = String(p['namespace']);
      const comparison =
        (p['comparison'] as string | undefined) ?? (p['prefix'] === true ? 'PREFIX' : 'EQUALS');
      return ({ execution }) => {
        const value = execution?.namespace;
        if (value === undefined) return false;
        if (comparison === 'PREFIX') return value === ns || value.startsWith(ns);
        if (comparison === 'SUFFIX') return value.endsWith(ns);
        return value === ns;
      };
    }
    case 'ExecutionLabels': {
      const wanted = labelList(p['labels'] as Parameters<typeof labelList>[0]);
      return ({ execution }) =>
        execution !== undefined &&
        wanted.every((w) => execution.labels.some((l) => l.key === w.key && l.value === w.value));
    }
    case 'ExecutionOutputs': {
      const expression = checkedExpression(p['expression'], where);
      return async ({ execution, variables }) => {
        if (execution?.outputs === undefined) return false;
        return renderCondition(expression, { ...variables, outputs: execution.outputs });
      };
    }
    case 'HasRetryAttempt': {
      const inStates = new Set((p['in'] as string[] | undefined) ?? []);
      const notIn = new Set((p['notIn'] as string[] | undefined) ?? []);
      return ({ execution }) =>
        (execution?.taskRunList ?? []).some(
          (r) =>
            r.attempts.length > 1 &&
            (inStates.size === 0 || inStates.has(r.state.current)) &&
            !notIn.has(r.state.current),
        );
    }
    case 'Expression': {
      const expression = checkedExpression(p['expression'], where);
      return ({ variables }) => renderCondition(expression, variables);
    }
    case 'FlowNamespace': {
      const ns = String(p['namespace']);
      const ok =
        p['prefix'] === true
          ? scope.owner.namespace === ns || scope.owner.namespace.startsWith(`${ns}.`)
          : scope.owner.namespace === ns;
      return () => ok;
    }
    case 'Flow': {
      const ok = scope.owner.namespace === p['namespace'] && scope.owner.flowId === p['flowId'];
      return () => ok;
    }
    case 'DayWeek': {
      const day = DAYS.indexOf(p['dayOfWeek'] as (typeof DAYS)[number]) + 1;
      const date = dateReader(p['date'], where);
      return async (input) => (await date(input)).weekday === day;
    }
    case 'DayWeekInMonth': {
      const day = DAYS.indexOf(p['dayOfWeek'] as (typeof DAYS)[number]) + 1;
      const which = String(p['dayInMonth']);
      const date = dateReader(p['date'], where);
      return async (input) => {
        const f = await date(input);
        if (f.weekday !== day) return false;
        const length = new Date(Date.UTC(f.year, f.month, 0)).getUTCDate();
        if (which === 'LAST') return f.day + 7 > length;
        const nth = { FIRST: 1, SECOND: 2, THIRD: 3, FOURTH: 4 }[which] ?? 0;
        return Math.ceil(f.day / 7) === nth;
      };
    }
    case 'Weekend': {
      const date = dateReader(p['date'], where);
      return async (input) => (await date(input)).weekday >= 6;
    }
    case 'TimeBetween': {
      const after = timeBound(p['after'], `${where}.after`);
      const before = timeBound(p['before'], `${where}.before`);
      if (after === undefined && before === undefined)
        throw new Error(`${where} needs 'after', 'before' or both (times such as "08:00:00+02:00")`);
      const date = dateReader(p['date'], where);
      return async (input) => {
        const f = await date(input);
        const local = f.hour * 3600 + f.minute * 60 + f.second;
        const value = (b: TimeOfDay) => (b.offset === undefined ? local : local - f.offset * 60);
        const bound = (b: TimeOfDay) => (b.offset === undefined ? b.seconds : b.seconds - b.offset * 60);
        return (
          (after === undefined || value(after) > bound(after)) &&
          (before === undefined || value(before) < bound(before))
        );
      };
    }
    case 'DateTimeBetween': {
      const after =
        p['after'] === undefined ? undefined : instantOf(String(p['after']), scope.zone, `${where}.after`);
      const before =
        p['before'] === undefined ? undefined : instantOf(String(p['before']), scope.zone, `${where}.before`);
      if (after === undefined && before === undefined)
        throw new Error(`${where} needs 'after', 'before' or both (ISO-8601 date-times)`);
      const date = dateReader(p['date'], where);
      return async (input) => {
        const at = (await date(input)).instant;
        return (after === undefined || at > after) && (before === undefined || at < before);
      };
    }
    case 'Not': {
      const inner = compileConditions(p['conditions'] as Condition[], scope, `${path}.conditions`);
      return async (input) => {
        for (const c of inner) if (await c(input)) return false;
        return true;
      };
    }
    case 'Or': {
      const inner = compileConditions(p['conditions'] as Condition[], scope, `${path}.conditions`);
      return async (input) => {
        for (const c of inner) if (await c(input)) return true;
        return false;
      };
    }
    case 'PublicHoliday':
      throw new Error(
        `${where} is not supported: Osprey ships no public-holiday calendar; use DayWeek, DateTimeBetween or an Expression condition instead`,
      );
    case 'MultipleCondition':
      throw new Error(
        `${where} is not supported: use the Flow trigger's preconditions (flows, where, timeWindow, resetOnSuccess) instead`,
      );
    default:
      throw new Error(`${where}: condition type '${c.type}' is not supported by Osprey's triggers`);
  }
}

function checkedExpression(value: unknown, where: string): string {
  const expression = String(value ?? '');
  const problem = checkTemplate(expression)[0];
  if (problem !== undefined)
    throw new Error(`${where}: invalid expression '${expression}': ${problem.message}`);
  return expression.includes('{{') || expression.includes('{%') ? expression : `{{ ${expression} }}`;
}

function timeBound(value: unknown, where: string): TimeOfDay | undefined {
  if (value === undefined) return undefined;
  const t = parseTimeOfDay(String(value));
  if (t === undefined) throw new Error(`${where} '${String(value)}' is not a time such as "08:00:00+02:00"`);
  return t;
}

/** The date a calendar condition tests: the trigger date by default, else its rendered `date`. */
function dateReader(value: unknown, where: string): (input: ConditionInput) => Promise<Fields> {
  const text = value === undefined ? undefined : String(value).trim();
  if (text === undefined || /^\{\{\s*trigger\.date\s*\}\}$/.test(text)) {
    return async (input) => fieldsIn(input.at, input.zone);
  }
  const problem = checkTemplate(text)[0];
  if (problem !== undefined)
    throw new Error(`${where}: invalid date expression '${text}': ${problem.message}`);
  return async (input) => {
    const rendered = (await render(text, input.variables)).trim();
    if (rendered === '') throw new Error(`${where}: date '${text}' rendered to nothing`);
    return readDate(rendered, input.zone);
  };
}
