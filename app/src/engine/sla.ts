/**
 * Flow SLAs. MAX_DURATION arms a timer when the execution starts; EXECUTION_ASSERTION is checked
 * when it ends. A breach adds the SLA's labels and logs a warning; FAIL and CANCEL then end the
 * execution (running task runs are killed, remaining tasks never start), NONE does nothing more.
 */

import type { Sla } from '../../../flows-schema/src/schema/flow.ts';
import { labelList } from '../../../flows-schema/src/schema/primitives.ts';
import { parseDuration } from '../../../flows-schema/src/time.ts';
import type { Draft } from './draft.ts';
import { mergeLabels } from './labels.ts';
import type { StateName } from './states.ts';

const OUTCOME: Record<Sla['behavior'], StateName | undefined> = {
  FAIL: 'FAILED',
  CANCEL: 'CANCELLED',
  NONE: undefined,
};

/** SLA ids need not be unique (Kestra does not check them): a timer names its SLA by position too. */
export function armSlaTimers(d: Draft): void {
  for (const [i, sla] of (d.flow.sla ?? []).entries()) {
    if (sla.type !== 'MAX_DURATION' || sla.duration === undefined) continue;
    const ms = parseDuration(sla.duration);
    if (ms !== undefined) d.addTimer({ kind: 'sla', name: `${i}:${sla.id}`, at: d.now + ms });
  }
}

/** Apply a breach; returns the state the execution must end in, if the behaviour ends it. */
export function breachSla(d: Draft, sla: Sla, why: string): StateName | undefined {
  const labels = labelList(sla.labels);
  if (labels.length > 0) d.ex.labels = mergeLabels(d.ex.labels, labels);
  const outcome = OUTCOME[sla.behavior];
  d.log('WARN', `SLA '${sla.id}' breached: ${why}${outcome ? `; the execution ends ${outcome}` : ''}`);
  return outcome;
}

/** `timer`: `<index>:<id>`, or the id alone (timers armed before SLAs were named by position). */
export function maxDurationBreach(d: Draft, timer: string): StateName | undefined {
  const slas = d.flow.sla ?? [];
  const m = /^(\d+):(.*)$/s.exec(timer);
  const at = m === null ? undefined : slas[Number(m[1])];
  const sla = at !== undefined && at.id === m?.[2] ? at : slas.find((s) => s.id === timer);
  if (sla === undefined) return undefined;
  return breachSla(d, sla, `the execution ran longer than ${sla.duration}`);
}
