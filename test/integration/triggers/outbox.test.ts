/**
 * Exactly-once trigger starts on a real database and the durable execution service: a trigger's
 * decision to start is committed with its state (the outbox), so a replica that dies right after
 * the commit, or after claiming the start, or even after starting it but before clearing the
 * outbox, neither loses nor repeats the execution; another replica makes it, once.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { FlowRepository } from '../../../app/src/execution/contract.ts';
import { newId } from '../../../app/src/execution/ids.ts';
import { DatabaseTriggerStore } from '../../../app/src/triggers/database-trigger-store.ts';
import { TriggerScheduler } from '../../../app/src/triggers/trigger-scheduler.ts';
import type { LaunchRequest, TriggerKey, TriggerLogger } from '../../../app/src/triggers/types.ts';
import type { Trigger } from '../../../flows-schema/src/triggers/triggers.ts';
import { describeBackends, eventually } from '../helpers/backends.ts';
import { parseFlow, startTestServer } from '../server/support/harness.ts';

const quiet: TriggerLogger = { info() {}, warn() {}, error() {} };

const flow = parseFlow(`
id: nightly
namespace: company.team
inputs:
  - { id: day, type: STRING }
tasks:
  - id: hello
    type: io.kestra.plugin.core.debug.Return
    format: "{{ inputs.day }}"
triggers:
  - id: every_night
    type: io.kestra.plugin.core.trigger.Webhook
    key: a-key-nobody-calls
`);
// A trigger the scheduler itself never fires, so the test alone decides what the outbox holds.
const key: TriggerKey = { namespace: 'company.team', flowId: 'nightly', triggerId: 'every_night' };
const ref = {
  namespace: 'company.team',
  flowId: 'nightly',
  repository: 'acme/flows',
  sha: 'abc123',
  path: 'flows/nightly.yaml',
  revision: 1,
};
const flows: FlowRepository = {
  get: async (ns, id) => (ns === flow.namespace && id === flow.id ? flow : undefined),
};

function request(day: string): LaunchRequest {
  return { variables: { date: day }, inputs: { day }, labels: [{ key: 'day', value: day }] };
}

describeBackends('trigger outbox', (backend) => {
  it('starts committed by a replica that then died are made once each, with their outbox ids', async (t) => {
    const s = await startTestServer(backend, t);
    await s.runner();
    const { executions, db } = s.server.services;
    const live = new DatabaseTriggerStore(db, { now: () => Date.now() });
    await live.replace(ref, (flow.triggers ?? []) as Trigger[]);

    // The dead replica: its own connection, its own store; it commits three starts with the state…
    const deadDb = await s.openReplica();
    const dead = new DatabaseTriggerStore(deadDb, { now: () => Date.now() });
    await dead.update(key, async (trigger) => ({
      runtime: { ...trigger.runtime, state: { lastDate: '2025-01-03' } },
      starts: [request('2025-01-01'), request('2025-01-02'), request('2025-01-03')],
      result: undefined,
    }));
    // …claims the first two for 400 ms, makes the execution of the first, and dies before clearing it.
    const [first, second] = await dead.claimStarts(2, 400);
    assert.ok(first !== undefined && second !== undefined);
    const made = await executions.start({ id: first.id, flow, inputs: first.request.inputs });
    assert.equal(made.id, first.id);

    // A live replica's scheduler relays what is left: the third at once, the claimed two after the lease.
    const scheduler = new TriggerScheduler({
      store: live,
      executions,
      flows,
      log: quiet,
      startLeaseMs: 5000,
    });
    await scheduler.start();
    t.after(() => scheduler.stop());
    await eventually(async () => (await outbox()).length === 0, 10_000, 'the outbox is drained');

    const ids = [first.id, second.id];
    const rows = await db.query<{ id: string; day: string }>(
      `SELECT id, document->'inputs'->>'day' AS day FROM "${db.schema}".executions WHERE flow_id = 'nightly' ORDER BY 2`,
    );
    assert.deepEqual(
      rows.rows.map((r) => r.day),
      ['2025-01-01', '2025-01-02', '2025-01-03'],
      'one execution per committed start, none twice',
    );
    for (const id of ids)
      assert.ok(
        rows.rows.some((r) => r.id === id),
        `execution ${id} has its outbox id`,
      );
    for (const r of rows.rows) assert.equal((await s.waitFor(r.id)).state.current, 'SUCCESS');
    const stored = await live.get(key);
    assert.deepEqual(stored?.runtime.state, { lastDate: '2025-01-03' });

    async function outbox(): Promise<string[]> {
      const r = await db.query<{ id: string }>(`SELECT id FROM "${db.schema}".trigger_starts`);
      return r.rows.map((x) => x.id);
    }
  });

  it('a start may bring its execution id (polling triggers): held until its execution exists', async (t) => {
    const s = await startTestServer(backend, t);
    await s.runner();
    const { executions, db } = s.server.services;
    const store = new DatabaseTriggerStore(db, { now: () => Date.now() });
    await store.replace(ref, (flow.triggers ?? []) as Trigger[]);
    const chosen = newId();
    await store.update(key, async () => ({
      starts: [{ ...request('2025-03-01'), executionId: chosen }],
      result: undefined,
    }));
    assert.equal(await store.hasStart(chosen), true);
    assert.equal(await store.hasStart('some0other0id'), false);
    const scheduler = new TriggerScheduler({ store, executions, flows, log: quiet });
    await scheduler.start();
    t.after(() => scheduler.stop());
    await eventually(async () => !(await store.hasStart(chosen)), 10_000, 'the start is relayed');
    assert.equal((await s.waitFor(chosen)).state.current, 'SUCCESS');
  });

  it('a start whose flow is gone leaves the outbox with a message; a passing failure is retried', async (t) => {
    const s = await startTestServer(backend, t);
    const { executions, db } = s.server.services;
    const store = new DatabaseTriggerStore(db, { now: () => Date.now() });
    await store.replace(ref, (flow.triggers ?? []) as Trigger[]);
    const errors: string[] = [];
    let calls = 0;
    const flaky: FlowRepository = {
      get: async (ns, id) => {
        calls++;
        if (calls === 1) throw new Error('connection reset');
        return calls === 2 ? flows.get(ns, id) : undefined;
      },
    };
    const scheduler = new TriggerScheduler({
      store,
      executions,
      flows: flaky,
      log: { ...quiet, error: (m) => errors.push(m) },
    });
    await scheduler.start();
    t.after(() => scheduler.stop());
    await store.update(key, async () => ({ starts: [request('2025-02-01')], result: undefined }));
    await eventually(() => calls >= 2, 10_000, 'tried again after the passing failure');
    await store.update(key, async () => ({ starts: [request('2025-02-02')], result: undefined }));
    await eventually(() => calls >= 3, 10_000, 'the second start is tried');
    await scheduler.idle();
    const left = await db.query(`SELECT 1 FROM "${db.schema}".trigger_starts`);
    assert.equal(left.rows.length, 0);
    const started = await db.query(`SELECT 1 FROM "${db.schema}".executions WHERE flow_id = 'nightly'`);
    assert.equal(started.rows.length, 1, 'the retried start ran; the one whose flow vanished did not');
    assert.match(errors[0] ?? '', /connection reset; trying again in 1 s/);
    assert.match(errors[1] ?? '', /the flow is not deployed any more; nothing started/);
  });
});
