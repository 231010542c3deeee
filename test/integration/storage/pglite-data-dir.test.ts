/** The embedded database's folder: one owner process, housekeeping settings, stale locks. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { openDatabase } from '../../../app/src/storage/database.ts';
import { migrate } from '../../../app/src/storage/migrate.ts';
import { eventually } from '../helpers/backends.ts';

const databaseModule = fileURLToPath(new URL('../../../app/src/storage/database.ts', import.meta.url));

describe('PGlite data folder', () => {
  it('opens <dataDir>/pglite, holds a lock naming this process, caps WAL, releases on close', async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'osprey-pglite-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const db = await openDatabase({ dataDir: dir, vacuumIntervalMs: 100 });
    const lock = JSON.parse(await readFile(join(dir, 'pglite.lock'), 'utf8')) as { pid: number };
    assert.equal(lock.pid, process.pid);
    assert.ok(existsSync(join(dir, 'pglite', 'PG_VERSION')), 'data lives in <dataDir>/pglite');
    const { rows } = await db.query<{ max_wal_size: string }>('SHOW max_wal_size');
    assert.equal(rows[0]?.max_wal_size, '64MB');
    await migrate(db);
    // PGlite has no autovacuum: the periodic VACUUM ANALYZE keeps planner statistics fresh.
    await eventually(
      async () =>
        (
          await db.query<{ n: number }>(
            "SELECT count(*)::int AS n FROM pg_stat_user_tables WHERE relname = 'kv' AND last_analyze IS NOT NULL",
          )
        ).rows[0]?.n === 1,
      5000,
      'periodic VACUUM ANALYZE',
    );
    await assert.rejects(
      openDatabase({ dataDir: dir }),
      /already open in this process; share the one Database object/,
    );
    await db.close();
    assert.equal(existsSync(join(dir, 'pglite.lock')), false);
    // Reopening finds the data.
    const again = await openDatabase({ dataDir: dir });
    t.after(() => again.close());
    assert.deepEqual((await migrate(again)).applied, []);
  });

  it('refuses a folder another live process has open, naming its pid', async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'osprey-pglite-'));
    const script = `import { openDatabase } from ${JSON.stringify(databaseModule)};
      const db = await openDatabase({ dataDir: ${JSON.stringify(dir)} });
      console.log('ready');
      process.stdin.on('data', async () => { await db.close(); process.exit(0); });`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    // The folder goes only once the child holding it has exited.
    t.after(async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill();
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        if (d.toString().includes('ready')) resolve();
      });
      child.on('exit', (code) => reject(new Error(`child exited with ${code}`)));
    });
    await assert.rejects(
      openDatabase({ dataDir: dir }),
      (e: Error) =>
        e.message.includes(`in use by process ${child.pid}`) &&
        e.message.includes('set DATABASE_URL to a Postgres server'),
    );
    child.stdin.write('stop\n');
    await new Promise((r) => child.once('exit', r));
    // Once the owner is gone, the folder opens.
    const db = await openDatabase({ dataDir: dir });
    await db.close();
  });

  it('takes over a lock left by a process that died', async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'osprey-pglite-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    // A pid that is not running (the child has exited).
    const child = spawn(process.execPath, ['-e', '0']);
    await new Promise((r) => child.once('exit', r));
    await writeFile(
      join(dir, 'pglite.lock'),
      JSON.stringify({ pid: child.pid, hostname: hostname(), startedAt: '2020-01-01T00:00:00Z' }),
    );
    const db = await openDatabase({ dataDir: dir });
    try {
      const lock = JSON.parse(await readFile(join(dir, 'pglite.lock'), 'utf8')) as { pid: number };
      assert.equal(lock.pid, process.pid);
    } finally {
      await db.close();
    }
  });
});
