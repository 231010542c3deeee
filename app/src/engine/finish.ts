/**
 * The end of an execution: flow outputs and EXECUTION_ASSERTION SLAs are rendered (via the executor)
 * once the flow's tasks, errors and finally are done; then the state becomes terminal and the
 * `afterExecution` tasks run, seeing `execution.state`.
 */
import { chain } from './behaviours/lists.ts';
import type { Draft } from './draft.ts';
import { driveAfterExecution } from './drive.ts';
import { coerceOutput } from './outputs.ts';
import { breachSla } from './sla.ts';
import type { StateName } from './states.ts';
import { isPassing, worst } from './states.ts';
import { hasTemplate } from './templates.ts';
import { isTruthy } from './truthy.ts';

const END = 'end';

export function flowEnd(d: Draft, state: StateName, options: { immediate: boolean }): void {
  if (options.immediate) {
    finish(d, state);
    return;
  }
  const outputs = isPassing(state) ? (d.flow.outputs ?? []) : [];
  const asserts = (d.flow.sla ?? []).filter(
    (s) => s.type === 'EXECUTION_ASSERTION' && s.assert !== undefined,
  );
  if (outputs.length === 0 && asserts.length === 0) {
    finish(d, state);
    return;
  }
  const properties = {
    outputs: Object.fromEntries(outputs.map((o) => [o.id, o.value])),
    asserts: Object.fromEntries(asserts.map((s) => [s.id, s.assert])),
  };
  d.patchScope(undefined, { phase: 'ending', data: { final: state } });
  if (hasTemplate(properties)) d.commands.push({ kind: 'render', purpose: END, properties });
  else onEndRendered(d, properties, undefined);
}

/** The flow outputs and SLA assertions came back rendered (or failed to render). */
export function onEndRendered(
  d: Draft,
  values: Record<string, unknown> | undefined,
  error: string | undefined,
): void {
  if (d.ex.root.phase !== 'ending') return;
  let state = (d.ex.root.data?.['final'] as StateName | undefined) ?? 'SUCCESS';
  if (error !== undefined || values === undefined) {
    d.log('ERROR', `Flow outputs could not be rendered: ${error ?? 'no values'}`);
    finish(d, 'FAILED');
    return;
  }
  const rendered = (values['outputs'] ?? {}) as Record<string, unknown>;
  const outputs: Record<string, unknown> = {};
  for (const o of isPassing(state) ? (d.flow.outputs ?? []) : []) {
    const typed = coerceOutput(o, rendered[o.id]);
    if (typeof typed === 'string') {
      d.log('ERROR', `Flow output ${typed}`);
      state = 'FAILED';
    } else outputs[o.id] = typed.value;
  }
  if (Object.keys(outputs).length > 0) d.ex.outputs = outputs;
  const asserts = (values['asserts'] ?? {}) as Record<string, unknown>;
  for (const sla of d.flow.sla ?? []) {
    if (sla.type !== 'EXECUTION_ASSERTION' || isTruthy(asserts[sla.id])) continue;
    const outcome = breachSla(d, sla, `assertion '${sla.assert}' is false`);
    if (outcome !== undefined) state = worst([state, outcome]);
  }
  finish(d, state);
}

/** Make the state terminal, then start afterExecution. */
export function finish(d: Draft, requested: StateName): void {
  let state = requested;
  if (state === 'FAILED' && d.ex.retryExecution !== undefined) {
    state = 'RETRIED';
    d.commands.push({ kind: 'retryExecution', delayMs: d.ex.retryExecution.delayMs });
  }
  d.clearTimers();
  delete d.ex.ending;
  delete d.ex.paused;
  d.ex.root = { ...d.ex.root, phase: 'done' };
  d.setExecutionState(state);
  const ids = d.index.lists.afterExecution;
  d.ex.after = ids.length > 0 ? { phase: 'main', plan: chain(ids) } : { phase: 'done' };
  driveAfterExecution(d);
}
