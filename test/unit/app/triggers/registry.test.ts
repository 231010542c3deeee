/**
 * Registration rules (shared by the memory and database stores): state kept for an unchanged
 * trigger, reset for a changed one; disabled and refused triggers kept but inactive; removed
 * triggers gone; what Osprey refuses, said per trigger for pull-request checks.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { triggerProblems } from '../../../../app/src/triggers/compile-trigger.ts';
import { MemoryTriggerStore } from '../../../../app/src/triggers/memory-trigger-store.ts';
import { isActive } from '../../../../app/src/triggers/types.ts';
import type { Trigger } from '../../../../flows-schema/src/triggers/triggers.ts';

const ref = (sha: string) => ({
  namespace: 'company.team',
  flowId: 'etl',
  repository: 'acme/flows',
  sha,
  path: 'flows/etl.yaml',
  revision: 1,
});
const schedule = (cron: string, extra: Record<string, unknown> = {}) =>
  ({ id: 'nightly', type: 'io.kestra.plugin.core.trigger.Schedule', cron, ...extra }) as Trigger;

test('an unchanged trigger keeps its state; a changed one starts afresh; a removed one goes', async () => {
  let now = Date.UTC(2025, 0, 1);
  const store = new MemoryTriggerStore({ now: () => now });
  const hook = { id: 'hook', type: 'io.kestra.plugin.core.trigger.Webhook', key: 'k' } as Trigger;
  await store.replace(ref('a'), [schedule('0 * * * *'), hook]);
  const key = { namespace: 'company.team', flowId: 'etl', triggerId: 'nightly' };
  await store.update(key, async (t) => ({
    runtime: { ...t.runtime, state: { since: t.registeredAt, cursor: 123 }, nextFireAt: now + 5 },
    result: undefined,
  }));

  now += 60_000;
  await store.replace(ref('b'), [schedule('0 * * * *'), hook]);
  let t = await store.get(key);
  assert.deepEqual(t?.runtime.state, { since: Date.UTC(2025, 0, 1), cursor: 123 });
  assert.equal(t?.flow.sha, 'b');

  now += 60_000;
  await store.replace(ref('c'), [schedule('30 * * * *')]);
  t = await store.get(key);
  assert.deepEqual(t?.runtime.state, { since: now });
  assert.equal(t?.registeredAt, now);
  assert.equal(t?.runtime.nextFireAt, now, 'planned at once by the scheduler');
  assert.deepEqual(
    (await store.list()).map((x) => x.triggerId),
    ['nightly'],
  );

  await store.remove('company.team', 'etl');
  assert.deepEqual(await store.list(), []);
});

test('disabled and refused triggers are kept but never due; Git triggers are stored for the GitHub App', async () => {
  const now = Date.UTC(2025, 0, 1);
  const store = new MemoryTriggerStore({ now: () => now });
  await store.replace(ref('a'), [
    schedule('0 * * * *', { id: 'off', disabled: true }),
    schedule('0 * * * *', {
      id: 'refused',
      conditions: [{ type: 'io.kestra.plugin.core.condition.ExecutionStatus', in: ['FAILED'] }],
    }),
    schedule('not a cron', { id: 'broken' }),
    { id: 'on_push', type: 'io.osprey.trigger.Git', events: ['push'] } as Trigger,
  ]);
  const all = await store.list();
  const byId = new Map(all.map((t) => [t.triggerId, t]));
  assert.equal(byId.get('off')?.disabled, true);
  assert.equal(isActive(byId.get('off')!), false);
  assert.match(
    byId.get('refused')?.problem ?? '',
    /trigger 'refused': conditions\[0\] \(ExecutionStatus\) tests the execution that ended, so it applies to Flow triggers only/,
  );
  assert.match(byId.get('broken')?.problem ?? '', /trigger 'broken': invalid cron 'not a cron'/);
  assert.equal(byId.get('on_push')?.kind, 'git');
  assert.equal(byId.get('on_push')?.problem, undefined);
  assert.deepEqual(await store.due(now + 1, 10), []);
  assert.equal(await store.nextDue(), undefined);
});

test('triggerProblems lists what registration would refuse, per trigger', () => {
  const problems = triggerProblems(
    [
      schedule('0 9 * * *', { timezone: 'Mars/Olympus' }),
      {
        id: 'after',
        type: 'io.kestra.plugin.core.trigger.Flow',
        conditions: [{ type: 'io.kestra.plugin.core.condition.MultipleCondition', id: 'm', conditions: {} }],
      } as Trigger,
      {
        id: 'hook',
        type: 'io.kestra.plugin.core.trigger.Webhook',
        key: 'k',
        returnOutputs: true,
      } as Trigger,
      {
        id: 'window',
        type: 'io.kestra.plugin.core.trigger.Flow',
        preconditions: {
          id: 'p',
          where: [{ id: 'w', filters: [{ field: 'EXPRESSION', type: 'EQUAL_TO', value: 'x' }] }],
        },
      } as Trigger,
    ],
    { namespace: 'company.team', flowId: 'etl' },
  );
  assert.deepEqual(
    problems.map((p) => p.triggerId),
    ['nightly', 'after', 'hook', 'window'],
  );
  assert.match(problems[0]!.message, /timezone 'Mars\/Olympus' is not a known time zone; use an IANA name/);
  assert.match(problems[1]!.message, /use the Flow trigger's preconditions/);
  assert.match(problems[2]!.message, /returnOutputs needs wait: true/);
  assert.match(
    problems[3]!.message,
    /an EXPRESSION filter is tested with IS_TRUE, IS_FALSE, IS_NULL or IS_NOT_NULL/,
  );
});
