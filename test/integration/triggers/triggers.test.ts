/**
 * The trigger registry and scheduler on a real database (Postgres and PGlite): registrations and
 * their state survive a restart and the redeploy of an unchanged trigger, registry changes reach
 * the other replicas, and two schedulers on one database fire each instant once (leader election),
 * including across a leader change; a Flow trigger heard by two replicas starts its flow once.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type {
  ExecutionDocument,
  ExecutionEvent,
  ExecutionService,
  StartRequest,
} from '../../../app/src/execution/contract.ts';
import { DatabaseTriggerStore } from '../../../app/src/triggers/database-trigger-store.ts';
import { TriggerScheduler } from '../../../app/src/triggers/trigger-scheduler.ts';
import type { TriggerLogger } from '../../../app/src/triggers/types.ts';
import { type Flow, Flow as FlowSchema } from '../../../flows-schema/src/schema/flow.ts';
import type { Trigger } from '../../../flows-schema/src/triggers/triggers.ts';
import { describeBackends, eventually } from '../helpers/backends.ts';

const quiet: TriggerLogger = { info() {}, warn() {}, error() {} };

function flowWith(id: string, triggers: unknown[]): Flow {
  return FlowSchema.parse({
    id,
    namespace: 'company.team',
    tasks: [{ id: 'hello', type: 'io.kestra.plugin.core.log.Log', message: 'hi' }],
    triggers,
  }) as Flow;
}

function ref(flowId: string, sha = 'abc123') {
  return {
    namespace: 'company.team',
    flowId,
    repository: 'acme/flows',
    sha,
    path: `flows/${flowId}.yaml`,
    revision: 1,
  };
}

/** Records what the scheduler starts; `end(doc)` reports an execution's end to subscribers. */
class RecordingExecutions {
  readonly started: StartRequest[] = [];
  readonly #listeners = new Set<(e: ExecutionEvent) => void>();

  asService(): ExecutionService {
    const notUsed = () => Promise.reject(new Error('not used by the scheduler'));
    return {
      start: async (request) => {
        this.started.push(request);
        return document(`run${this.started.length}`, request.flow.id, 'CREATED');
      },
      get: notUsed,
      waitForTerminal: notUsed,
      logs: notUsed,
      kill: notUsed,
      pause: notUsed,
      resume: notUsed,
      restart: notUsed,
      replay: notUsed,
      subscribe: (listener) => {
        this.#listeners.add(listener);
        return () => this.#listeners.delete(listener);
      },
    };
  }

