/**
 * The databases a bench measures on: Postgres in a fresh schema (dropped after) when it answers at
 * `url`, then PGlite in memory. `run(db, label, raw?)` measures on one; `raw` is a plain connection
 * to the same Postgres (for floor measurements), absent on PGlite.
 */
import pg from 'pg';
import type { Database } from '../../app/src/storage/database.ts';
import { openMemoryPglite } from '../../app/src/storage/pglite-database.ts';
import { openPostgres } from '../../app/src/storage/postgres-database.ts';

export async function onEachBackend(
  url: string,
  run: (db: Database, label: string, raw?: pg.Client) => Promise<void>,
  only: { postgres?: boolean; pglite?: boolean } = {},
): Promise<void> {
  if (only.postgres !== false) {
    const probe = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
    const up = await probe.connect().then(
      () => true,
      () => false,
    );
    if (up) {
      const schema = `bench_${Date.now().toString(36)}`;
      const db = await openPostgres({ url, schema, maxConnections: 10 });
      try {
        await run(db, `Postgres (${url.replace(/\/\/[^@]*@/, '//')})`, probe);
      } finally {
        await probe.query(
          `DROP SCHEMA IF EXISTS "${schema}" CASCADE; DROP SCHEMA IF EXISTS "${schema}_pgboss" CASCADE`,
        );
        await db.close();
      }
    } else {
      console.log(`\nPostgres: not reachable at ${url}; set DATABASE_URL to measure it`);
    }
    await probe.end().catch(() => {});
  }
  if (only.pglite !== false) {
    const db = await openMemoryPglite('bench');
    try {
      await run(db, 'PGlite (in memory, this process)');
    } finally {
      await db.close();
    }
  }
}
