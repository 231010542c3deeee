/** The mirror lock: one holder at a time in a process and across processes; an abandoned lock is taken over. */
import assert from 'node:assert/strict';
import { mkdir, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { withFileLock } from '../../../../runner/src/workspace/file-lock.ts';
import { scratch } from './git-repos.ts';

test('holders never overlap, and a failing holder releases the lock', async (t) => {
  const lock = join(await scratch(t, 'osprey-test-'), 'mirror.lock');
  let inside = 0;
  let most = 0;
  const work = (fail: boolean) =>
    withFileLock(lock, async () => {
      inside++;
      most = Math.max(most, inside);
      await sleep(5);
      inside--;
      if (fail) throw new Error('boom');
    });
  const results = await Promise.allSettled([work(false), work(true), work(false), work(false)]);
  assert.equal(most, 1);
  assert.deepEqual(
    results.map((r) => r.status),
    ['fulfilled', 'rejected', 'fulfilled', 'fulfilled'],
  );
});

test('a lock folder left by another process is waited for, and taken over once stale', async (t) => {
  const lock = join(await scratch(t, 'osprey-test-'), 'mirror.lock');
  await mkdir(lock); // another process holds it
  await assert.rejects(
    withFileLock(lock, async () => 1, { timeoutMs: 100, pollMs: 10 }),
    /timed out waiting for the lock/,
  );
  const old = new Date(Date.now() - 60_000);
  await utimes(lock, old, old);
  assert.equal(
    await withFileLock(lock, async () => 'taken over', { staleMs: 30_000, pollMs: 10 }),
    'taken over',
  );
});
