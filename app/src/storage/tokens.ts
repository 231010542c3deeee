/** SQL of API tokens and runner registration tokens. Only hashes of the secret part are stored. */
import type { Executor } from './database.ts';
import { table } from './identifiers.ts';

export const TOKEN_KINDS = ['api', 'registration'] as const;
export type TokenKind = (typeof TOKEN_KINDS)[number];

export interface TokenRow {
  id: string;
  kind: TokenKind;
  name: string;
  secretHash: Buffer;
  createdAt: Date;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

const COLUMNS = `id, kind, name, secret_hash AS "secretHash", created_at AS "createdAt", expires_at AS "expiresAt",
  last_used_at AS "lastUsedAt", revoked_at AS "revokedAt"`;

function toRow(r: Record<string, unknown>): TokenRow {
  return { ...(r as unknown as TokenRow), secretHash: Buffer.from(r.secretHash as Uint8Array) };
}

export interface NewToken {
  id: string;
  kind: TokenKind;
  name: string;
  secretHash: Buffer;
  expiresAt?: Date | undefined;
}

/** Inserts a token; false when a live token of that kind already has the name. */
export async function insertToken(ex: Executor, token: NewToken, now: Date): Promise<boolean> {
  const { rowCount } = await ex.query(
    `INSERT INTO ${table(ex, 'api_tokens')} (id, kind, name, secret_hash, created_at, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (kind, name) WHERE revoked_at IS NULL DO NOTHING`,
    [token.id, token.kind, token.name, token.secretHash, now, token.expiresAt ?? null],
  );
  return rowCount > 0;
}

export async function getToken(ex: Executor, id: string): Promise<TokenRow | undefined> {
  const { rows } = await ex.query(`SELECT ${COLUMNS} FROM ${table(ex, 'api_tokens')} WHERE id = $1`, [id]);
  return rows[0] === undefined ? undefined : toRow(rows[0]);
}

export async function listTokens(ex: Executor, kind?: TokenKind): Promise<TokenRow[]> {
  const { rows } = await ex.query(
    `SELECT ${COLUMNS} FROM ${table(ex, 'api_tokens')} WHERE ($1::text IS NULL OR kind = $1) ORDER BY created_at, id`,
    [kind ?? null],
  );
  return rows.map(toRow);
}

/** Marks a token used; at most once a minute per token, so verifying stays read-mostly. */
export async function touchToken(ex: Executor, id: string, now: Date): Promise<void> {
  await ex.query(
    `UPDATE ${table(ex, 'api_tokens')} SET last_used_at = $2::timestamptz
      WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < $2::timestamptz - interval '1 minute')`,
    [id, now],
  );
}

/** True when a live token was revoked. */
export async function revokeToken(ex: Executor, id: string, now: Date): Promise<boolean> {
  const { rowCount } = await ex.query(
    `UPDATE ${table(ex, 'api_tokens')} SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL`,
    [id, now],
  );
  return rowCount > 0;
}
