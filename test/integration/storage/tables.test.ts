/** The query functions of each table group, on both drivers. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import {
  claimDelivery,
  completeDelivery,
  purgeDeliveries,
} from '../../../app/src/storage/delivery-claims.ts';
import { appendRevision } from '../../../app/src/storage/deployments.ts';
import { insertSteps, loadStep } from '../../../app/src/storage/execution-steps.ts';
import { purgeExecutions } from '../../../app/src/storage/executions.ts';
import {
  claimNamespace,
  getFlowRevision,
  getNamespaceOwner,
  listFlowRevisions,
  listFlows,
  releaseNamespace,
} from '../../../app/src/storage/flows.ts';
import { appendLogs, executionLogs, purgeLogs } from '../../../app/src/storage/logs.ts';
import { describeBackends } from '../helpers/backends.ts';

const T0 = new Date('2025-01-01T00:00:00Z');
const at = (s: number) => new Date(T0.getTime() + s * 1000);

describeBackends('storage tables', (backend) => {
  it('flows: revisions appended, current one per flow, removal, history, lists, namespace ownership', async (t) => {
    const { db, cleanup } = await backend.open();
    t.after(cleanup);
    const base = {
      namespace: 'company.team',
      flowId: 'etl',
      repository: 'acme/flows',
      branch: 'main',
      path: 'flows/etl.yaml',
      deleted: false,
    };
    const append = (revision: Partial<typeof base> & { source: string; sha: string }, now: Date) =>
      db.transaction((tx) => appendRevision(tx, { ...base, ...revision }, now));
    assert.equal((await append({ source: 'v1', sha: 'a1' }, at(0))).revision, 1);
    assert.equal((await append({ source: 'v2', sha: 'c3' }, at(2))).revision, 2);
    assert.equal((await getFlowRevision(db, 'company.team', 'etl'))?.sha, 'c3');
    await append({ namespace: 'company.team.sub', flowId: 'child', source: 's', sha: 'c3' }, at(3));
    await append(
      { namespace: 'companyx', flowId: 'other', source: 's', sha: 'x1', repository: 'acme/x' },
      at(3),
    );
    assert.deepEqual(
      (await listFlows(db, { namespace: 'company.team', withChildren: true })).map(
        (f) => `${f.namespace}/${f.flowId}`,
      ),
      ['company.team/etl', 'company.team.sub/child'],
    );
    assert.equal((await listFlows(db, { repository: 'acme/flows' })).length, 2);
    // Removal is a revision; the flow is gone from lists and lookups, its history stays.
    assert.equal((await append({ source: 'v2', sha: 'd4', deleted: true }, at(4))).revision, 3);
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
    assert.equal((await append({ source: 'v2', sha: 'e5' }, at(5))).revision, 4);
    assert.equal((await getFlowRevision(db, 'company.team', 'etl'))?.revision, 4);

    assert.equal(await claimNamespace(db, 'company.team', 'acme/flows', at(0)), 'acme/flows');
    assert.equal(await claimNamespace(db, 'company.team', 'acme/flows', at(1)), 'acme/flows');
    assert.equal(await claimNamespace(db, 'company.team', 'evil/flows', at(2)), 'acme/flows');
    assert.equal(await releaseNamespace(db, 'company.team', 'evil/flows'), false);
    assert.equal(await releaseNamespace(db, 'company.team', 'acme/flows'), true);
    assert.equal(await getNamespaceOwner(db, 'company.team'), undefined);
  });

  it('executions: ended ones older than the cutoff are purged with their logs', async (t) => {
    const { db, cleanup } = await backend.open();
    t.after(cleanup);
    const row = (id: string, endedAt?: Date) => ({
      id,
      namespace: 'company',
      flowId: 'etl',
      state: endedAt === undefined ? 'RUNNING' : 'SUCCESS',
      document: { id },
      flow: {},
      endedAt,
    });
    await insertSteps(db, [row('e1'), row('e2', at(20)), row('e3', at(30))], at(0));
    await appendLogs(db, [{ executionId: 'e2', level: 'INFO', message: 'kept until purge', ts: at(5) }]);
    assert.deepEqual(await purgeExecutions(db, at(21)), [{ id: 'e2', namespace: 'company', flowId: 'etl' }]);
    assert.equal(await loadStep(db, 'e2'), undefined);
    assert.ok((await loadStep(db, 'e1')) !== undefined, 'an unfinished execution stays');
    assert.ok((await loadStep(db, 'e3')) !== undefined, 'one ended after the cutoff stays');
    assert.deepEqual(await executionLogs(db, 'e2'), [], 'logs of a purged execution are deleted with it');
  });

  it('logs: batched appends in order, read by cursor, level and task run', async (t) => {
    const { db, cleanup } = await backend.open();
    t.after(cleanup);
    await insertSteps(
      db,
      [{ id: 'e1', namespace: 'company', flowId: 'etl', state: 'RUNNING', document: {}, flow: {} }],
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
