/**
 * Flow triggers against the in-memory execution service: `states`, conditions, the seeds
 * `alert_on_failure` and `silver_layer` as the Kestra 0.20 release notes describe them, time windows
 * with two upstream flows, `resetOnSuccess`, trigger variables and correlation ids, and no loops.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { TaskJob } from '../../../../protocol/src/job.ts';
import { triggerHarness, yaml } from './harness.ts';

const seed = (name: string) =>
  readFileSync(new URL(`../../../fixtures/flows/seeds/${name}.yaml`, import.meta.url), 'utf8');
const FLOW = 'io.kestra.plugin.core.trigger.Flow';
const ok = [{ id: 'work', type: 'io.kestra.plugin.core.log.Log', message: 'done' }];
const fails = [{ id: 'work', type: 'io.kestra.plugin.core.execution.Fail' }];

function upstream(id: string, tasks: unknown[] = ok, namespace = 'company.team', extra = {}): string {
  return yaml({ id, namespace, tasks, ...extra });
}

function downstream(trigger: Record<string, unknown>, extra: Record<string, unknown> = {}): string {
  return yaml({
    id: 'downstream',
    namespace: 'company.team',
    tasks: [{ id: 'react', type: 'io.kestra.plugin.core.log.Log', message: 'reacting' }],
    triggers: [{ id: 'on_upstream', type: FLOW, ...trigger }],
    ...extra,
  });
}

const at = (iso: string) => Date.parse(iso);

test('seed alert_on_failure: a FAILED execution in company.team alerts, one in `other` does not', async () => {
  const alerted: string[] = [];
  const h = triggerHarness({
    scripts: {
      alert_task: async (job: TaskJob) => {
        alerted.push(String(job.properties['executionId']));
        return { state: 'SUCCESS' };
      },
    },
  });
  await h.scheduler.start();
  await h.deploy(seed('alert_on_failure'));
  await h.deploy(upstream('payments', fails));
  await h.deploy(upstream('reports', ok));
  await h.deploy(upstream('billing', fails, 'other'));

  const failed = await h.run('payments');
  assert.equal(failed.state.current, 'FAILED');
  await h.run('reports');
  await h.run('billing', 'other');

  const alerts = await h.executionsOf('alert_on_failure', 'system');
  assert.equal(
    alerts.length,
    1,
    'one alert: the SUCCESS in company.team and the failure in other do not alert',
  );
  const [alert] = alerts;
  assert.equal(alert?.trigger?.variables?.['executionId'], failed.id);
  assert.equal(alert?.trigger?.variables?.['namespace'], 'company.team');
  assert.equal(alert?.trigger?.variables?.['flowId'], 'payments');
  assert.equal(alert?.trigger?.variables?.['state'], 'FAILED');
  assert.equal(alert?.trigger?.id, 'alerts_on_failure');
  assert.equal(alert?.state.current, 'SUCCESS');
  assert.deepEqual(alerted, [failed.id], 'the Slack task rendered {{trigger.executionId}}');
  // The alert carries the correlation id of the execution that failed.
  const correlation = (labels: Array<{ key: string; value: string }> | undefined) =>
    labels?.find((l) => l.key === 'system.correlationId')?.value;
  assert.equal(correlation(alert?.labels), correlation(failed.labels));
  assert.equal(correlation(alert?.labels), failed.id);

  // resetOnSuccess (default): a second failure alerts again.
  await h.run('payments');
  assert.equal((await h.executionsOf('alert_on_failure', 'system')).length, 2);
  await h.scheduler.stop();
});

test('seed silver_layer: bronze_layer succeeding before 09:00 triggers it; after 09:00 it does not', async () => {
  const h = triggerHarness({ start: at('2025-01-06T07:00:00Z') });
  await h.scheduler.start();
  await h.deploy(seed('silver_layer'));
  await h.deploy(upstream('bronze_layer'));

  await h.advanceTo(at('2025-01-06T08:15:00Z'));
  const early = await h.run('bronze_layer');
  const silver = await h.executionsOf('silver_layer');
  assert.equal(silver.length, 1);
  assert.equal(silver[0]?.trigger?.variables?.['executionId'], early.id);
  assert.equal(silver[0]?.state.current, 'SUCCESS');

  await h.advanceTo(at('2025-01-07T10:30:00Z'));
  await h.run('bronze_layer');
  assert.equal((await h.executionsOf('silver_layer')).length, 1, 'too late on the 7th');

  await h.advanceTo(at('2025-01-08T08:59:00Z'));
  await h.run('bronze_layer');
  assert.equal((await h.executionsOf('silver_layer')).length, 2, 'in time again on the 8th');
  await h.scheduler.stop();
});

test('silver_layer: the 09:00 deadline is in the scheduler time zone', async () => {
  const h = triggerHarness({ start: at('2025-01-06T07:00:00Z'), scheduler: { timeZone: 'Europe/Paris' } });
  await h.scheduler.start();
  await h.deploy(seed('silver_layer'));
  await h.deploy(upstream('bronze_layer'));
  await h.advanceTo(at('2025-01-06T08:30:00Z')); // 09:30 in Paris
  await h.run('bronze_layer');
  assert.equal((await h.executionsOf('silver_layer')).length, 0);
  await h.advanceTo(at('2025-01-07T07:30:00Z')); // 08:30 in Paris
  await h.run('bronze_layer');
  assert.equal((await h.executionsOf('silver_layer')).length, 1);
  await h.scheduler.stop();
});

test('states: by default every terminal state; when listed, only those', async () => {
  const h = triggerHarness();
  await h.scheduler.start();
  await h.deploy(upstream('good'));
  await h.deploy(upstream('bad', fails));
  await h.deploy(
    yaml({
      id: 'downstream',
      namespace: 'company.team',
      tasks: [{ id: 'react', type: 'io.kestra.plugin.core.log.Log', message: 'reacting' }],
      triggers: [
        {
          id: 'any_end',
          type: FLOW,
          conditions: [
            {
              type: 'io.kestra.plugin.core.condition.ExecutionNamespace',
              namespace: 'company',
              comparison: 'PREFIX',
            },
          ],
        },
        { id: 'only_success', type: FLOW, states: ['SUCCESS'] },
      ],
    }),
  );
  await h.run('good');
  await h.run('bad');
  const fired = (await h.executionsOf('downstream')).map(
    (d) => `${d.trigger?.id}:${String(d.trigger?.variables?.['flowId'])}`,
  );
  assert.deepEqual(fired.sort(), ['any_end:bad', 'any_end:good', 'only_success:good']);
  await h.scheduler.stop();
});

test('conditions: ExecutionFlow, ExecutionStatus, ExecutionLabels, ExecutionOutputs, Expression', async () => {
  const h = triggerHarness();
  await h.scheduler.start();
  await h.deploy(
    upstream(
      'extract',
      [{ id: 'final_date', type: 'io.kestra.plugin.core.debug.Return', format: '2025-01-01' }],
      'company.team',
      {
        labels: { team: 'data' },
        outputs: [{ id: 'date', type: 'STRING', value: '{{ outputs.final_date.value }}' }],
      },
    ),
  );
  await h.deploy(upstream('other_flow'));
  await h.deploy(
    downstream(
      {
        inputs: { date: '{{ trigger.outputs.date }}', task_value: '{{ outputs.final_date.value }}' },
        conditions: [
          {
            type: 'io.kestra.plugin.core.condition.ExecutionFlow',
            namespace: 'company.team',
            flowId: 'extract',
          },
          { type: 'io.kestra.plugin.core.condition.ExecutionStatus', in: ['SUCCESS'] },
          { type: 'io.kestra.plugin.core.condition.ExecutionLabels', labels: { team: 'data' } },
          {
            type: 'io.kestra.plugin.core.condition.ExecutionOutputs',
            expression: "{{ trigger.outputs.date == '2025-01-01' }}",
          },
          { type: 'io.kestra.plugin.core.condition.Expression', expression: "{{ flow.id == 'extract' }}" },
        ],
      },
      {
        inputs: [
          { id: 'date', type: 'STRING' },
          { id: 'task_value', type: 'STRING' },
        ],
      },
    ),
  );
  const extract = await h.run('extract');
  await h.run('other_flow');
  const runs = await h.executionsOf('downstream');
  assert.equal(runs.length, 1);
  assert.deepEqual(runs[0]?.inputs, { date: '2025-01-01', task_value: '2025-01-01' });
  assert.deepEqual(runs[0]?.trigger?.variables?.['outputs'], { date: '2025-01-01' });
  assert.deepEqual(runs[0]?.trigger?.variables?.['executionLabels'], { team: 'data' });
  assert.equal(runs[0]?.trigger?.variables?.['executionId'], extract.id);
  await h.scheduler.stop();
});

test('SLIDING_WINDOW: both upstream flows must have succeeded within the last hour', async () => {
  const h = triggerHarness({ start: at('2025-01-06T10:00:00Z') });
  await h.scheduler.start();
  await h.deploy(upstream('flow_a'));
  await h.deploy(upstream('flow_b'));
  await h.deploy(
    downstream({
      preconditions: {
        id: 'both',
        timeWindow: { type: 'SLIDING_WINDOW', window: 'PT1H' },
        flows: [
          { namespace: 'company.team', flowId: 'flow_a', states: ['SUCCESS'] },
          { namespace: 'company.team', flowId: 'flow_b', states: ['SUCCESS'] },
        ],
      },
    }),
  );
  await h.run('flow_a');
  await h.advanceTo(at('2025-01-06T10:30:00Z'));
  const b = await h.run('flow_b');
  let runs = await h.executionsOf('downstream');
  assert.equal(runs.length, 1, 'a at 10:00 and b at 10:30 are within one hour');
  assert.equal(runs[0]?.trigger?.variables?.['executionId'], b.id, 'the execution that completed the set');

  await h.advanceTo(at('2025-01-06T12:00:00Z'));
  await h.run('flow_a');
  await h.advanceTo(at('2025-01-06T13:30:00Z'));
  await h.run('flow_b');
  runs = await h.executionsOf('downstream');
  assert.equal(runs.length, 1, 'a at 12:00 is more than an hour before b at 13:30');

  await h.advanceTo(at('2025-01-06T13:45:00Z'));
  await h.run('flow_a');
  assert.equal((await h.executionsOf('downstream')).length, 2, 'b at 13:30 and a at 13:45');
  await h.scheduler.stop();
});

test('DURATION_WINDOW: fixed hourly windows; progress does not carry into the next window', async () => {
  const h = triggerHarness({ start: at('2025-01-06T10:50:00Z') });
  await h.scheduler.start();
  await h.deploy(upstream('flow_a'));
  await h.deploy(upstream('flow_b'));
  await h.deploy(
    downstream({
      preconditions: {
        id: 'both',
        timeWindow: { type: 'DURATION_WINDOW', window: 'PT1H' },
        flows: [
          { namespace: 'company.team', flowId: 'flow_a' },
          { namespace: 'company.team', flowId: 'flow_b' },
        ],
      },
    }),
  );
  await h.run('flow_a');
  await h.advanceTo(at('2025-01-06T11:10:00Z'));
  await h.run('flow_b');
  assert.equal((await h.executionsOf('downstream')).length, 0, '10:50 and 11:10 fall in different windows');
  await h.advanceTo(at('2025-01-06T11:40:00Z'));
  await h.run('flow_a');
  assert.equal((await h.executionsOf('downstream')).length, 1, 'both within 11:00-12:00');
  await h.scheduler.stop();
});

test('DURATION_WINDOW with windowAdvance: daily windows from 06:00 to 06:00', async () => {
  const h = triggerHarness({ start: at('2025-01-06T05:00:00Z') });
  await h.scheduler.start();
  await h.deploy(upstream('flow_a'));
  await h.deploy(upstream('flow_b'));
  await h.deploy(
    downstream({
      preconditions: {
        id: 'both',
        timeWindow: { type: 'DURATION_WINDOW', window: 'P1D', windowAdvance: 'PT6H' },
        flows: [
          { namespace: 'company.team', flowId: 'flow_a' },
          { namespace: 'company.team', flowId: 'flow_b' },
        ],
      },
    }),
  );
  await h.run('flow_a'); // 05:00: the window of the 5th (06:00 on the 5th to 06:00 on the 6th)
  await h.advanceTo(at('2025-01-06T07:00:00Z'));
  await h.run('flow_b');
  assert.equal((await h.executionsOf('downstream')).length, 0);
  await h.advanceTo(at('2025-01-07T05:59:00Z'));
  await h.run('flow_a');
  assert.equal((await h.executionsOf('downstream')).length, 1);
  await h.scheduler.stop();
});

for (const resetOnSuccess of [true, false]) {
  test(`resetOnSuccess: ${resetOnSuccess}`, async () => {
    const h = triggerHarness({ start: at('2025-01-06T10:00:00Z') });
    await h.scheduler.start();
    await h.deploy(upstream('flow_a'));
    await h.deploy(upstream('flow_b'));
    await h.deploy(
      downstream({
        preconditions: {
          id: 'both',
          resetOnSuccess,
          flows: [
            { namespace: 'company.team', flowId: 'flow_a' },
            { namespace: 'company.team', flowId: 'flow_b' },
          ],
        },
      }),
    );
    await h.run('flow_a');
    await h.run('flow_b');
    assert.equal((await h.executionsOf('downstream')).length, 1);
    await h.run('flow_a');
    // Reset: flow_b must succeed again before the next start; kept: every later match starts it.
    assert.equal((await h.executionsOf('downstream')).length, resetOnSuccess ? 1 : 2);
    await h.run('flow_b');
    assert.equal((await h.executionsOf('downstream')).length, resetOnSuccess ? 2 : 3);
    await h.scheduler.stop();
  });
}

test('where filters: LABEL, EXPRESSION, IN and REGEX, with operand OR', async () => {
  const h = triggerHarness();
  await h.scheduler.start();
  await h.deploy(upstream('tagged', ok, 'company.team', { labels: { env: 'prod' } }));
  await h.deploy(upstream('ingest_daily'));
  await h.deploy(upstream('misc'));
  await h.deploy(
    downstream({
      preconditions: {
        id: 'filters',
        where: [
          {
            id: 'interesting',
            operand: 'OR',
            filters: [
              { field: 'LABEL', type: 'EQUAL_TO', value: 'env:prod' },
              { field: 'FLOW_ID', type: 'REGEX', value: 'ingest_[a-z]+' },
            ],
          },
          {
            id: 'succeeded',
            filters: [
              { field: 'STATE', type: 'IN', values: ['SUCCESS', 'WARNING'] },
              { field: 'EXPRESSION', type: 'IS_TRUE', value: "{{ trigger.namespace == 'company.team' }}" },
            ],
          },
        ],
      },
    }),
  );
  await h.run('misc');
  await h.run('tagged');
  await h.run('ingest_daily');
  const fired = (await h.executionsOf('downstream')).map((d) => d.trigger?.variables?.['flowId']);
  assert.deepEqual(fired, ['tagged', 'ingest_daily']);
  await h.scheduler.stop();
});

test('a REGEX that could backtrack exponentially is refused at registration', async () => {
  const h = triggerHarness();
  await h.deploy(
    downstream({
      preconditions: {
        id: 'p',
        where: [{ id: 'w', filters: [{ field: 'FLOW_ID', type: 'REGEX', value: '(a+)+b' }] }],
      },
    }),
  );
  const [stored] = await h.store.list();
  assert.match(stored?.problem ?? '', /nests repetitions/);
});

test('a flow does not trigger itself: its own executions are ignored', async () => {
  const h = triggerHarness();
  await h.scheduler.start();
  await h.deploy(upstream('any'));
  // No condition: every execution of every flow, as in Kestra — except its own.
  await h.deploy(downstream({}));
  await h.run('any');
  await h.settle();
  await h.clock.advance(1000);
  await h.settle();
  const runs = await h.executionsOf('downstream');
  assert.equal(runs.length, 1);
  assert.equal(runs[0]?.state.current, 'SUCCESS');
  await h.scheduler.stop();
});

test('each execution end counts once, even when reported twice', async () => {
  const h = triggerHarness();
  await h.scheduler.start();
  await h.deploy(upstream('flow_a'));
  await h.deploy(
    downstream({
      conditions: [
        {
          type: 'io.kestra.plugin.core.condition.ExecutionFlow',
          namespace: 'company.team',
          flowId: 'flow_a',
        },
      ],
    }),
  );
  const a = await h.run('flow_a');
  // A second scheduler (another replica) hearing the same end does not start the flow again.
  const { TriggerScheduler } = await import('../../../../app/src/triggers/trigger-scheduler.ts');
  const replica = new TriggerScheduler({
    store: h.store,
    // The same execution service, but its subscription replays the end of `a`.
    executions: new Proxy(h.executions, {
      get(target, name) {
        if (name === 'subscribe') {
          return (listener: (e: { execution: typeof a }) => void) => {
            listener({ execution: a });
            return () => {};
          };
        }
        const value = Reflect.get(target, name, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }),
    flows: { get: async (ns, id) => h.flows.get(`${ns}/${id}`) },
    clock: h.clock,
    log: { info() {}, warn() {}, error() {} },
  });
  await replica.start();
  await replica.idle();
  await h.settle();
  assert.equal((await h.executionsOf('downstream')).length, 1);
  await replica.stop();
  await h.scheduler.stop();
});
