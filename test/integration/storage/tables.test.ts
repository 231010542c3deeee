/** The query functions of each table group, on both drivers. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import {
  claimDelivery,
  completeDelivery,
  purgeDeliveries,
} from '../../../app/src/storage/delivery-claims.ts';
import {
  countUnfinished,
  getExecution,
  insertExecution,
  listExecutions,
  purgeExecutions,
  updateExecution,
} from '../../../app/src/storage/executions.ts';
import {
  claimNamespace,
  deployFlowRevision,
  getDeployedSha,
  getFlowRevision,
  getNamespaceOwner,
  listFlowRevisions,
  listFlows,
  releaseNamespace,
  setDeployedSha,
} from '../../../app/src/storage/flows.ts';
import { appendLogs, executionLogs, purgeLogs } from '../../../app/src/storage/logs.ts';
import {
  claimDueTriggers,
  deleteTriggerStates,
  getTriggerState,
  putTriggerState,
} from '../../../app/src/storage/triggers.ts';
import { describeBackends, eventually } from '../helpers/backends.ts';

const T0 = new Date('2025-01-01T00:00:00Z');
const at = (s: number) => new Date(T0.getTime() + s * 1000);

describeBackends('storage tables', (backend) => {
  it('flows: a revision per change, removal, history, lists, deploy state, namespace ownership', async (t) => {
    const { db, cleanup } = await backend.open();
    t.after(cleanup);
    const base = {
      namespace: 'company.team',
      flowId: 'etl',
      repository: 'acme/flows',
      branch: 'main',
      path: 'flows/etl.yaml',
    };
    assert.deepEqual(await deployFlowRevision(db, { ...base, source: 'v1', sha: 'a1' }, at(0)), {
      revision: 1,
      created: true,
    });
    assert.deepEqual(await deployFlowRevision(db, { ...base, source: 'v1', sha: 'b2' }, at(1)), {
      revision: 1,
      created: false,
    });
    assert.deepEqual(await deployFlowRevision(db, { ...base, source: 'v2', sha: 'c3' }, at(2)), {
      revision: 2,
      created: true,
    });
    assert.equal((await getFlowRevision(db, 'company.team', 'etl'))?.sha, 'c3');
    await deployFlowRevision(db, { namespace: 'company.team.sub', flowId: 'child', source: 's' }, at(3));
    await deployFlowRevision(db, { namespace: 'companyx', flowId: 'other', source: 's' }, at(3));
    assert.deepEqual(
      (await listFlows(db, { namespace: 'company.team', withChildren: true })).map(
        (f) => `${f.namespace}/${f.flowId}`,
      ),
      ['company.team/etl', 'company.team.sub/child'],
    );
    assert.equal((await listFlows(db, { repository: 'acme/flows' })).length, 1);
    // Removal is a revision; the flow is gone from lists and lookups, its history stays.
    assert.deepEqual(
      await deployFlowRevision(db, { ...base, source: 'v2', sha: 'd4', deleted: true }, at(4)),
      {
        revision: 3,
        created: true,
      },
    );
    assert.equal(await getFlowRevision(db, 'company.team', 'etl'), undefined);
    assert.equal((await getFlowRevision(db, 'company.team', 'etl', 2))?.source, 'v2');
    assert.deepEqual(
      (await listFlowRevisions(db, 'company.team', 'etl')).map((r) => [r.revision, r.sha, r.deleted]),
      [
        [1, 'a1', false],
        [2, 'c3', false],
        [3, 'd4', true],
      ],
    );
    // Restored later: a new revision.
    assert.deepEqual(await deployFlowRevision(db, { ...base, source: 'v2', sha: 'e5' }, at(5)), {
      revision: 4,
      created: true,
    });
    // Removing a flow that never existed records nothing.
    assert.deepEqual(
      await deployFlowRevision(db, { namespace: 'a', flowId: 'ghost', source: '', deleted: true }, at(5)),
      {
        revision: 0,
        created: false,
      },
    );

    assert.equal(await getDeployedSha(db, 'acme/flows', 'main'), undefined);
    await setDeployedSha(db, 'acme/flows', 'main', 'e5', at(5));
    await setDeployedSha(db, 'acme/flows', 'main', 'f6', at(6));
    assert.equal(await getDeployedSha(db, 'acme/flows', 'main'), 'f6');

    assert.equal(await claimNamespace(db, 'company.team', 'acme/flows', at(0)), 'acme/flows');
    assert.equal(await claimNamespace(db, 'company.team', 'acme/flows', at(1)), 'acme/flows');
    assert.equal(await claimNamespace(db, 'company.team', 'evil/flows', at(2)), 'acme/flows');
    assert.equal(await releaseNamespace(db, 'company.team', 'evil/flows'), false);
    assert.equal(await releaseNamespace(db, 'company.team', 'acme/flows'), true);
    assert.equal(await getNamespaceOwner(db, 'company.team'), undefined);
  });

  it('executions: whole-document updates guarded by version, lists and purge', async (t) => {
    const { db, cleanup } = await backend.open();
    t.after(cleanup);
    const doc = (state: string) => ({ state, taskRuns: [{ id: 'tr1', state }], note: 'it\'s "quoted"' });
    for (const [i, id] of ['e1', 'e2', 'e3'].entries()) {
      await insertExecution(
        db,
        {
          id,
          namespace: 'company',
          flowId: i === 2 ? 'other' : 'etl',
          state: 'CREATED',
          sha: 'abc',
          document: doc('CREATED'),
        },
        at(i),
      );
    }
    const e1 = await getExecution<ReturnType<typeof doc>>(db, 'e1');
    assert.equal(e1?.version, 1);
    assert.deepEqual(e1?.document, doc('CREATED'));
    assert.equal(e1?.sha, 'abc');
    // Two writers read version 1; only the first update wins.
    assert.equal(
      await updateExecution(
        db,
        { id: 'e1', expectedVersion: 1, state: 'RUNNING', document: doc('RUNNING') },
        at(10),
      ),
      2,
    );
    assert.equal(
      await updateExecution(
        db,
        { id: 'e1', expectedVersion: 1, state: 'FAILED', document: doc('FAILED') },
        at(10),
      ),
      undefined,
    );
    assert.equal((await getExecution(db, 'e1'))?.state, 'RUNNING');
    await updateExecution(
      db,
      { id: 'e2', expectedVersion: 1, state: 'SUCCESS', document: doc('SUCCESS'), endedAt: at(20) },
      at(20),
    );
    assert.deepEqual(
      (await listExecutions(db, { namespace: 'company', flowId: 'etl' })).map((e) => e.id),
      ['e2', 'e1'],
    );
    assert.deepEqual(
      (await listExecutions(db, { unfinished: true })).map((e) => e.id),
      ['e3', 'e1'],
    );
    assert.deepEqual(
      (await listExecutions(db, { states: ['SUCCESS', 'CREATED'] })).map((e) => e.id),
      ['e3', 'e2'],
    );
    assert.deepEqual(
      (await listExecutions(db, { before: at(2), limit: 1 })).map((e) => e.id),
      ['e2'],
    );
    assert.equal(await countUnfinished(db, 'company', 'etl'), 1);

    await appendLogs(db, [{ executionId: 'e2', level: 'INFO', message: 'kept until purge', ts: at(5) }]);
    assert.deepEqual(await purgeExecutions(db, at(21)), [{ id: 'e2', namespace: 'company', flowId: 'etl' }]);
    assert.equal(await getExecution(db, 'e2'), undefined);
    assert.deepEqual(await executionLogs(db, 'e2'), [], 'logs of a purged execution are deleted with it');
  });

  it('logs: batched appends in order, read by cursor, level and task run', async (t) => {
    const { db, cleanup } = await backend.open();
    t.after(cleanup);
    await insertExecution(
      db,
      { id: 'e1', namespace: 'company', flowId: 'etl', state: 'RUNNING', document: {} },
      at(0),
    );
    await appendLogs(db, [
      {
        executionId: 'e1',
        taskRunId: 'tr1',
        taskId: 'extract',
        attempt: 1,
        level: 'DEBUG',
        message: 'one',
        ts: at(1),
      },
      {
        executionId: 'e1',
        taskRunId: 'tr1',
        taskId: 'extract',
        attempt: 1,
        level: 'INFO',
        message: 'two\nlines',
        ts: at(1),
      },
      { executionId: 'e1', taskRunId: 'tr2', taskId: 'load', level: 'ERROR', message: 'three', ts: at(2) },
    ]);
    await appendLogs(db, []);
    const all = await executionLogs(db, 'e1');
    assert.deepEqual(
      all.map((l) => l.message),
      ['one', 'two\nlines', 'three'],
    );
    assert.equal(all[0]?.attempt, 1);
    assert.equal(all[0]?.ts.toISOString(), at(1).toISOString());
    assert.deepEqual(
      (await executionLogs(db, 'e1', { afterId: all[0]?.id })).map((l) => l.message),
      ['two\nlines', 'three'],
    );
    assert.deepEqual(
      (await executionLogs(db, 'e1', { minLevel: 'INFO' })).map((l) => l.level),
      ['INFO', 'ERROR'],
    );
    assert.deepEqual(
      (await executionLogs(db, 'e1', { taskRunId: 'tr2' })).map((l) => l.taskId),
      ['load'],
    );
    assert.equal(await purgeLogs(db, at(2)), 2);
    await assert.rejects(
      appendLogs(db, [{ executionId: 'missing', level: 'INFO', message: 'x', ts: at(0) }]),
      /foreign key|violates/,
    );
  });

  it('trigger state: upsert, due triggers claimed once per transaction, cleanup of removed triggers', async (t) => {
    const opened = await backend.open();
    const { db } = opened;
    t.after(opened.cleanup);
    const key = (triggerId: string) => ({ namespace: 'company', flowId: 'etl', triggerId });
    await putTriggerState(db, key('hourly'), { state: { last: 'x' }, nextFireAt: at(60) }, at(0));
    await putTriggerState(db, key('daily'), { state: {}, nextFireAt: at(3600) }, at(0));
    await putTriggerState(db, key('off'), { state: {}, nextFireAt: at(0), disabled: true }, at(0));
    assert.deepEqual((await getTriggerState(db, key('hourly')))?.state, { last: 'x' });
    assert.deepEqual(
      (await claimDueTriggers(db, at(60), 10)).map((r) => r.triggerId),
      ['hourly'],
    );
    if (backend.name === 'postgres') {
      // Replicas evaluating at once split the due triggers: a row another transaction holds is skipped.
      const replica = await opened.openReplica();
      let release!: () => void;
      const holding = new Promise<void>((r) => (release = r));
      let first: string[] | undefined;
      const firstTx = replica.transaction(async (tx) => {
        first = (await claimDueTriggers(tx, at(7200), 1)).map((r) => r.triggerId);
        await holding;
      });
      await eventually(() => first !== undefined, 3000, 'first replica claimed');
      const second = (await db.transaction((tx) => claimDueTriggers(tx, at(7200), 10))).map(
        (r) => r.triggerId,
      );
      release();
      await firstTx;
      assert.deepEqual(first, ['hourly']);
      assert.deepEqual(second, ['daily']);
    }
    await db.transaction(async (tx) => {
      const claimed = await claimDueTriggers(tx, at(7200), 10);
      assert.deepEqual(
        claimed.map((r) => r.triggerId),
        ['hourly', 'daily'],
      );
      await putTriggerState(tx, key('hourly'), { state: { last: 'y' }, nextFireAt: at(7260) }, at(7200));
    });
    assert.equal(await deleteTriggerStates(db, 'company', 'etl', ['daily']), 2);
    assert.equal(await getTriggerState(db, key('hourly')), undefined);
    assert.ok((await getTriggerState(db, key('daily'))) !== undefined);
  });

  it('webhook deliveries past the retention are purged, unless still unprocessed and retried', async (t) => {
    const { db, cleanup } = await backend.open();
    t.after(cleanup);
    const d = (id: string) => ({ id, name: 'push', payload: { n: 1 } });
    assert.equal(await claimDelivery(db, d('old'), at(0), at(60), at(-86_400)), true);
    await completeDelivery(db, 'old', at(1));
    assert.equal(await claimDelivery(db, d('pending'), at(0), at(60), at(-86_400)), true);
    assert.equal(await claimDelivery(db, d('new'), at(100), at(160), at(-86_400)), true);
    await completeDelivery(db, 'new', at(101));
    assert.equal(await purgeDeliveries(db, at(50)), 1, 'only the processed old one');
    const left = await db.query<{ id: string }>(
      `SELECT delivery_id AS id FROM "${db.schema}".webhook_deliveries ORDER BY 1`,
    );
    assert.deepEqual(
      left.rows.map((r) => r.id),
      ['new', 'pending'],
    );
  });
});
