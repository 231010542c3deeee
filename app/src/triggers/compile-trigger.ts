/**
 * A declared trigger compiled once into what the scheduler evaluates: cron timelines, time zones,
 * conditions, preconditions and windows. Compiling is also how registration refuses what Osprey
 * cannot evaluate: `compileTrigger` throws a message naming the trigger and the property.
 */

import { createHash } from 'node:crypto';
import type { z } from 'zod';
import { hasExpression, labelList } from '../../../flows-schema/src/schema/primitives.ts';
import { parseDuration } from '../../../flows-schema/src/time.ts';
import type { Condition } from '../../../flows-schema/src/triggers/conditions.ts';
import {
  type FlowTrigger,
  GIT_TRIGGER_TYPE,
  HTTP_TRIGGER_TYPES,
  type HttpTrigger,
  type JdbcTrigger,
  POLLING_TRIGGER_TYPES,
  type ScheduleTrigger,
  type Trigger,
  type WebhookTrigger,
} from '../../../flows-schema/src/triggers/triggers.ts';
import { TERMINAL } from '../engine/states.ts';
import type { Label } from '../execution/contract.ts';
import { type CompiledCondition, type ConditionUse, compileConditions } from './conditions.ts';
import { type CompiledPreconditions, compilePreconditions } from './preconditions.ts';
import { instantOf, type Zone, zoneNamed } from './time-zone.ts';
import { cronTimeline, datesTimeline, type Timeline } from './timeline.ts';
import type { TriggerKind } from './types.ts';

export const RECOVER_MISSED = ['ALL', 'LAST', 'NONE'] as const;
export type RecoverMissed = (typeof RECOVER_MISSED)[number];

export interface CompiledSchedule {
  kind: 'schedule' | 'schedule-on-dates';
  timeline: Timeline;
  zone: Zone;
  conditions: CompiledCondition[];
  recover: RecoverMissed;
  lateMaximumDelay?: number;
  backfill?: { start: number; end?: number; labels: Label[]; inputs: Record<string, unknown> };
  inputs: Record<string, unknown>;
  labels: Label[];
  stopAfter: ReadonlySet<string>;
}

export interface CompiledFlowTrigger {
  kind: 'flow';
  states: ReadonlySet<string>;
  conditions: CompiledCondition[];
  preconditions?: CompiledPreconditions;
  inputs: Record<string, unknown>;
  labels: Label[];
  stopAfter: ReadonlySet<string>;
}

export interface CompiledWebhook {
  kind: 'webhook';
  key: string;
  conditions: CompiledCondition[];
  inputs: Record<string, unknown>;
  wait: boolean;
  returnOutputs: boolean;
  stopAfter: ReadonlySet<string>;
}

/** Git triggers are evaluated by the GitHub App (app/src/github/git-triggers); stored here only. */
export interface CompiledGitTrigger {
  kind: 'git';
  stopAfter: ReadonlySet<string>;
}

/** Evaluated by a `TriggerPoller` every `intervalMs` (on the schedule leader). */
export interface CompiledPolling {
  kind: 'polling';
  intervalMs: number;
  stopAfter: ReadonlySet<string>;
}

export type CompiledTrigger =
  | CompiledSchedule
  | CompiledFlowTrigger
  | CompiledWebhook
  | CompiledGitTrigger
  | CompiledPolling;

export interface CompileScope {
  namespace: string;
  flowId: string;
  /** Zone of schedules without `timezone`, and of preconditions' daily windows. */
  timeZone: Zone;
}

/** Kestra's default `states` of a Flow trigger: every terminal state. */
export const DEFAULT_FLOW_TRIGGER_STATES: ReadonlySet<string> = TERMINAL;

export function kindOf(type: string): Exclude<TriggerKind, 'unknown'> | undefined {
  if (type === GIT_TRIGGER_TYPE) return 'git';
  if (POLLING_TRIGGER_TYPES.includes(type)) return 'polling';
  if (type === 'io.kestra.plugin.core.trigger.ScheduleOnDates') return 'schedule-on-dates';
  if (!type.startsWith('io.kestra.')) return undefined;
  const name = type.split('.').at(-1);
  if (name === 'Schedule') return 'schedule';
  if (name === 'Flow') return 'flow';
  if (name === 'Webhook') return 'webhook';
  return undefined;
}

/** Compiles a declared trigger; throws `trigger '<id>': <what and what to do>` when Osprey refuses it. */
export function compileTrigger(trigger: Trigger, scope: CompileScope): CompiledTrigger {
  try {
    return compile(trigger, scope);
  } catch (e) {
    throw new Error(`trigger '${trigger.id}': ${(e as Error).message}`);
  }
}

/** Why each trigger of a flow would be refused at registration (for pull-request checks). */
export function triggerProblems(
  triggers: readonly Trigger[],
  scope: Omit<CompileScope, 'timeZone'> & { timeZone?: Zone },
): Array<{ triggerId: string; message: string }> {
  const full = { ...scope, timeZone: scope.timeZone ?? zoneNamed('UTC') };
  const problems: Array<{ triggerId: string; message: string }> = [];
  for (const t of triggers) {
    try {
      compileTrigger(t, full);
    } catch (e) {
      problems.push({ triggerId: t.id, message: (e as Error).message });
    }
  }
  return problems;
}

