/**
 * Schedule and ScheduleOnDates triggers on virtual time: cron instants in a time zone across DST,
 * missed instants after a downtime (ALL / LAST / NONE), backfill, conditions, stopAfter, the
 * trigger variables, and a scheduler that sleeps until the next instant instead of polling.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ExecutionDocument } from '../../../../app/src/execution/contract.ts';
import { type ScheduleState, startBackfill } from '../../../../app/src/triggers/plan-schedule.ts';
import type { TriggerStore } from '../../../../app/src/triggers/types.ts';
import { triggerHarness, yaml } from './harness.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const SCHEDULE = 'io.kestra.plugin.core.trigger.Schedule';

function scheduledFlow(trigger: Record<string, unknown>, extra: Record<string, unknown> = {}): string {
  return yaml({
    id: 'nightly',
    namespace: 'company.team',
    tasks: [{ id: 'hello', type: 'io.kestra.plugin.core.log.Log', message: 'hi' }],
    triggers: [{ id: 'schedule', type: SCHEDULE, ...trigger }],
    ...extra,
  });
}

const dates = (docs: ExecutionDocument[]) => docs.map((d) => d.trigger?.variables?.['date']);
const started = (docs: ExecutionDocument[]) => docs.map((d) => d.state.histories[0]?.date);

test('a cron in Europe/Paris fires at local time across the spring DST change', async () => {
  const h = triggerHarness({ start: Date.parse('2025-03-28T12:00:00Z') });
  await h.scheduler.start();
  await h.deploy(scheduledFlow({ cron: '30 2 * * *', timezone: 'Europe/Paris' }));
  await h.advanceTo(Date.parse('2025-04-01T00:00:00Z'));
  const runs = await h.executionsOf('nightly');
  assert.deepEqual(dates(runs), [
    '2025-03-29T02:30:00+01:00',
    // 02:30 does not exist on the 30th (clocks jump from 02:00 to 03:00): the run happens at 03:00.
    '2025-03-30T03:00:00+02:00',
    '2025-03-31T02:30:00+02:00',
  ]);
  assert.deepEqual(started(runs), [
    '2025-03-29T01:30:00.000Z',
    '2025-03-30T01:00:00.000Z',
    '2025-03-31T00:30:00.000Z',
  ]);
  assert.equal(runs[1]?.trigger?.variables?.['previous'], '2025-03-29T02:30:00+01:00');
  assert.equal(runs[1]?.trigger?.variables?.['next'], '2025-03-31T02:30:00+02:00');
  assert.equal(runs[1]?.trigger?.type, SCHEDULE);
  assert.equal(runs[1]?.trigger?.id, 'schedule');
  await h.scheduler.stop();
});

test('an hourly cron runs on both occurrences of the repeated hour in autumn', async () => {
  const h = triggerHarness({ start: Date.parse('2025-10-25T22:30:00Z') });
  await h.scheduler.start();
  await h.deploy(scheduledFlow({ cron: '0 * * * *', timezone: 'Europe/Paris' }));
  await h.advanceTo(Date.parse('2025-10-26T02:30:00Z'));
  assert.deepEqual(dates(await h.executionsOf('nightly')), [
    '2025-10-26T01:00:00+02:00',
    '2025-10-26T02:00:00+02:00',
    '2025-10-26T02:00:00+01:00',
    '2025-10-26T03:00:00+01:00',
  ]);
  await h.scheduler.stop();
});

test('withSeconds crons and macros; an unchanged trigger keeps its state when the flow is redeployed', async () => {
  const h = triggerHarness({ start: Date.parse('2025-01-01T00:00:00Z') });
  await h.scheduler.start();
  const flow = (triggers: Array<Record<string, unknown>>) =>
    yaml({
      id: 'nightly',
      namespace: 'company.team',
      tasks: [{ id: 'hello', type: 'io.kestra.plugin.core.log.Log', message: 'hi' }],
      triggers,
    });
  const daily = { id: 'daily', type: SCHEDULE, cron: '@daily' };
  await h.deploy(flow([{ id: 'fast', type: SCHEDULE, cron: '*/20 * * * * *', withSeconds: true }, daily]));
  await h.advanceTo(Date.parse('2025-01-01T00:01:00Z'));
  const fast = (await h.executionsOf('nightly')).filter((d) => d.trigger?.id === 'fast');
  assert.deepEqual(started(fast), [
    '2025-01-01T00:00:20.000Z',
    '2025-01-01T00:00:40.000Z',
    '2025-01-01T00:01:00.000Z',
  ]);
  const before = (await h.store.list()).find((t) => t.triggerId === 'daily');
  await h.deploy(flow([{ ...daily, description: 'a new description changes nothing' }]));
  const after = (await h.store.list()).find((t) => t.triggerId === 'daily');
  assert.equal(after?.registeredAt, before?.registeredAt);
  assert.deepEqual(after?.runtime, before?.runtime);
  assert.equal(after?.flow.sha, 'sha2', 'executions pin to the new commit');
  await h.advanceTo(Date.parse('2025-01-02T00:00:30Z'));
  const runs = await h.executionsOf('nightly');
  assert.deepEqual(dates(runs.filter((d) => d.trigger?.id === 'daily')), ['2025-01-02T00:00:00Z']);
  assert.equal(runs.filter((d) => d.trigger?.id === 'fast').length, 3, 'the removed trigger stopped firing');
  assert.deepEqual(runs.at(-1)?.source, {
    repository: 'acme/flows',
    sha: 'sha2',
    path: 'flows/nightly.yaml',
  });
  await h.scheduler.stop();
});