  end(doc: ExecutionDocument): void {
    for (const l of this.#listeners) l({ execution: doc });
  }
}

function document(id: string, flowId: string, state: 'CREATED' | 'SUCCESS'): ExecutionDocument {
  return {
    id,
    namespace: 'company.team',
    flowId,
    state: { current: state, histories: [{ state: 'CREATED', date: new Date().toISOString() }] },
    taskRunList: [],
    inputs: {},
    labels: [{ key: 'system.correlationId', value: id }],
  };
}

describeBackends('trigger registry', (backend) => {
  it('registrations and their state survive a restart and the redeploy of an unchanged trigger', async (t) => {
    const opened = await backend.open();
    t.after(opened.cleanup);
    let now = Date.UTC(2025, 0, 1);
    const clock = { now: () => now };
    const first = new DatabaseTriggerStore(opened.db, clock);
    const nightly = {
      id: 'nightly',
      type: 'io.kestra.plugin.core.trigger.Schedule',
      cron: '0 2 * * *',
    } as Trigger;
    const hook = { id: 'hook', type: 'io.kestra.plugin.core.trigger.Webhook', key: 'secret-key' } as Trigger;
    await first.replace(ref('etl'), [nightly, hook, { ...nightly, id: 'off', disabled: true } as Trigger]);
    const key = { namespace: 'company.team', flowId: 'etl', triggerId: 'nightly' };
    await first.update(key, async (tr) => ({
      runtime: {
        ...tr.runtime,
        state: { since: tr.registeredAt, cursor: Date.UTC(2025, 0, 1, 2) },
        nextFireAt: Date.UTC(2025, 0, 2, 2),
      },
      result: undefined,
    }));

    // A restarted app (a new store on another connection) finds everything as it was.
    const restarted = new DatabaseTriggerStore(await opened.openReplica(), clock);
    const listed = await restarted.list({ namespace: 'company.team', flowId: 'etl' });
    assert.deepEqual(
      listed.map((x) => [x.triggerId, x.kind, x.disabled]),
      [
        ['hook', 'webhook', false],
        ['nightly', 'schedule', false],
        ['off', 'schedule', true],
      ],
    );
    assert.deepEqual((await restarted.get(key))?.runtime, {
      state: { since: Date.UTC(2025, 0, 1), cursor: Date.UTC(2025, 0, 1, 2) },
      nextFireAt: Date.UTC(2025, 0, 2, 2),
      stopped: false,
    });
    assert.equal(await restarted.nextDue(), Date.UTC(2025, 0, 2, 2), 'the disabled trigger is never due');
    assert.deepEqual(await restarted.due(Date.UTC(2025, 0, 2, 3), 10), [key]);

    // Redeploy from a new commit, the trigger unchanged: state kept, executions pin to the new commit.
    now += 3_600_000;
    await restarted.replace(ref('etl', 'def456'), [nightly, hook]);
    const kept = await first.get(key);
    assert.equal(kept?.runtime.nextFireAt, Date.UTC(2025, 0, 2, 2));
    assert.equal(kept?.flow.sha, 'def456');
    assert.equal(await first.get({ ...key, triggerId: 'off' }), undefined, 'removed from the flow: gone');

    // A changed trigger starts afresh.
    await first.replace(ref('etl', 'fff000'), [{ ...nightly, cron: '0 3 * * *' } as Trigger]);
    const changed = await restarted.get(key);
    assert.deepEqual(changed?.runtime, { state: { since: now }, nextFireAt: now, stopped: false });

    // stopAfter: stopped survives; restarting plans from now.
    assert.equal(await first.setStopped(key, true), true);
    assert.equal((await restarted.get(key))?.runtime.stopped, true);
    assert.equal(await restarted.nextDue(), undefined);
    await first.remove('company.team', 'etl');
    assert.deepEqual(await restarted.list(), []);
  });

  it('a registry change made on one replica wakes the other', async (t) => {
    const opened = await backend.open();
    t.after(opened.cleanup);
    const clock = { now: () => Date.now() };
    const a = new DatabaseTriggerStore(opened.db, clock);
    const b = new DatabaseTriggerStore(await opened.openReplica(), clock);
    let heard = 0;
    const stop = await b.watch(() => heard++);
    t.after(stop);
    await a.replace(ref('etl'), [
      { id: 'hook', type: 'io.kestra.plugin.core.trigger.Webhook', key: 'k' } as Trigger,
    ]);
    await eventually(() => heard > 0, 5000, 'notification from the other replica');
  });

  it('two schedulers on one database fire each instant once, across a change of leader', async (t) => {
    const opened = await backend.open();
    t.after(opened.cleanup);
    const replica = await opened.openReplica();
    const flow = flowWith('ticker', [
      { id: 'tick', type: 'io.kestra.plugin.core.trigger.Schedule', cron: '* * * * * *', withSeconds: true },
    ]);
    const recording = new RecordingExecutions();
    const schedulers = [opened.db, replica].map(
      (db) =>
        new TriggerScheduler({
          store: new DatabaseTriggerStore(db, { now: () => Date.now() }),
          executions: recording.asService(),
          flows: { get: async () => flow },
          db,
          electionIntervalMs: 100,
          log: quiet,
        }),
    );
    for (const s of schedulers) await s.start();
    t.after(async () => {
      for (const s of schedulers) await s.stop();
    });
    await new DatabaseTriggerStore(opened.db, { now: () => Date.now() }).replace(
      ref('ticker'),
      flow.triggers ?? [],
    );
    await eventually(() => recording.started.length >= 3, 8000, 'three ticks');
    const leader = schedulers.find((s) => s.isLeader);
    assert.ok(leader !== undefined);
    assert.equal(schedulers.filter((s) => s.isLeader).length, 1);
    const before = recording.started.length;
    await leader.stop();
    await eventually(() => recording.started.length >= before + 3, 8000, 'the other replica takes over');
    const follower = schedulers.find((s) => s !== leader);
    assert.equal(follower?.isLeader, true);
    await follower?.stop();

    const instants = recording.started.map((r) => Date.parse(String(r.trigger?.variables?.['date'])));
    assert.equal(new Set(instants).size, instants.length, 'no instant fired twice');
    const sorted = [...instants].sort((x, y) => x - y);
    for (let i = 1; i < sorted.length; i++) {
      assert.equal(sorted[i]! - sorted[i - 1]!, 1000, 'no second missed, even while the leader changed');
    }
    assert.ok(recording.started.every((r) => r.source?.sha === 'abc123'));
  });

  it('a Flow trigger heard on two replicas starts its flow once', async (t) => {
    const opened = await backend.open();
    t.after(opened.cleanup);
    const replica = await opened.openReplica();
    const downstream = flowWith('downstream', [
      {
        id: 'after_upstream',
        type: 'io.kestra.plugin.core.trigger.Flow',
        preconditions: {
          id: 'p',
          flows: [{ namespace: 'company.team', flowId: 'upstream', states: ['SUCCESS'] }],
        },
      },
    ]);
    const recordings = [new RecordingExecutions(), new RecordingExecutions()];
    const schedulers = [opened.db, replica].map(
      (db, i) =>
        new TriggerScheduler({
          store: new DatabaseTriggerStore(db, { now: () => Date.now() }),
          executions: recordings[i]!.asService(),
          flows: { get: async () => downstream },
          log: quiet,
        }),
    );
    for (const s of schedulers) await s.start();
    await new DatabaseTriggerStore(opened.db, { now: () => Date.now() }).replace(
      ref('downstream'),
      downstream.triggers ?? [],
    );
    // Both replicas hear the same end (a cluster-wide subscription), at the same moment.
    const ended = document('up1', 'upstream', 'SUCCESS');
    for (const r of recordings) r.end(ended);
    for (const s of schedulers) await s.idle();
    const started = recordings.flatMap((r) => r.started);
    assert.equal(started.length, 1);
    assert.equal(started[0]?.trigger?.variables?.['executionId'], 'up1');
    assert.deepEqual(
      started[0]?.labels?.find((l) => l.key === 'system.correlationId'),
      { key: 'system.correlationId', value: 'up1' },
    );
    for (const s of schedulers) await s.stop();
  });
});
