/**
 * SQL of the KV store. `now` is passed in (the service's clock) so expiry is decided by one clock
 * and tests do not sleep. Expired rows are invisible to every read and removed by `purgeExpiredKv`.
 */
import type { Executor } from './database.ts';
import { table } from './identifiers.ts';

export interface KvRow {
  namespace: string;
  key: string;
  type: string;
  value: unknown;
  description: string | null;
  expiresAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

const COLUMNS = `namespace, key, type, value, description, expires_at AS "expiresAt", created_at AS "createdAt", updated_at AS "updatedAt"`;
const LIVE = '(expires_at IS NULL OR expires_at > $NOW)';

function live(n: number): string {
  return LIVE.replace('$NOW', `$${n}`);
}

export async function getKv(
  ex: Executor,
  namespace: string,
  key: string,
  now: Date,
): Promise<KvRow | undefined> {
  const { rows } = await ex.query<KvRow & Record<string, unknown>>(
    `SELECT ${COLUMNS} FROM ${table(ex, 'kv')} WHERE namespace = $1 AND key = $2 AND ${live(3)}`,
    [namespace, key, now],
  );
  return rows[0];
}

export interface PutKv {
  namespace: string;
  key: string;
  type: string;
  value: unknown;
  description?: string | undefined;
  expiresAt?: Date | undefined;
}

/**
 * Writes a value. With `overwrite: false` an existing live value is kept and false is returned
 * (an expired one counts as absent).
 */
export async function putKv(ex: Executor, entry: PutKv, now: Date, overwrite = true): Promise<boolean> {
  const kv = table(ex, 'kv');
  const { rowCount } = await ex.query(
    `INSERT INTO ${kv} AS kv (namespace, key, type, value, description, expires_at, created_at, updated_at)
     VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7, $7)
     ON CONFLICT (namespace, key) DO UPDATE
       SET type = EXCLUDED.type, value = EXCLUDED.value, description = EXCLUDED.description,
           expires_at = EXCLUDED.expires_at, updated_at = EXCLUDED.updated_at,
           created_at = CASE WHEN kv.expires_at IS NOT NULL AND kv.expires_at <= $7 THEN EXCLUDED.created_at ELSE kv.created_at END
       WHERE $8 OR (kv.expires_at IS NOT NULL AND kv.expires_at <= $7)`,
    [
      entry.namespace,
      entry.key,
      entry.type,
      JSON.stringify(entry.value),
      entry.description ?? null,
      entry.expiresAt ?? null,
      now,
      overwrite,
    ],
  );
  return rowCount > 0;
}

/** Deletes a value; true when a live value was there. */
export async function deleteKv(ex: Executor, namespace: string, key: string, now: Date): Promise<boolean> {
  const { rows } = await ex.query<{ live: boolean }>(
    `DELETE FROM ${table(ex, 'kv')} WHERE namespace = $1 AND key = $2 RETURNING ${live(3)} AS live`,
    [namespace, key, now],
  );
  return rows[0]?.live === true;
}

/** Live entries of a namespace, by key; `prefix` filters keys. */
export async function listKv(ex: Executor, namespace: string, now: Date, prefix?: string): Promise<KvRow[]> {
  const { rows } = await ex.query<KvRow & Record<string, unknown>>(
    `SELECT ${COLUMNS} FROM ${table(ex, 'kv')}
      WHERE namespace = $1 AND ${live(2)} AND ($3::text IS NULL OR starts_with(key, $3))
      ORDER BY key`,
    [namespace, now, prefix ?? null],
  );
  return rows;
}

/** Live entries of every namespace (the global KV view), optionally under a namespace prefix. */
export async function listAllKv(ex: Executor, now: Date, namespacePrefix?: string): Promise<KvRow[]> {
  const { rows } = await ex.query<KvRow & Record<string, unknown>>(
    `SELECT ${COLUMNS} FROM ${table(ex, 'kv')}
      WHERE ${live(1)} AND ($2::text IS NULL OR namespace = $2 OR starts_with(namespace, $2 || '.'))
      ORDER BY namespace, key`,
    [now, namespacePrefix ?? null],
  );
  return rows;
}

/** Removes expired rows; returns how many. */
export async function purgeExpiredKv(ex: Executor, now: Date): Promise<number> {
  const { rowCount } = await ex.query(
    `DELETE FROM ${table(ex, 'kv')} WHERE expires_at IS NOT NULL AND expires_at <= $1`,
    [now],
  );
  return rowCount;
}

/** A KV entry as `PurgeKV` sees it: where it is and whether it has expired. */
export type KvEntryRef = {
  namespace: string;
  key: string;
  expired: boolean;
};

/** Every entry of every namespace, expired or not (`PurgeKV` picks among them). */
export async function kvEntries(ex: Executor, now: Date): Promise<KvEntryRef[]> {
  const { rows } = await ex.query<KvEntryRef>(
    `SELECT namespace, key, (expires_at IS NOT NULL AND expires_at <= $1) AS expired
       FROM ${table(ex, 'kv')}
      ORDER BY namespace, key`,
    [now],
  );
  return rows;
}

/** Deletes these entries; returns how many were there. */
export async function deleteKvEntries(
  ex: Executor,
  entries: readonly { namespace: string; key: string }[],
): Promise<number> {
  if (entries.length === 0) return 0;
  const { rowCount } = await ex.query(
    `DELETE FROM ${table(ex, 'kv')} k
      USING unnest($1::text[], $2::text[]) AS d(namespace, key)
      WHERE k.namespace = d.namespace AND k.key = d.key`,
    [entries.map((e) => e.namespace), entries.map((e) => e.key)],
  );
  return rowCount;
}
