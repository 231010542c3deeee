/** SQL of the Postgres secrets backend. Rows hold ciphertext only; the service encrypts and decrypts. */
import type { Executor } from './database.ts';
import { table } from './identifiers.ts';

export interface SecretRow {
  namespace: string;
  name: string;
  ciphertext: Buffer;
  iv: Buffer;
  tag: Buffer;
  keyId: string;
  description: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export type SecretInfoRow = Omit<SecretRow, 'ciphertext' | 'iv' | 'tag'>;

interface RawSecretRow extends Record<string, unknown> {
  namespace: string;
  name: string;
  ciphertext: Uint8Array;
  iv: Uint8Array;
  tag: Uint8Array;
  keyId: string;
  description: string | null;
  createdAt: Date;
  updatedAt: Date;
}

const INFO = `namespace, name, key_id AS "keyId", description, created_at AS "createdAt", updated_at AS "updatedAt"`;

export async function getSecretRow(
  ex: Executor,
  namespace: string,
  name: string,
): Promise<SecretRow | undefined> {
  const { rows } = await ex.query<RawSecretRow>(
    `SELECT ${INFO}, ciphertext, iv, tag FROM ${table(ex, 'secrets')} WHERE namespace = $1 AND name = $2`,
    [namespace, name],
  );
  const row = rows[0];
  if (row === undefined) return undefined;
  // PGlite answers bytea as Uint8Array, pg as Buffer.
  return {
    ...row,
    ciphertext: Buffer.from(row.ciphertext),
    iv: Buffer.from(row.iv),
    tag: Buffer.from(row.tag),
  };
}

export interface PutSecret {
  namespace: string;
  name: string;
  ciphertext: Buffer;
  iv: Buffer;
  tag: Buffer;
  keyId: string;
  description?: string | undefined;
}

export async function putSecretRow(ex: Executor, secret: PutSecret, now: Date): Promise<void> {
  await ex.query(
    `INSERT INTO ${table(ex, 'secrets')} (namespace, name, ciphertext, iv, tag, key_id, description, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)
     ON CONFLICT (namespace, name) DO UPDATE
       SET ciphertext = EXCLUDED.ciphertext, iv = EXCLUDED.iv, tag = EXCLUDED.tag, key_id = EXCLUDED.key_id,
           description = COALESCE(EXCLUDED.description, ${table(ex, 'secrets')}.description), updated_at = EXCLUDED.updated_at`,
    [
      secret.namespace,
      secret.name,
      secret.ciphertext,
      secret.iv,
      secret.tag,
      secret.keyId,
      secret.description ?? null,
      now,
    ],
  );
}

export async function deleteSecretRow(ex: Executor, namespace: string, name: string): Promise<boolean> {
  const { rowCount } = await ex.query(
    `DELETE FROM ${table(ex, 'secrets')} WHERE namespace = $1 AND name = $2`,
    [namespace, name],
  );
  return rowCount > 0;
}

/** Names and metadata of a namespace's secrets (never the values). */
export async function listSecretRows(ex: Executor, namespace: string): Promise<SecretInfoRow[]> {
  const { rows } = await ex.query<SecretInfoRow & Record<string, unknown>>(
    `SELECT ${INFO} FROM ${table(ex, 'secrets')} WHERE namespace = $1 ORDER BY name`,
    [namespace],
  );
  return rows;
}

/** Secrets encrypted under a key other than `keyId` (to re-encrypt after a rotation). */
export async function secretsNotUnderKey(ex: Executor, keyId: string, limit: number): Promise<SecretRow[]> {
  const { rows } = await ex.query<RawSecretRow>(
    `SELECT ${INFO}, ciphertext, iv, tag FROM ${table(ex, 'secrets')} WHERE key_id <> $1 ORDER BY namespace, name LIMIT $2`,
    [keyId, limit],
  );
  return rows.map((r) => ({
    ...r,
    ciphertext: Buffer.from(r.ciphertext),
    iv: Buffer.from(r.iv),
    tag: Buffer.from(r.tag),
  }));
}