for (const [policy, expected] of [
  ['ALL', ['02:00', '03:00', '04:00', '05:00', '06:00']],
  ['LAST', ['06:00']],
  ['NONE', []],
] as const) {
  test(`recoverMissedSchedules ${policy} after a downtime`, async () => {
    const h = triggerHarness({ start: Date.parse('2025-01-01T00:30:00Z') });
    await h.scheduler.start();
    await h.deploy(
      scheduledFlow({ cron: '0 * * * *', ...(policy === 'ALL' ? {} : { recoverMissedSchedules: policy }) }),
    );
    await h.advanceTo(Date.parse('2025-01-01T01:30:00Z'));
    assert.equal((await h.executionsOf('nightly')).length, 1, 'the 01:00 instant fired while running');
    await h.scheduler.stop();
    // Down from 01:30 to 06:20: the instants 02:00 .. 06:00 are missed.
    await h.advanceTo(Date.parse('2025-01-01T06:20:00Z'));
    await h.scheduler.start();
    await h.settle();
    const recovered = (await h.executionsOf('nightly')).slice(1);
    assert.deepEqual(
      recovered.map((d) => String(d.trigger?.variables?.['date']).slice(11, 16)),
      expected,
    );
    // Recovered executions start now, not at their (past) instants.
    for (const d of recovered) assert.equal(d.state.histories[0]?.date, '2025-01-01T06:20:00.000Z');
    await h.advanceTo(Date.parse('2025-01-01T07:00:00Z'));
    const last = (await h.executionsOf('nightly')).at(-1);
    assert.equal(last?.trigger?.variables?.['date'], '2025-01-01T07:00:00Z', 'the schedule goes on normally');
    await h.scheduler.stop();
  });
}

