/**
 * SQL of what the GitHub App remembers besides flows: the check run reporting each execution and
 * the installation covering each repository. Repository names arrive lower-cased from the stores.
 */
import type { Executor } from './database.ts';
import { table } from './identifiers.ts';

export interface CheckRunLinkRow {
  repository: string;
  checkRunId: number;
}

export async function getCheckRunLink(
  ex: Executor,
  executionId: string,
): Promise<CheckRunLinkRow | undefined> {
  const { rows } = await ex.query<{ repository: string; checkRunId: string | number }>(
    `SELECT repository, check_run_id AS "checkRunId" FROM ${table(ex, 'check_run_links')} WHERE execution_id = $1`,
    [executionId],
  );
  const row = rows[0];
  // bigint comes back as a string from pg; GitHub ids fit in a double.
  return row === undefined ? undefined : { repository: row.repository, checkRunId: Number(row.checkRunId) };
}

export async function setCheckRunLink(
  ex: Executor,
  executionId: string,
  link: CheckRunLinkRow,
  now: Date,
): Promise<void> {
  await ex.query(
    `INSERT INTO ${table(ex, 'check_run_links')} (execution_id, repository, check_run_id, updated_at)
     VALUES ($1, $2, $3, $4)
     ON CONFLICT (execution_id) DO UPDATE
       SET repository = EXCLUDED.repository, check_run_id = EXCLUDED.check_run_id, updated_at = EXCLUDED.updated_at`,
    [executionId, link.repository, link.checkRunId, now],
  );
}

/** True when `reporter` reports the execution until `leaseUntil`: it did already, or the owner's lease ended. */
export async function claimCheckRunReporter(
  ex: Executor,
  executionId: string,
  reporter: string,
  now: Date,
  leaseUntil: Date,
): Promise<boolean> {
  const { rowCount } = await ex.query(
    `INSERT INTO ${table(ex, 'check_run_reporters')} AS r (execution_id, reporter, lease_until) VALUES ($1, $2, $3)
     ON CONFLICT (execution_id) DO UPDATE SET reporter = EXCLUDED.reporter, lease_until = EXCLUDED.lease_until
       WHERE r.reporter = EXCLUDED.reporter OR r.lease_until <= $4`,
    [executionId, reporter, leaseUntil, now],
  );
  return rowCount > 0;
}

export async function getInstallationId(ex: Executor, repository: string): Promise<number | undefined> {
  const { rows } = await ex.query<{ installationId: string | number }>(
    `SELECT installation_id AS "installationId" FROM ${table(ex, 'github_installations')} WHERE repository = $1`,
    [repository],
  );
  const row = rows[0];
  return row === undefined ? undefined : Number(row.installationId);
}

export async function setInstallationId(
  ex: Executor,
  repository: string,
  installationId: number,
  now: Date,
): Promise<void> {
  await ex.query(
    `INSERT INTO ${table(ex, 'github_installations')} (repository, installation_id, updated_at) VALUES ($1, $2, $3)
     ON CONFLICT (repository) DO UPDATE
       SET installation_id = EXCLUDED.installation_id, updated_at = EXCLUDED.updated_at`,
    [repository, installationId, now],
  );
}
