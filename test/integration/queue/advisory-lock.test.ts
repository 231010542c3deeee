/** Singletons across replicas: advisory locks and leader election on both drivers. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import {
  LeaderElection,
  tryWithAdvisoryLock,
  withAdvisoryLock,
} from '../../../app/src/queue/advisory-lock.ts';
import type { Database } from '../../../app/src/storage/database.ts';
import { describeBackends, eventually, type TestDatabase } from '../helpers/backends.ts';

/** Makes the session holding `lock` die the way a crashed replica's would. */
async function killHolder(
  backend: string,
  opened: TestDatabase,
  holder: Database,
  lock: string,
): Promise<void> {
  if (backend === 'postgres') {
    // The connection dies under the replica, as on a crash or a network cut.
    const killed = await opened.admin<{ ok: boolean }>(
      // Only the session that holds the lock: a contender may be connected under the same name.
      `SELECT pg_terminate_backend(a.pid) AS ok FROM pg_stat_activity a
         JOIN pg_locks l ON l.pid = a.pid AND l.locktype = 'advisory' AND l.granted
        WHERE a.application_name = $1`,
      [`osprey-lock:${opened.schema}:${lock}`],
    );
    assert.equal(killed.length, 1, 'exactly one session held the lock');
  } else {
    // One process owns a PGlite folder: the holder's death is its database going away.
    await holder.close();
  }
}

describeBackends('advisory locks', (backend) => {
  it('withAdvisoryLock runs critical sections of two replicas one at a time', async (t) => {
    const opened = await backend.open({ migrate: false });
    t.after(opened.cleanup);
    const replica = await opened.openReplica();
    let inside = 0;
    let maxInside = 0;
    const section = async () => {
      inside++;
      maxInside = Math.max(maxInside, inside);
      await new Promise((r) => setTimeout(r, 30));
      inside--;
    };
    await Promise.all(
      [opened.db, replica, opened.db, replica].map((db) =>
        withAdvisoryLock(db, 'deploy', section, { retryMs: 10 }),
      ),
    );
    assert.equal(maxInside, 1);
  });

  it('tryWithAdvisoryLock does not wait while another replica holds the lock', async (t) => {
    const opened = await backend.open({ migrate: false });
    t.after(opened.cleanup);
    const replica = await opened.openReplica();
    let release!: () => void;
    const held = withAdvisoryLock(opened.db, 'sweep', () => new Promise<void>((r) => (release = r)));
    await eventually(() => release !== undefined, 2000, 'lock taken');
    assert.deepEqual(await tryWithAdvisoryLock(replica, 'sweep', async () => 'ran'), { acquired: false });
    // Another name is independent.
    assert.deepEqual(await tryWithAdvisoryLock(replica, 'other', async () => 'ran'), {
      acquired: true,
      value: 'ran',
    });
    release();
    await held;
    assert.deepEqual(await tryWithAdvisoryLock(replica, 'sweep', async () => 'ran'), {
      acquired: true,
      value: 'ran',
    });
  });

  it('withAdvisoryLock gives up after its timeout with a message naming the lock', async (t) => {
    const opened = await backend.open({ migrate: false });
    t.after(opened.cleanup);
    const lock = await opened.db.tryLock('busy');
    assert.ok(lock !== undefined);
    await assert.rejects(
      withAdvisoryLock(opened.db, 'busy', async () => {}, { timeoutMs: 100, retryMs: 20 }),
      /timed out after 100 ms waiting for lock 'busy'/,
    );
    await lock.release();
  });

  it('elects one leader; when it stops, the other replica takes over', async (t) => {
    const opened = await backend.open({ migrate: false });
    t.after(opened.cleanup);
    const replica = await opened.openReplica();
    const log: string[] = [];
    const make = (db: Database, who: string) =>
      new LeaderElection(db, 'scheduler', {
        intervalMs: 50,
        onElected: () => {
          log.push(`${who} elected`);
        },
        onDeposed: () => log.push(`${who} deposed`),
      });
    const a = make(opened.db, 'a');
    const b = make(replica, 'b');
    a.start();
    await eventually(() => a.isLeader, 3000, 'a elected');
    b.start();
    t.after(() => Promise.all([a.stop(), b.stop()]).then(() => {}));
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(b.isLeader, false, 'two leaders at once');
    await a.stop();
    await eventually(() => b.isLeader, 3000, 'b elected after a stopped');
    assert.deepEqual(log, ['a elected', 'a deposed', 'b elected']);
  });

  it('when the leader dies, it is deposed and another replica is elected', async (t) => {
    const opened = await backend.open({ migrate: false });
    t.after(opened.cleanup);
    const doomed = await opened.openReplica();
    let leaderSignal: AbortSignal | undefined;
    const a = new LeaderElection(doomed, 'sla-monitor', {
      intervalMs: 50,
      onElected: (signal) => {
        leaderSignal = signal;
      },
      // Its process is going down: it does not campaign again.
      onDeposed: () => void doomed.close(),
      onError: () => {},
    });
    const b = new LeaderElection(opened.db, 'sla-monitor', { intervalMs: 50, onElected: () => {} });
    a.start();
    await eventually(() => a.isLeader, 3000, 'a elected');
    b.start();
    t.after(() => Promise.all([a.stop(), b.stop()]).then(() => {}));
    await killHolder(backend.name, opened, doomed, 'sla-monitor');
    await eventually(() => b.isLeader, 5000, 'b elected after a died');
    assert.equal(a.isLeader, false);
    assert.equal(leaderSignal?.aborted, true, "the dead leader's work was told to stop");
  });
});