test('backfill fires every instant from start, with its labels and inputs, then goes on normally', async () => {
  const h = triggerHarness({ start: Date.parse('2025-01-10T12:00:00Z') });
  await h.scheduler.start();
  await h.deploy(
    scheduledFlow(
      {
        cron: '0 0 * * *',
        recoverMissedSchedules: 'NONE',
        inputs: { day: '{{ trigger.date }}' },
        labels: { origin: 'cron' },
        backfill: {
          start: '2025-01-07T00:00:00Z',
          labels: { backfill: 'true' },
          inputs: { note: 'replayed' },
        },
      },
      {
        inputs: [
          { id: 'day', type: 'STRING' },
          { id: 'note', type: 'STRING', defaults: 'live' },
        ],
      },
    ),
  );
  const backfilled = await h.executionsOf('nightly');
  assert.deepEqual(dates(backfilled), [
    '2025-01-07T00:00:00Z',
    '2025-01-08T00:00:00Z',
    '2025-01-09T00:00:00Z',
    '2025-01-10T00:00:00Z',
  ]);
  for (const d of backfilled) {
    assert.equal(d.inputs['note'], 'replayed');
    assert.equal(d.inputs['day'], d.trigger?.variables?.['date']);
    assert.ok(d.labels.some((l) => l.key === 'backfill' && l.value === 'true'));
    assert.ok(d.labels.some((l) => l.key === 'origin' && l.value === 'cron'));
  }
  await h.advanceTo(Date.parse('2025-01-11T00:00:01Z'));
  const live = (await h.executionsOf('nightly')).at(-1);
  assert.equal(live?.trigger?.variables?.['date'], '2025-01-11T00:00:00Z');
  assert.equal(live?.inputs['note'], 'live');
  assert.ok(!live?.labels.some((l) => l.key === 'backfill'));
  await h.scheduler.stop();
});

test('a backfill asked for after deployment (console, API) replays the window with its inputs and labels, then the schedule goes on where it was', async () => {
  const h = triggerHarness({ start: Date.parse('2025-01-10T12:00:00Z') });
  await h.scheduler.start();
  await h.deploy(
    scheduledFlow(
      { cron: '0 0 * * *', labels: { origin: 'cron' } },
      { inputs: [{ id: 'note', type: 'STRING', defaults: 'live' }] },
    ),
  );
  assert.equal((await h.executionsOf('nightly')).length, 0, 'nothing due yet');
  const key = { namespace: 'company.team', flowId: 'nightly', triggerId: 'schedule' };
  const now = h.clock.now();
  await h.store.update(key, async (t) => ({
    runtime: {
      ...t.runtime,
      state: startBackfill(
        t.runtime.state as unknown as ScheduleState,
        {
          start: Date.parse('2025-01-07T00:00:00Z'),
          end: Date.parse('2025-01-09T00:00:00Z'),
          inputs: { note: 'replayed' },
          labels: [{ key: 'run', value: 'backfill' }],
        },
        now,
      ) as unknown as Record<string, unknown>,
      nextFireAt: now,
    },
    replan: true,
    result: undefined,
  }));
  await h.settle();
  const backfilled = await h.executionsOf('nightly');
  assert.deepEqual(dates(backfilled), [
    '2025-01-07T00:00:00Z',
    '2025-01-08T00:00:00Z',
    '2025-01-09T00:00:00Z',
  ]);
  for (const d of backfilled) {
    assert.equal(d.inputs['note'], 'replayed');
    assert.ok(d.labels.some((l) => l.key === 'run' && l.value === 'backfill'));
    assert.ok(d.labels.some((l) => l.key === 'origin' && l.value === 'cron'));
  }
  await h.advanceTo(Date.parse('2025-01-11T00:00:01Z'));
  const all = await h.executionsOf('nightly');
  assert.equal(all.length, 4, 'the regular instant once, not the backfilled ones again');
  assert.equal(all.at(-1)?.trigger?.variables?.['date'], '2025-01-11T00:00:00Z');
  assert.equal(all.at(-1)?.inputs['note'], 'live');
  await h.scheduler.stop();
});

