/**
 * Remembers, per async call chain, which transaction is open on which database. Both drivers use it
 * to refuse a statement on the database itself while the caller holds a transaction (a deadlock on
 * PGlite's single connection, a silent "sees nothing uncommitted" bug on Postgres), and the PGlite
 * adapter for pg-boss uses it to run pg-boss's statements inside the caller's transaction.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Executor } from './database.ts';

interface OpenTransaction {
  owner: object;
  tx: Executor;
  open: boolean;
}

const storage = new AsyncLocalStorage<OpenTransaction>();

/** Runs `fn` with `tx` recorded as the open transaction of `owner`; marks it closed afterwards. */
export async function runInTransaction<T>(
  owner: object,
  tx: Executor,
  fn: (tx: Executor) => Promise<T>,
): Promise<T> {
  const entry: OpenTransaction = { owner, tx, open: true };
  try {
    return await storage.run(entry, () => fn(tx));
  } finally {
    // Timers started inside `fn` keep this context; once closed it no longer counts.
    entry.open = false;
  }
}

/** The transaction `owner` has open in this call chain, if any. */
export function currentTransaction(owner: object): Executor | undefined {
  const entry = storage.getStore();
  return entry?.open && entry.owner === owner ? entry.tx : undefined;
}

/** Throws when `owner` has a transaction open in this call chain. */
export function assertNoTransaction(owner: object, what: string): void {
  if (currentTransaction(owner) !== undefined) {
    throw new Error(
      `${what} was called on the database inside its own transaction; pass the transaction's executor (tx) to the query function instead, or run it after the transaction ends`,
    );
  }
}
