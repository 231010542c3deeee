/**
 * Precondition windows as pure functions: daily windows in a time zone, whole-day windows across
 * a DST change, and progress dropped when a window closes.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ExecutionDocument } from '../../../../app/src/execution/contract.ts';
import {
  advancePreconditions,
  compilePreconditions,
  type PreconditionState,
} from '../../../../app/src/triggers/preconditions.ts';
import { zoneNamed } from '../../../../app/src/triggers/time-zone.ts';

const paris = zoneNamed('Europe/Paris');

function ended(flowId: string, id = flowId): ExecutionDocument {
  return {
    id,
    namespace: 'company.team',
    flowId,
    state: { current: 'SUCCESS', histories: [] },
    taskRunList: [],
    inputs: {},
    labels: [],
  };
}

const two = (timeWindow: Record<string, unknown>) =>
  compilePreconditions({
    id: 'p',
    timeWindow: timeWindow as never,
    flows: [
      { namespace: 'company.team', flowId: 'a' },
      { namespace: 'company.team', flowId: 'b' },
    ],
  });

test('DAILY_TIME_WINDOW: only ends between startTime and endTime count', () => {
  const p = two({ type: 'DAILY_TIME_WINDOW', startTime: '06:00:00', endTime: '09:00:00' });
  let state: PreconditionState | undefined;
  // 05:30 in Paris: before the window, nothing counts.
  let step = advancePreconditions(
    p,
    state,
    ['flows[0]'],
    ended('a'),
    Date.parse('2025-01-06T04:30:00Z'),
    paris,
  );
  assert.deepEqual(step.state.results, {});
  state = step.state;
  step = advancePreconditions(p, state, ['flows[0]'], ended('a'), Date.parse('2025-01-06T05:30:00Z'), paris);
  step = advancePreconditions(
    p,
    step.state,
    ['flows[1]'],
    ended('b'),
    Date.parse('2025-01-06T07:59:00Z'),
    paris,
  );
  assert.equal(step.fire, true);
  // The next day, progress from the day before is gone.
  step = advancePreconditions(
    p,
    step.state,
    ['flows[0]'],
    ended('a'),
    Date.parse('2025-01-07T06:00:00Z'),
    paris,
  );
  assert.equal(step.fire, false);
  step = advancePreconditions(
    p,
    step.state,
    ['flows[0]'],
    ended('a'),
    Date.parse('2025-01-08T05:10:00Z'),
    paris,
  );
  assert.deepEqual(Object.keys(step.state.results), ['flows[0]']);
  assert.equal(step.fire, false);
});

test('a P1D window runs midnight to midnight, local time, even on the 23-hour DST day', () => {
  const p = two({ type: 'DURATION_WINDOW', window: 'P1D' });
  // 2025-03-30 in Paris lasts 23 hours: 2025-03-29T23:00Z to 2025-03-30T22:00Z.
  let step = advancePreconditions(
    p,
    undefined,
    ['flows[0]'],
    ended('a'),
    Date.parse('2025-03-29T23:30:00Z'),
    paris,
  );
  assert.deepEqual(step.state.window, {
    start: Date.parse('2025-03-29T23:00:00Z'),
    end: Date.parse('2025-03-30T22:00:00Z'),
  });
  step = advancePreconditions(
    p,
    step.state,
    ['flows[1]'],
    ended('b'),
    Date.parse('2025-03-30T22:30:00Z'),
    paris,
  );
  assert.equal(step.fire, false, '00:30 on the 31st is the next day');
  step = advancePreconditions(
    p,
    step.state,
    ['flows[0]'],
    ended('a'),
    Date.parse('2025-03-31T21:59:00Z'),
    paris,
  );
  assert.equal(step.fire, true);
});

test('trigger.outputs merges the outputs of the executions that met the preconditions', () => {
  const p = two({ type: 'SLIDING_WINDOW', window: 'PT1H' });
  const a = { ...ended('a'), outputs: { rows: 10, meta: { from: 'a' } } };
  const b = { ...ended('b'), outputs: { files: 2, meta: { by: 'b' } } };
  let step = advancePreconditions(p, undefined, ['flows[0]'], a, 0, paris);
  step = advancePreconditions(p, step.state, ['flows[1]'], b, 60_000, paris);
  assert.equal(step.fire, true);
  assert.deepEqual(step.outputs, { rows: 10, files: 2, meta: { from: 'a', by: 'b' } });
  assert.deepEqual(step.state.results, {}, 'reset on success');
});