test('conditions: only the instants they accept fire, and trigger.next/previous skip the others', async () => {
  // 2025-01-06 is a Monday.
  const h = triggerHarness({ start: Date.parse('2025-01-05T00:00:00Z') });
  await h.scheduler.start();
  await h.deploy(
    scheduledFlow({
      cron: '0 9 * * *',
      conditions: [
        {
          type: 'io.kestra.plugin.core.condition.Or',
          conditions: [
            { type: 'io.kestra.plugin.core.condition.DayWeek', dayOfWeek: 'MONDAY' },
            {
              type: 'io.kestra.plugin.core.condition.DayWeekInMonth',
              dayOfWeek: 'FRIDAY',
              dayInMonth: 'LAST',
            },
          ],
        },
        {
          type: 'io.kestra.plugin.core.condition.Not',
          conditions: [{ type: 'io.kestra.plugin.core.condition.Weekend' }],
        },
        { type: 'io.kestra.plugin.core.condition.TimeBetween', after: '08:00:00Z', before: '10:00:00Z' },
        {
          type: 'io.kestra.plugin.core.condition.DateTimeBetween',
          before: '2025-02-04T00:00:00Z',
        },
        {
          type: 'io.kestra.plugin.core.condition.Expression',
          expression: "{{ trigger.date != '2025-01-13T09:00:00Z' }}",
        },
      ],
    }),
  );
  await h.advanceTo(Date.parse('2025-02-10T00:00:00Z'));
  const runs = await h.executionsOf('nightly');
  // Mondays, except the 13th (Expression); the last Friday of January; nothing from Feb 4 on.
  assert.deepEqual(dates(runs), [
    '2025-01-06T09:00:00Z',
    '2025-01-20T09:00:00Z',
    '2025-01-27T09:00:00Z',
    '2025-01-31T09:00:00Z',
    '2025-02-03T09:00:00Z',
  ]);
  assert.equal(runs[0]?.trigger?.variables?.['next'], '2025-01-20T09:00:00Z');
  assert.equal(runs[1]?.trigger?.variables?.['previous'], '2025-01-06T09:00:00Z');
  await h.scheduler.stop();
});

test('a condition Osprey cannot evaluate is refused at registration, with a message, and never fires', async () => {
  const h = triggerHarness();
  await h.scheduler.start();
  await h.deploy(
    scheduledFlow({
      cron: '* * * * *',
      conditions: [{ type: 'io.kestra.plugin.core.condition.PublicHoliday', country: 'FR' }],
    }),
  );
  const [stored] = await h.store.list();
  assert.match(
    stored?.problem ?? '',
    /trigger 'schedule': conditions\[0\] \(PublicHoliday\) is not supported/,
  );
  assert.match(stored?.problem ?? '', /use DayWeek, DateTimeBetween or an Expression/);
  await h.advanceTo(h.clock.now() + 10 * 60_000);
  assert.equal((await h.executionsOf('nightly')).length, 0);
  await h.scheduler.stop();
});

test('stopAfter stops the schedule once an execution ends in a listed state', async () => {
  const h = triggerHarness({ start: Date.parse('2025-01-01T00:00:30Z') });
  await h.scheduler.start();
  await h.deploy(
    yaml({
      id: 'nightly',
      namespace: 'company.team',
      tasks: [{ id: 'boom', type: 'io.kestra.plugin.core.execution.Fail' }],
      triggers: [{ id: 'schedule', type: SCHEDULE, cron: '* * * * *', stopAfter: ['FAILED'] }],
    }),
  );
  await h.advanceTo(Date.parse('2025-01-01T00:10:00Z'));
  const runs = await h.executionsOf('nightly');
  assert.equal(runs.length, 1);
  assert.equal(runs[0]?.state.current, 'FAILED');
  const [stored] = await h.store.list();
  assert.equal(stored?.runtime.stopped, true);
  assert.ok(
    h.logs.some((l) => /stopped: execution .* ended FAILED, listed in its stopAfter/.test(l.message)),
  );
  // An operator restarts it: it plans from now, without replaying the minutes it was stopped.
  await h.store.setStopped({ namespace: 'company.team', flowId: 'nightly', triggerId: 'schedule' }, false);
  await h.advanceTo(Date.parse('2025-01-01T00:11:00Z'));
  const after = await h.executionsOf('nightly');
  assert.deepEqual(dates(after.slice(1)), ['2025-01-01T00:11:00Z']);
  await h.scheduler.stop();
});

