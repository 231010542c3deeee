/**
 * pg-boss runs its statements through an `IDatabase` (`executeSql`). To send a job inside one of
 * our transactions, pg-boss gets an `IDatabase` over that transaction. Parameterless statements may
 * be several at once (pg-boss's own blocks), so each driver registers how to run raw SQL on its
 * transactions and this module picks it.
 */
import type { Db as PgBossDb } from 'pg-boss';
import type { Executor } from './database.ts';

type Raw = (text: string, values?: unknown[]) => Promise<{ rows: unknown[] }>;

const raws = new WeakMap<Executor, Raw>();

/** Called by the drivers for each transaction executor they create. */
export function registerRawExecutor(tx: Executor, raw: Raw): void {
  raws.set(tx, raw);
}

/** The pg-boss `db` option that makes a pg-boss call part of the transaction `tx`. */
export function pgBossExecutor(tx: Executor): PgBossDb {
  const raw = raws.get(tx);
  if (raw === undefined) {
    throw new Error(
      'pgBossExecutor() needs the executor of an open Database transaction (the `tx` of db.transaction)',
    );
  }
  return { executeSql: (text, values) => raw(text, values) as Promise<{ rows: never[] }> };
}