function compile(trigger: Trigger, scope: CompileScope): CompiledTrigger {
  const kind = kindOf(trigger.type);
  const stopAfter = new Set<string>(trigger.stopAfter ?? []);
  const owner = { namespace: scope.namespace, flowId: scope.flowId };
  const conditions = (use: ConditionUse, zone: Zone, extra: readonly Condition[] = []) =>
    compileConditions([...((trigger.conditions ?? []) as Condition[]), ...extra], { use, owner, zone });
  switch (kind) {
    case 'schedule': {
      const t = trigger as z.infer<typeof ScheduleTrigger>;
      const zone = t.timezone === undefined ? scope.timeZone : zoneNamed(t.timezone);
      const backfill = t.backfill;
      if (backfill !== undefined && backfill.start === undefined)
        throw new Error(`backfill needs a 'start' date-time, e.g. 2025-01-01T00:00:00Z`);
      return {
        kind,
        timeline: cronTimeline(t.cron, t.withSeconds === true, zone),
        zone,
        conditions: conditions('schedule', zone, t.scheduleConditions as Condition[] | undefined),
        recover: t.recoverMissedSchedules ?? 'ALL',
        ...(t.lateMaximumDelay !== undefined
          ? { lateMaximumDelay: duration(t.lateMaximumDelay, 'lateMaximumDelay') }
          : {}),
        ...(backfill?.start !== undefined
          ? {
              backfill: {
                start: instantOf(backfill.start, zone, 'backfill.start'),
                ...(backfill.end !== undefined ? { end: instantOf(backfill.end, zone, 'backfill.end') } : {}),
                labels: labelList(backfill.labels),
                inputs: backfill.inputs ?? {},
              },
            }
          : {}),
        inputs: t.inputs ?? {},
        labels: labelList(t.labels),
        stopAfter,
      };
    }
    case 'schedule-on-dates': {
      const t = trigger as Extract<Trigger, { dates: string[] }>;
      const zone = t.timezone === undefined ? scope.timeZone : zoneNamed(t.timezone);
      const dates = t.dates.map((d, i) => instantOf(d, zone, `dates[${i}]`));
      return {
        kind,
        timeline: datesTimeline(dates),
        zone,
        conditions: conditions('schedule', zone),
        recover: ((t as { recoverMissedSchedules?: RecoverMissed }).recoverMissedSchedules ??
          'ALL') as RecoverMissed,
        inputs: t.inputs ?? {},
        labels: labelList(t.labels),
        stopAfter,
      };
    }
    case 'flow': {
      const t = trigger as z.infer<typeof FlowTrigger>;
      return {
        kind,
        states: t.states === undefined ? DEFAULT_FLOW_TRIGGER_STATES : new Set<string>(t.states),
        conditions: conditions('flow', scope.timeZone),
        ...(t.preconditions !== undefined ? { preconditions: compilePreconditions(t.preconditions) } : {}),
        inputs: t.inputs ?? {},
        labels: labelList(t.labels),
        stopAfter,
      };
    }
    case 'webhook': {
      const t = trigger as z.infer<typeof WebhookTrigger>;
      if (t.returnOutputs === true && t.wait !== true)
        throw new Error('returnOutputs needs wait: true (the outputs exist only once the execution ends)');
      return {
        kind,
        key: t.key,
        conditions: conditions('webhook', scope.timeZone),
        inputs: t.inputs ?? {},
        wait: t.wait === true,
        returnOutputs: t.returnOutputs === true,
        stopAfter,
      };
    }
    case 'git':
      return { kind, stopAfter };
    case 'polling': {
      const t = trigger as z.infer<typeof JdbcTrigger> | z.infer<typeof HttpTrigger>;
      const http = (HTTP_TRIGGER_TYPES as readonly string[]).includes(t.type);
      const intervalMs = t.interval === undefined ? 60_000 : duration(t.interval, 'interval');
      if (intervalMs < 1000)
        throw new Error(`interval '${t.interval}' is shorter than PT1S; poll at most once a second`);
      if ((t.conditions ?? []).length > 0)
        throw new Error(
          `conditions on a polling trigger are not evaluated by Osprey; filter in the ${http ? 'responseCondition' : 'sql'} instead`,
        );
      if (http) checkHttpTrigger(t as z.infer<typeof HttpTrigger>);
      return { kind, intervalMs, stopAfter };
    }
    default:
      throw new Error(`type '${trigger.type}' is not a trigger type Osprey evaluates`);
  }
}

/** What an HTTP Trigger's poll would refuse every time, refused at registration instead. */
function checkHttpTrigger(t: z.infer<typeof HttpTrigger>): void {
  if (t.encryptBody === true)
    throw new Error(
      'encryptBody is not supported by Osprey yet: remove it (trigger.body is stored unencrypted with the execution)',
    );
  if (!hasExpression(t.uri)) {
    let protocol: string;
    try {
      protocol = new URL(t.uri.trim().replaceAll(' ', '%20')).protocol;
    } catch {
      throw new Error(`uri '${t.uri}' is not a valid URL`);
    }
    if (protocol !== 'http:' && protocol !== 'https:')
      throw new Error(`uri must be an http(s) URL, got '${protocol}'`);
  }
}

function duration(text: string, field: string): number {
  const ms = parseDuration(text);
  if (ms === undefined || ms < 0)
    throw new Error(`${field} '${text}' is not a positive ISO-8601 duration such as PT1H`);
  return ms;
}

/** Hash of the definition without its description: an unchanged trigger keeps its state on redeploy. */
export function fingerprintOf(trigger: Trigger): string {
  const { description: _ignored, ...rest } = trigger as Trigger & { description?: string };
  return createHash('sha256').update(stableJson(rest)).digest('hex');
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