test('ScheduleOnDates fires at each listed date, in its time zone', async () => {
  const h = triggerHarness({ start: Date.parse('2025-01-01T00:00:00Z') });
  await h.scheduler.start();
  await h.deploy(
    yaml({
      id: 'nightly',
      namespace: 'company.team',
      tasks: [{ id: 'hello', type: 'io.kestra.plugin.core.log.Log', message: 'hi' }],
      triggers: [
        {
          id: 'dates',
          type: 'io.kestra.plugin.core.trigger.ScheduleOnDates',
          timezone: 'Europe/Paris',
          dates: ['2025-01-02T10:00:00', '2025-01-05T08:30:00', '2024-12-01T00:00:00'],
        },
      ],
    }),
  );
  await h.advanceTo(Date.parse('2025-02-01T00:00:00Z'));
  const runs = await h.executionsOf('nightly');
  assert.deepEqual(started(runs), ['2025-01-02T09:00:00.000Z', '2025-01-05T07:30:00.000Z']);
  assert.deepEqual(dates(runs), ['2025-01-02T10:00:00+01:00', '2025-01-05T08:30:00+01:00']);
  await h.scheduler.stop();
});

test('the scheduler sleeps until the next instant (no polling) and re-plans when the registry changes', async () => {
  const h = triggerHarness({ start: Date.parse('2025-01-01T00:00:00Z') });
  let dueCalls = 0;
  const counting: TriggerStore = {
    replace: (flow, triggers) => h.store.replace(flow, triggers),
    remove: (ns, id) => h.store.remove(ns, id),
    list: (filter) => h.store.list(filter),
    get: (key) => h.store.get(key),
    nextDue: () => h.store.nextDue(),
    due: (now, limit) => {
      dueCalls++;
      return h.store.due(now, limit);
    },
    update: (key, fn) => h.store.update(key, fn),
    setStopped: (key, stopped) => h.store.setStopped(key, stopped),
    claimStarts: (limit, leaseMs) => h.store.claimStarts(limit, leaseMs),
    completeStart: (id) => h.store.completeStart(id),
    postponeStart: (id, delayMs, error) => h.store.postponeStart(id, delayMs, error),
    hasStart: (id) => h.store.hasStart(id),
    nextStartRetry: () => h.store.nextStartRetry(),
    watchStarts: (listener) => h.store.watchStarts(listener),
    watch: (listener) => h.store.watch(listener),
  };
  const { TriggerScheduler } = await import('../../../../app/src/triggers/trigger-scheduler.ts');
  const scheduler = new TriggerScheduler({
    store: counting,
    executions: h.executions,
    flows: { get: async (ns, id) => h.flows.get(`${ns}/${id}`) },
    clock: h.clock,
    log: { info() {}, warn() {}, error() {} },
    maxSleepMs: 30 * 60_000,
  });
  await scheduler.start();
  await h.deploy(scheduledFlow({ cron: '0 */6 * * *' }));
  await h.clock.advance(DAY);
  await scheduler.idle();
  assert.equal((await h.executionsOf('nightly')).length, 4);
  // One look at registration, four instants, and one per 30 minutes of bounded sleep at most.
  assert.ok(dueCalls <= 1 + 4 + 48, `looked ${dueCalls} times in a day`);
  assert.ok(dueCalls >= 5);

  // Redeploying with an earlier instant is picked up at once, not at the end of the sleep.
  await h.deploy(scheduledFlow({ cron: '5 0 * * *' }));
  await h.clock.advance(6 * 60_000);
  await scheduler.idle();
  await h.settle();
  const last = (await h.executionsOf('nightly')).at(-1);
  assert.equal(last?.trigger?.variables?.['date'], '2025-01-02T00:05:00Z');
  await scheduler.stop();
});

test('lateMaximumDelay skips instants that could not start in time', async () => {
  const h = triggerHarness({ start: Date.parse('2025-01-01T00:30:00Z') });
  await h.scheduler.start();
  await h.deploy(scheduledFlow({ cron: '0 * * * *', lateMaximumDelay: 'PT30M' }));
  await h.scheduler.stop();
  await h.advanceTo(Date.parse('2025-01-01T03:20:00Z'));
  await h.scheduler.start();
  await h.settle();
  // 01:00 and 02:00 are more than 30 minutes late; 03:00 is 20 minutes late and runs.
  assert.deepEqual(dates(await h.executionsOf('nightly')), ['2025-01-01T03:00:00Z']);
  await h.scheduler.stop();
});
