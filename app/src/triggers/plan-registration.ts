/**
 * What registering a flow's triggers changes, decided once for both stores: each trigger is compiled
 * (a refused one is kept, inactive, with the reason), fingerprinted, and keeps its state when the
 * definition is unchanged; a new or changed trigger starts afresh. Triggers no longer declared go.
 */
import type { Trigger } from '../../../flows-schema/src/triggers/triggers.ts';
import type { DeployedFlowRef } from '../deployments/ports.ts';
import { compileTrigger, fingerprintOf, kindOf } from './compile-trigger.ts';
import { initialScheduleState } from './plan-schedule.ts';
import { zoneNamed } from './time-zone.ts';
import type { StoredTrigger, TriggerKind, TriggerRuntime } from './types.ts';

export interface RegistrationRow {
  trigger: StoredTrigger;
  /** True when the runtime must be written (new or changed trigger); false keeps the stored one. */
  resetRuntime: boolean;
}

export interface RegistrationPlan {
  rows: RegistrationRow[];
  /** Trigger ids of the flow that are no longer declared. */
  removed: string[];
}

export function planRegistration(
  existing: readonly StoredTrigger[],
  flow: DeployedFlowRef,
  triggers: readonly Trigger[],
  now: number,
): RegistrationPlan {
  const before = new Map(existing.map((t) => [t.triggerId, t]));
  const declared = new Map(triggers.map((t) => [t.id, t]));
  const rows: RegistrationRow[] = [];
  for (const definition of declared.values()) {
    const kind = kindOf(definition.type) ?? 'unknown';
    const problem = problemOf(definition, flow);
    const fingerprint = fingerprintOf(definition);
    const prev = before.get(definition.id);
    const unchanged =
      prev !== undefined &&
      prev.fingerprint === fingerprint &&
      (prev.problem === undefined) === (problem === undefined);
    const disabled = definition.disabled === true;
    const trigger: StoredTrigger = {
      namespace: flow.namespace,
      flowId: flow.flowId,
      triggerId: definition.id,
      type: definition.type,
      kind,
      definition,
      fingerprint,
      flow: { ...flow },
      disabled,
      ...(problem !== undefined ? { problem } : {}),
      registeredAt: unchanged ? prev.registeredAt : now,
      runtime: unchanged ? prev.runtime : initialRuntime(kind, !disabled && problem === undefined, now),
    };
    rows.push({ trigger, resetRuntime: !unchanged });
  }
  const removed = existing.filter((t) => !declared.has(t.triggerId)).map((t) => t.triggerId);
  return { rows, removed };
}

/** A trigger's state when it is registered or restarted: a schedule plans from `now`. */
export function initialRuntime(kind: TriggerKind, active: boolean, now: number): TriggerRuntime {
  const scheduled = kind === 'schedule' || kind === 'schedule-on-dates';
  return {
    state: scheduled ? { ...initialScheduleState(now) } : {},
    // Due at once: the scheduler computes the first instant with its time zone and conditions; a
    // polling trigger polls first at once.
    ...((scheduled || kind === 'polling') && active ? { nextFireAt: now } : {}),
    stopped: false,
  };
}

function problemOf(definition: Trigger, flow: DeployedFlowRef): string | undefined {
  try {
    compileTrigger(definition, {
      namespace: flow.namespace,
      flowId: flow.flowId,
      timeZone: zoneNamed('UTC'),
    });
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}
