/**
 * One process per PGlite data folder. Two processes on the same folder lose writes silently (PGlite
 * has no lock of its own), so the folder gets a lock file naming its owner, and a second process is
 * refused with a message that names the first one's pid.
 */
import { unlinkSync } from 'node:fs';
import { mkdir, open, readFile, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';

interface LockInfo {
  pid: number;
  hostname: string;
  startedAt: string;
}

export const LOCK_FILE = 'pglite.lock';

/** Takes `<dataDir>/pglite.lock`; the returned function releases it (also done on process exit). */
export async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  await mkdir(dataDir, { recursive: true });
  const path = join(dataDir, LOCK_FILE);
  const mine: LockInfo = { pid: process.pid, hostname: hostname(), startedAt: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(JSON.stringify(mine));
      await handle.close();
      const onExit = () => {
        try {
          unlinkSync(path);
        } catch {
          // Already gone.
        }
      };
      process.once('exit', onExit);
      return async () => {
        process.off('exit', onExit);
        await unlink(path).catch(() => {});
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const text = await readFile(path, 'utf8').catch(() => '');
    const owner = parse(text);
    if (owner !== undefined && owner.pid === process.pid && owner.hostname === mine.hostname) {
      throw new Error(
        `the PGlite data folder ${resolve(dataDir)} is already open in this process; share the one Database object instead of opening it twice`,
      );
    }
    if (owner === undefined || (owner.hostname === mine.hostname && !isAlive(owner.pid))) {
      // Stale: its owner died without cleaning up. Re-read just before removing so a lock another
      // process has just taken is not removed (a narrow window remains; the retry settles it).
      if ((await readFile(path, 'utf8').catch(() => '')) === text) await unlink(path).catch(() => {});
      continue;
    }
    throw new Error(
      `the PGlite data folder ${resolve(dataDir)} is in use by process ${owner.pid} on ${owner.hostname} (since ${owner.startedAt}); ` +
        'only one process may open it. Stop that process, or set DATABASE_URL to a Postgres server to run several processes on one database. ' +
        `If that process no longer exists, delete ${resolve(path)}.`,
    );
  }
  throw new Error(
    `could not take the lock ${resolve(path)} after 3 attempts; another process keeps taking it`,
  );
}

function parse(text: string): LockInfo | undefined {
  try {
    const value = JSON.parse(text) as Partial<LockInfo>;
    if (typeof value.pid === 'number' && typeof value.hostname === 'string') {
      return { pid: value.pid, hostname: value.hostname, startedAt: String(value.startedAt ?? 'unknown') };
    }
  } catch {
    // Half-written or corrupt: treated as stale.
  }
  return undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
