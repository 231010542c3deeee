/**
 * Retention on both drivers: expired KV, old webhook deliveries, and executions, logs and
 * internal-storage files past their retention are purged; newer ones are kept; of two replicas
 * only the elected one purges, and the other takes over when it stops.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { RetentionPurger, type RetentionReport } from '../../../app/src/retention/retention-purger.ts';
import { LocalFolderStorage } from '../../../app/src/server/local-folder-storage.ts';
import type { Database } from '../../../app/src/storage/database.ts';
import {
  claimDelivery,
  completeDelivery,
  receivedDeliveries,
} from '../../../app/src/storage/delivery-claims.ts';
import { insertSteps, loadStep } from '../../../app/src/storage/execution-steps.ts';
import { getCheckRunLink, setCheckRunLink } from '../../../app/src/storage/github-links.ts';
import { getKv, putKv } from '../../../app/src/storage/kv.ts';
import { appendLogs, executionLogs } from '../../../app/src/storage/logs.ts';
import { describeBackends, eventually } from '../helpers/backends.ts';

const DAY = 86_400_000;

/** Rows and files aged relative to now: one execution past retention, one within it, one running. */
async function seed(db: Database, storage: LocalFolderStorage) {
  const now = Date.now();
  const ago = (ms: number) => new Date(now - ms);
  const execution = async (id: string, endedDaysAgo: number | undefined) => {
    await insertSteps(
      db,
      [
        {
          id,
          namespace: 'company.team',
          flowId: 'etl',
          state: endedDaysAgo === undefined ? 'RUNNING' : 'SUCCESS',
          document: {},
          flow: {},
          endedAt: endedDaysAgo === undefined ? undefined : ago(endedDaysAgo * DAY),
        },
      ],
      ago(100 * DAY),
    );
    const uri = await storage.put(
      { namespace: 'company.team', flowId: 'etl', executionId: id, taskId: 't', taskRunId: `${id}-r` },
      'out.txt',
      `output of ${id}`,
    );
    return storage.localPath(uri);
  };
  const files = {
    old: await execution('old', 40),
    recent: await execution('recent', 1),
    running: await execution('running', undefined),
  };
  await appendLogs(db, [
    { executionId: 'old', level: 'INFO', message: 'old line', ts: ago(40 * DAY) },
    { executionId: 'recent', level: 'INFO', message: 'ten days old', ts: ago(10 * DAY) },
    { executionId: 'recent', level: 'INFO', message: 'an hour old', ts: ago(3_600_000) },
    { executionId: 'running', level: 'INFO', message: 'still running', ts: ago(60_000) },
  ]);
  await setCheckRunLink(db, 'old', { repository: 'acme/flows', checkRunId: 1 }, ago(40 * DAY));
  await setCheckRunLink(db, 'recent', { repository: 'acme/flows', checkRunId: 2 }, ago(DAY));
  await putKv(
    db,
    { namespace: 'company', key: 'expired', type: 'STRING', value: 'x', expiresAt: ago(1000) },
    ago(DAY),
  );
  await putKv(
    db,
    { namespace: 'company', key: 'live', type: 'STRING', value: 'y', expiresAt: ago(-DAY) },
    ago(DAY),
  );
  for (const [id, received] of [
    ['d-old', ago(2 * DAY)],
    ['d-new', ago(60_000)],
  ] as const) {
    await claimDelivery(
      db,
      { id, name: 'push', payload: {} },
      received,
      new Date(received.getTime() + 60_000),
      ago(DAY),
    );
    await completeDelivery(db, id, received);
  }
  return files;
}

describeBackends('retention', (backend) => {
  it('purges what is past retention, keeps what is newer, and only the leader purges', async (t) => {
    const opened = await backend.open();
    t.after(opened.cleanup);
    const dir = mkdtempSync(join(tmpdir(), 'osprey-retention-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const storage = new LocalFolderStorage(dir);
    const files = await seed(opened.db, storage);

    const reports: Record<'a' | 'b', RetentionReport[]> = { a: [], b: [] };
    const options = (who: 'a' | 'b') => ({
      executionsMs: 30 * DAY,
      logsMs: 7 * DAY,
      intervalMs: 50,
      onPurged: (r: RetentionReport) => reports[who].push(r),
    });
    const a = new RetentionPurger(opened.db, storage, options('a'));
    const b = new RetentionPurger(await opened.openReplica(), storage, options('b'));
    a.start();
    b.start();
    t.after(() => Promise.all([a.stop(), b.stop()]));
    // Several purge rounds of one leader: the other replica tried at once and keeps failing to lead.
    await eventually(() => reports.a.length + reports.b.length >= 4, 10_000, 'four purges');
    const [leader, follower] = reports.a.length > 0 ? (['a', 'b'] as const) : (['b', 'a'] as const);
    assert.equal(reports[follower].length, 0, 'the replica that is not elected does not purge');
    assert.deepEqual(reports[leader][0], { kv: 1, deliveries: 1, executions: 1, logs: 1, files: 1 });
    assert.ok(
      reports[leader].slice(1).every((r) => Object.values(r).every((n) => n === 0)),
      'later rounds find nothing',
    );

    const db = opened.db;
    assert.equal(await loadStep(db, 'old'), undefined);
    assert.deepEqual(await executionLogs(db, 'old'), []);
    assert.equal(await getCheckRunLink(db, 'old'), undefined);
    assert.equal(existsSync(join(files.old, '../../../..')), false, 'the execution folder is gone');
    assert.ok(await loadStep(db, 'recent'));
    assert.ok(await loadStep(db, 'running'), 'an unfinished execution is kept, however old');
    assert.deepEqual(
      (await executionLogs(db, 'recent')).map((l) => l.message),
      ['an hour old'],
      'log lines past the log retention are gone, newer kept',
    );
    assert.equal((await executionLogs(db, 'running')).length, 1);
    assert.ok(await getCheckRunLink(db, 'recent'));
    assert.ok(existsSync(files.recent) && existsSync(files.running));
    assert.equal(await getKv(db, 'company', 'expired', new Date(0)), undefined);
    assert.ok(await getKv(db, 'company', 'live', new Date()));
    assert.deepEqual([...(await receivedDeliveries(db, ['d-old', 'd-new'], new Date(0)))], ['d-new']);

    // The leader stops: the other replica is elected and purges from then on.
    await (leader === 'a' ? a : b).stop();
    await eventually(() => reports[follower].length > 0, 10_000, 'the other replica purging');
  });
});
