/**
 * A lock around work on a shared folder (a git mirror): callers in this process queue on a promise
 * chain; other processes on the machine are kept out by an exclusive lock folder (`mkdir` is atomic)
 * next to it. A lock folder older than `staleMs` belongs to a process that died and is taken over.
 */
import { mkdir, rm, stat } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

const queues = new Map<string, Promise<unknown>>();

export interface LockOptions {
  /** A lock held longer than this is considered abandoned (default 10 minutes). */
  staleMs?: number;
  /** Give up waiting after this long (default 10 minutes). */
  timeoutMs?: number;
  pollMs?: number;
}

export async function withFileLock<T>(
  lockPath: string,
  work: () => Promise<T>,
  options: LockOptions = {},
): Promise<T> {
  const previous = queues.get(lockPath) ?? Promise.resolve();
  const mine = previous.catch(() => undefined).then(() => holdingLock(lockPath, work, options));
  const tail = mine.catch(() => undefined);
  queues.set(lockPath, tail);
  try {
    return await mine;
  } finally {
    if (queues.get(lockPath) === tail) queues.delete(lockPath);
  }
}

async function holdingLock<T>(lockPath: string, work: () => Promise<T>, options: LockOptions): Promise<T> {
  const staleMs = options.staleMs ?? 600_000;
  const deadline = Date.now() + (options.timeoutMs ?? 600_000);
  for (;;) {
    try {
      await mkdir(lockPath);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const held = await stat(lockPath).catch(() => undefined);
      if (held !== undefined && Date.now() - held.mtimeMs > staleMs) {
        await rm(lockPath, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) {
        throw new Error(
          `timed out waiting for the lock ${lockPath}; if no other Osprey runner is working on this cache, delete that folder`,
        );
      }
      await sleep(options.pollMs ?? 50);
    }
  }
  try {
    return await work();
  } finally {
    await rm(lockPath, { recursive: true, force: true });
  }
}
