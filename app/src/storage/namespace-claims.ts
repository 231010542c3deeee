/**
 * SQL of namespace ownership claims that stay right under concurrency. A claim is one upsert that
 * returns the row as it stands after the statement: a concurrent claimant waits for the first one's
 * row and then reads its owner, so every caller agrees on the one owner. (A read in the same
 * statement as an `ON CONFLICT DO NOTHING` insert would not: its snapshot predates the winner's
 * commit, so a loser could believe it had won.)
 */
import type { Executor } from './database.ts';
import { table } from './identifiers.ts';

/** Owns `namespace` for `repository` if nobody does; returns the owner after the call. */
export async function claimNamespaceOwner(
  ex: Executor,
  namespace: string,
  repository: string,
  now: Date,
): Promise<string> {
  const { rows } = await ex.query<{ repository: string }>(
    `INSERT INTO ${table(ex, 'namespace_owners')} AS o (namespace, repository, claimed_at) VALUES ($1, $2, $3)
     ON CONFLICT (namespace) DO UPDATE SET repository = o.repository
     RETURNING o.repository`,
    [namespace, repository, now],
  );
  const owner = rows[0]?.repository;
  if (owner === undefined) throw new Error(`claiming namespace ${namespace} returned no owner`);
  return owner;
}
