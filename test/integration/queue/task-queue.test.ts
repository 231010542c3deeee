/** pg-boss dispatch on both drivers: sends that join a transaction, and wake-ups without polling. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { type PgBossTaskQueue, startTaskQueue } from '../../../app/src/queue/pg-boss-queue.ts';
import type { QueueJob } from '../../../app/src/queue/task-queue.ts';
import { insertSteps, loadStep } from '../../../app/src/storage/execution-steps.ts';
import { type Backend, describeBackends, eventually, type TestDatabase } from '../helpers/backends.ts';

async function openQueue(
  backend: Backend,
  t: { after(fn: () => Promise<void>): void },
  options: { notifyPollingIntervalSeconds?: number } = {},
) {
  const opened = await backend.open();
  // Cleanup runs after the queue stops (after-hooks run in reverse order of registration).
  t.after(opened.cleanup);
  const queue = await startTaskQueue(opened.db, { supervise: false, onError: () => {}, ...options });
  t.after(() => queue.stop());
  await queue.createQueue('task');
  return { ...opened, queue };
}

function execution(id: string) {
  return { id, namespace: 'company.team', flowId: 'hello', state: 'CREATED', document: { id }, flow: {} };
}

async function queued(queue: PgBossTaskQueue, name: string): Promise<number> {
  const q = await queue.boss.getQueue(name);
  return q?.queuedCount ?? 0;
}

describeBackends('task queue', (backend) => {
  it('a job sent in a committed transaction exists with the state change; a rolled-back one does not', async (t) => {
    const { db, queue } = (await openQueue(backend, t)) as TestDatabase & { queue: PgBossTaskQueue };
    await db.transaction(async (tx) => {
      await insertSteps(tx, [execution('e1')], new Date());
      await queue.send('task', { executionId: 'e1' }, { tx });
    });
    await assert.rejects(
      db.transaction(async (tx) => {
        await insertSteps(tx, [execution('e2')], new Date());
        const id = await queue.send('task', { executionId: 'e2' }, { tx });
        assert.ok(id !== undefined, 'send returned an id inside the transaction');
        throw new Error('state change refused');
      }),
      /state change refused/,
    );
    // Forgetting { tx } inside a transaction is refused on both drivers rather than behaving differently.
    await assert.rejects(
      db.transaction(async () => {
        await queue.send('task', { executionId: 'e3' });
      }),
      /send\(\) was called inside a database transaction without \{ tx \}/,
    );
    assert.ok((await loadStep(db, 'e1')) !== undefined);
    assert.equal(await loadStep(db, 'e2'), undefined);
    const jobs = await queue.fetch<{ executionId: string }>('task', 10);
    assert.deepEqual(
      jobs.map((j) => j.data.executionId),
      ['e1'],
    );
  });

  it('wakes a waiting worker in milliseconds, not on the poll', async (t) => {
    const { queue } = await openQueue(backend, t);
    const sentAt = new Map<number, number>();
    const latencies: number[] = [];
    await queue.work<{ n: number }>('task', { batchSize: 1 }, async (jobs) => {
      for (const j of jobs) latencies.push(performance.now() - (sentAt.get(j.data.n) ?? 0));
    });
    // Let the worker reach its idle wait first.
    await new Promise((r) => setTimeout(r, 300));
    for (let n = 0; n < 10; n++) {
      sentAt.set(n, performance.now());
      await queue.send('task', { n });
      await eventually(() => latencies.length > n, 3000, `job ${n} handled`);
      await new Promise((r) => setTimeout(r, 20));
    }
    latencies.sort((a, b) => a - b);
    const p50 = latencies[5] ?? Number.POSITIVE_INFINITY;
    // The backstop poll is 1 s and the fallback poll 0.5 s: a median far below shows NOTIFY woke it.
    assert.ok(
      p50 < 150,
      `send → handler p50 was ${p50.toFixed(1)} ms (latencies ${latencies.map((l) => l.toFixed(0)).join(', ')})`,
    );
  });

  it('a handler that throws fails the batch and the job is retried', async (t) => {
    const { queue } = await openQueue(backend, t);
    await queue.createQueue('flaky', { retryLimit: 1, retryDelaySeconds: 0 });
    const attempts: number[] = [];
    await queue.work<{ x: number }>('flaky', {}, async (jobs: QueueJob<{ x: number }>[]) => {
      for (const j of jobs) attempts.push(j.retryCount);
      if (attempts.length === 1) throw new Error('first attempt fails');
    });
    await queue.send('flaky', { x: 1 });
    await eventually(() => attempts.length >= 2, 8000, 'retry');
    assert.deepEqual(attempts.slice(0, 2), [0, 1]);
  });

  it('fetch and complete in a transaction settle the job only on commit', async (t) => {
    const { db, queue } = (await openQueue(backend, t)) as TestDatabase & { queue: PgBossTaskQueue };
    await queue.send('task', { a: 1 });
    const [job] = await queue.fetch('task');
    assert.ok(job !== undefined);
    await assert.rejects(
      db.transaction(async (tx) => {
        await queue.complete('task', job.id, { tx });
        throw new Error('rolled back');
      }),
    );
    let found = await queue.boss.findJobs('task', { id: job.id });
    assert.equal(found[0]?.state, 'active');
    await db.transaction(async (tx) => {
      await queue.complete('task', job.id, { tx, output: { ok: true } });
    });
    found = await queue.boss.findJobs('task', { id: job.id });
    assert.equal(found[0]?.state, 'completed');
    assert.equal(await queued(queue, 'task'), 0);
  });

  it('work() fetches in batches', async (t) => {
    const { db, queue } = await openQueue(backend, t);
    await db.transaction(async (tx) => {
      for (let n = 0; n < 25; n++) await queue.send('task', { n }, { tx });
    });
    const batches: number[][] = [];
    await queue.work<{ n: number }>('task', { batchSize: 10 }, async (jobs) => {
      batches.push(jobs.map((j) => j.data.n));
    });
    await eventually(() => batches.flat().length === 25, 5000, 'all jobs handled');
    assert.ok(
      batches.every((b) => b.length <= 10),
      JSON.stringify(batches),
    );
    assert.ok(
      batches.some((b) => b.length > 1),
      JSON.stringify(batches),
    );
    assert.deepEqual(
      batches.flat().sort((a, b) => a - b),
      Array.from({ length: 25 }, (_, i) => i),
    );
  });

  it("notify() wakes this process's workers for work that became ready without a send", async (t) => {
    // A long backstop poll: only notify() can explain a prompt pick-up.
    const { queue } = await openQueue(backend, t, { notifyPollingIntervalSeconds: 10 });
    let handledAt: number | undefined;
    await queue.work('task', {}, async () => {
      handledAt = performance.now();
    });
    await new Promise((r) => setTimeout(r, 300));
    // Deferred: its send wakes the worker too early, then the worker sleeps through its readiness.
    await queue.send('task', {}, { startAfter: new Date(Date.now() + 500) });
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(handledAt, undefined, 'picked up without notify(): the test proves nothing');
    const notifiedAt = performance.now();
    queue.notify('task');
    await eventually(() => handledAt !== undefined, 3000, 'job handled after notify()');
    assert.ok(
      (handledAt ?? 0) - notifiedAt < 500,
      `handled ${((handledAt ?? 0) - notifiedAt).toFixed(0)} ms after notify()`,
    );
  });
});
