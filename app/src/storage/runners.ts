/** SQL of registered runners. The runner credential is stored as its SHA-256 only. */
import type { Executor } from './database.ts';
import { table } from './identifiers.ts';

export interface RunnerRow {
  id: string;
  name: string;
  labels: Record<string, string>;
  credentialHash: Buffer;
  registeredWith: string;
  registeredAt: Date;
  lastSeenAt: Date | null;
  revokedAt: Date | null;
}

const COLUMNS = `id, name, labels, credential_hash AS "credentialHash", registered_with AS "registeredWith",
  registered_at AS "registeredAt", last_seen_at AS "lastSeenAt", revoked_at AS "revokedAt"`;

function toRow(r: Record<string, unknown>): RunnerRow {
  return { ...(r as unknown as RunnerRow), credentialHash: Buffer.from(r.credentialHash as Uint8Array) };
}

export interface NewRunner {
  id: string;
  name: string;
  labels: Record<string, string>;
  credentialHash: Buffer;
  registeredWith: string;
}

export async function insertRunner(ex: Executor, runner: NewRunner, now: Date): Promise<void> {
  await ex.query(
    `INSERT INTO ${table(ex, 'runners')} (id, name, labels, credential_hash, registered_with, registered_at)
     VALUES ($1, $2, $3::jsonb, $4, $5, $6)`,
    [
      runner.id,
      runner.name,
      JSON.stringify(runner.labels),
      runner.credentialHash,
      runner.registeredWith,
      now,
    ],
  );
}

export async function getRunner(ex: Executor, id: string): Promise<RunnerRow | undefined> {
  const { rows } = await ex.query(`SELECT ${COLUMNS} FROM ${table(ex, 'runners')} WHERE id = $1`, [id]);
  return rows[0] === undefined ? undefined : toRow(rows[0]);
}

export async function listRunners(ex: Executor): Promise<RunnerRow[]> {
  const { rows } = await ex.query(
    `SELECT ${COLUMNS} FROM ${table(ex, 'runners')} ORDER BY registered_at, id`,
  );
  return rows.map(toRow);
}

/** Records a heartbeat; at most once every 10 seconds per runner. */
export async function touchRunner(ex: Executor, id: string, now: Date): Promise<void> {
  await ex.query(
    `UPDATE ${table(ex, 'runners')} SET last_seen_at = $2::timestamptz
      WHERE id = $1 AND (last_seen_at IS NULL OR last_seen_at < $2::timestamptz - interval '10 seconds')`,
    [id, now],
  );
}

export async function revokeRunner(ex: Executor, id: string, now: Date): Promise<boolean> {
  const { rowCount } = await ex.query(
    `UPDATE ${table(ex, 'runners')} SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL`,
    [id, now],
  );
  return rowCount > 0;
}
