/**
 * SQL of task jobs and their leases (see `0002_task_jobs.sql`). A row moves queued → leased →
 * done | lost | released, or queued → cancelled; every move is one guarded UPDATE, so two replicas
 * (or a runner's retried request) can never settle the same lease twice.
 */
import type { Executor } from './database.ts';
import { table } from './identifiers.ts';

export const TASK_JOB_STATES = ['queued', 'leased', 'done', 'lost', 'cancelled', 'released'] as const;
export type TaskJobState = (typeof TASK_JOB_STATES)[number];

export interface NewTaskJob {
  jobId: string;
  executionId: string;
  namespace: string;
  flowId: string;
  taskRunId: string;
  taskId: string;
  attempt: number;
  workerGroup?: string | undefined;
  queue: string;
  bossId: string;
  timeoutMs?: number | undefined;
  minLogLevel: string;
  /** The WorkingDirectory task run whose folder the job shares (see task-affinities.ts). */
  affinityKey?: string | undefined;
}

export interface TaskJobRow {
  jobId: string;
  executionId: string;
  namespace: string;
  flowId: string;
  taskRunId: string;
  taskId: string;
  attempt: number;
  workerGroup: string | null;
  queue: string;
  bossId: string;
  state: TaskJobState;
  timeoutMs: number | null;
  minLogLevel: string;
  runnerId: string | null;
  runnerName: string | null;
  leaseId: string | null;
  leasedAt: Date | null;
  leaseExpiresAt: Date | null;
  cancelRequested: boolean;
  affinityKey: string | null;
}

/** The columns of a row, qualified by `t` (a table alias and a dot) when given. */
const columns = (
  t = '',
) => `${t}job_id AS "jobId", ${t}execution_id AS "executionId", ${t}namespace, ${t}flow_id AS "flowId", ${t}task_run_id AS "taskRunId", ${t}task_id AS "taskId",
  ${t}attempt, ${t}worker_group AS "workerGroup", ${t}queue, ${t}boss_id::text AS "bossId", ${t}state, ${t}timeout_ms AS "timeoutMs",
  ${t}min_log_level AS "minLogLevel", ${t}runner_id AS "runnerId", ${t}runner_name AS "runnerName", ${t}lease_id AS "leaseId",
  ${t}leased_at AS "leasedAt", ${t}lease_expires_at AS "leaseExpiresAt", ${t}cancel_requested AS "cancelRequested",
  ${t}affinity_key AS "affinityKey"`;
const COLUMNS = columns();

/** A new job as the JSON element `insertTaskJobsSql` reads. */
export function taskJobPayload(j: NewTaskJob): Record<string, unknown> {
  return {
    job_id: j.jobId,
    execution_id: j.executionId,
    namespace: j.namespace,
    flow_id: j.flowId,
    task_run_id: j.taskRunId,
    task_id: j.taskId,
    attempt: j.attempt,
    worker_group: j.workerGroup ?? null,
    queue: j.queue,
    boss_id: j.bossId,
    timeout_ms: j.timeoutMs ?? null,
    min_log_level: j.minLogLevel,
    affinity_key: j.affinityKey ?? null,
  };
}

/**
 * The INSERT of new jobs from the JSON array `source` (elements of `taskJobPayload`), created at
 * `now`, keeping only the elements for which `where` (over `x.e`) holds; returns `job_id`.
 */
export function insertTaskJobsSql(ex: Executor, source: string, now: string, where = 'true'): string {
  return `INSERT INTO ${table(ex, 'task_jobs')}
       (job_id, execution_id, namespace, flow_id, task_run_id, task_id, attempt, worker_group, queue, boss_id, state,
        timeout_ms, min_log_level, affinity_key, created_at)
     SELECT e->>'job_id', e->>'execution_id', e->>'namespace', e->>'flow_id', e->>'task_run_id', e->>'task_id', (e->>'attempt')::integer,
            e->>'worker_group', e->>'queue', (e->>'boss_id')::uuid, 'queued', (e->>'timeout_ms')::integer,
            e->>'min_log_level', e->>'affinity_key', ${now}
       FROM jsonb_array_elements(${source}) AS x(e)
      WHERE ${where}
     ON CONFLICT (job_id) DO NOTHING
     RETURNING job_id`;
}

/** Inserts the jobs not recorded yet; returns the ids inserted (a job id already present is skipped). */
export async function insertTaskJobs(
  ex: Executor,
  jobs: readonly NewTaskJob[],
  now: Date,
): Promise<Set<string>> {
  if (jobs.length === 0) return new Set();
  const { rows } = await ex.query<{ job_id: string }>(insertTaskJobsSql(ex, '$1::jsonb', '$2'), [
    JSON.stringify(jobs.map(taskJobPayload)),
    now,
  ]);
  return new Set(rows.map((r) => r.job_id));
}

export async function getTaskJob(ex: Executor, jobId: string): Promise<TaskJobRow | undefined> {
  const { rows } = await ex.query<TaskJobRow & Record<string, unknown>>(
    `SELECT ${COLUMNS} FROM ${table(ex, 'task_jobs')} WHERE job_id = $1`,
    [jobId],
  );
  return rows[0];
}

export interface LeaseHolder {
  runnerId: string;
  runnerName: string;
  expiresAt: Date;
}

/**
 * Leases the queued jobs among `bossIds` (the pg-boss jobs a claim fetched) to a runner, each with a
 * new lease id. Jobs that are not queued any more (cancelled before they were claimed) are left out.
 */
export async function leaseTaskJobs(
  ex: Executor,
  bossIds: readonly string[],
  holder: LeaseHolder,
  now: Date,
): Promise<TaskJobRow[]> {
  if (bossIds.length === 0) return [];
  const { rows } = await ex.query<TaskJobRow & Record<string, unknown>>(
    `UPDATE ${table(ex, 'task_jobs')}
        SET state = 'leased', runner_id = $2, runner_name = $3, lease_id = gen_random_uuid()::text,
            leased_at = $4, lease_expires_at = $5
      WHERE boss_id = ANY($1::uuid[]) AND state = 'queued'
      RETURNING ${COLUMNS}`,
    [[...bossIds], holder.runnerId, holder.runnerName, now, holder.expiresAt],
  );
  return rows;
}

export interface HeldLease {
  jobId: string;
  leaseId: string;
}

/**
 * Extends the runner's leases that it still holds; returns them with whether the server wants
 * the job stopped. A lease not returned is no longer the runner's (expired and declared lost).
 */
export async function extendLeases(
  ex: Executor,
  runnerId: string,
  leases: readonly HeldLease[],
  expiresAt: Date,
): Promise<Array<{ jobId: string; cancelRequested: boolean }>> {
  if (leases.length === 0) return [];
  const { rows } = await ex.query<{ jobId: string; cancelRequested: boolean }>(
    `UPDATE ${table(ex, 'task_jobs')} t
        SET lease_expires_at = $3
       FROM jsonb_array_elements($2::jsonb) AS x(e)
      WHERE t.job_id = x.e->>'jobId' AND t.lease_id = x.e->>'leaseId' AND t.runner_id = $1 AND t.state = 'leased'
      RETURNING t.job_id AS "jobId", t.cancel_requested AS "cancelRequested"`,
    [runnerId, JSON.stringify(leases), expiresAt],
  );
  return rows;
}

/** Why a lease could not be settled. */
export type SettleOutcome =
  /** Settled before under the same lease: a repeated request. */
  | { status: 'duplicate'; job: TaskJobRow }
  /** The lease is not held (another lease, expired and declared lost, or unknown job). */
  | { status: 'not-held'; job: TaskJobRow | undefined };

export interface SettleRequest extends HeldLease {
  /** When given, the lease must be this runner's. */
  runnerId?: string | undefined;
  to: 'done' | 'lost' | 'released';
}

/** A settle request as the JSON element `settleTaskJobsSql` reads. */
export function settlePayload(r: SettleRequest): Record<string, unknown> {
  return { jobId: r.jobId, leaseId: r.leaseId, runnerId: r.runnerId ?? null, to: r.to };
}

/**
 * The UPDATE that settles the leases of the JSON array `source` (elements of `settlePayload`) that
 * are held, ended at `now`; returns the settled rows (every column).
 */
export function settleTaskJobsSql(ex: Executor, source: string, now: string): string {
  return `UPDATE ${table(ex, 'task_jobs')} t SET state = x.e->>'to', ended_at = ${now}
       FROM jsonb_array_elements(${source}) AS x(e)
      WHERE t.job_id = x.e->>'jobId' AND t.lease_id = x.e->>'leaseId' AND t.state = 'leased'
        AND (x.e->>'runnerId' IS NULL OR t.runner_id = x.e->>'runnerId')
      RETURNING ${columns('t.')}`;
}

/** Settles several leases in one statement; returns the rows settled (the others were not held). */
export async function settleTaskJobs(
  ex: Executor,
  requests: readonly SettleRequest[],
  now: Date,
): Promise<TaskJobRow[]> {
  if (requests.length === 0) return [];
  const { rows } = await ex.query<TaskJobRow & Record<string, unknown>>(
    settleTaskJobsSql(ex, '$1::jsonb', '$2'),
    [JSON.stringify(requests.map(settlePayload)), now],
  );
  return rows;
}

/** Takes back settlements made in this transaction (their step could not be written after all). */
export async function unsettleTaskJobs(ex: Executor, jobIds: readonly string[]): Promise<void> {
  if (jobIds.length === 0) return;
  await ex.query(
    `UPDATE ${table(ex, 'task_jobs')} SET state = 'leased', ended_at = NULL WHERE job_id = ANY($1::text[])`,
    [[...jobIds]],
  );
}

/** Why a lease could not be settled: settled before under the same lease (a repeat), or not held. */
export async function settleRefusal(ex: Executor, request: SettleRequest): Promise<SettleOutcome> {
  const job = await getTaskJob(ex, request.jobId);
  if (job !== undefined && job.leaseId === request.leaseId && job.state === request.to)
    return { status: 'duplicate', job };
  return { status: 'not-held', job };
}

/** The jobs leased to runners of this name (every incarnation). */
export async function leasedJobsOfRunner(
  ex: Executor,
  runner: { name: string } | { id: string },
): Promise<TaskJobRow[]> {
  const byId = 'id' in runner;
  const { rows } = await ex.query<TaskJobRow & Record<string, unknown>>(
    `SELECT ${COLUMNS} FROM ${table(ex, 'task_jobs')}
      WHERE state = 'leased' AND ${byId ? 'runner_id' : 'runner_name'} = $1`,
    [byId ? runner.id : runner.name],
  );
  return rows;
}

export interface OverdueJob extends TaskJobRow {
  /** `lease`: no heartbeat in time; `timeout`: running longer than its timeout allows. */
  reason: 'lease' | 'timeout';
}

/**
 * Leased jobs whose lease expired, or that run longer than their timeout plus `graceMs` (a runner
 * that ignores its own timeout), oldest first.
 */
export async function overdueJobs(
  ex: Executor,
  now: Date,
  graceMs: number,
  limit: number,
): Promise<OverdueJob[]> {
  const { rows } = await ex.query<OverdueJob & Record<string, unknown>>(
    `SELECT ${COLUMNS},
            CASE WHEN lease_expires_at < $1 THEN 'lease' ELSE 'timeout' END AS reason
       FROM ${table(ex, 'task_jobs')}
      WHERE state = 'leased'
        AND (lease_expires_at < $1
             OR (timeout_ms IS NOT NULL AND leased_at + (timeout_ms + $2) * interval '1 millisecond' < $1))
      ORDER BY lease_expires_at
      LIMIT $3`,
    [now, graceMs, limit],
  );
  return rows;
}

export interface CancelOutcome {
  /** Jobs no runner had claimed: cancelled now. */
  cancelled: TaskJobRow[];
  /** Jobs a runner holds: it learns to stop them at its next heartbeat. */
  flagged: string[];
}

/** Stops the open jobs of these task runs of an execution. */
export async function cancelTaskJobs(
  ex: Executor,
  executionId: string,
  taskRunIds: readonly string[],
  now: Date,
): Promise<CancelOutcome> {
  if (taskRunIds.length === 0) return { cancelled: [], flagged: [] };
  const cancelled = await ex.query<TaskJobRow & Record<string, unknown>>(
    `UPDATE ${table(ex, 'task_jobs')} SET state = 'cancelled', ended_at = $3
      WHERE execution_id = $1 AND task_run_id = ANY($2::text[]) AND state = 'queued'
      RETURNING ${COLUMNS}`,
    [executionId, [...taskRunIds], now],
  );
  const flagged = await ex.query<{ jobId: string }>(
    `UPDATE ${table(ex, 'task_jobs')} SET cancel_requested = true
      WHERE execution_id = $1 AND task_run_id = ANY($2::text[]) AND state = 'leased'
      RETURNING job_id AS "jobId"`,
    [executionId, [...taskRunIds]],
  );
  return { cancelled: cancelled.rows, flagged: flagged.rows.map((r) => r.jobId) };
}

/**
 * Takes back the jobs leased to a runner except `keep` (the ones it started): a runner stopping
 * hands back what it claimed but never ran. They go back to `queued`, or to `cancelled` when a stop
 * was requested meanwhile.
 */
export async function unleaseTaskJobs(
  ex: Executor,
  runnerId: string,
  keep: readonly string[],
  now: Date,
): Promise<TaskJobRow[]> {
  const { rows } = await ex.query<TaskJobRow & Record<string, unknown>>(
    `UPDATE ${table(ex, 'task_jobs')}
        SET state = CASE WHEN cancel_requested THEN 'cancelled' ELSE 'queued' END,
            ended_at = CASE WHEN cancel_requested THEN $3::timestamptz END,
            runner_id = NULL, runner_name = NULL, lease_id = NULL, leased_at = NULL, lease_expires_at = NULL
      WHERE runner_id = $1 AND state = 'leased' AND NOT (job_id = ANY($2::text[]))
      RETURNING ${COLUMNS}`,
    [runnerId, [...keep], now],
  );
  return rows;
}

/**
 * Gives every lease at least until `until`: the app was down, so runners could not heartbeat, and
 * a runner that kept working must not be declared lost for the app's own absence.
 */
export async function extendAllLeases(ex: Executor, until: Date): Promise<number> {
  const { rowCount } = await ex.query(
    `UPDATE ${table(ex, 'task_jobs')} SET lease_expires_at = greatest(lease_expires_at, $1)
      WHERE state = 'leased'`,
    [until],
  );
  return rowCount;
}

/** How many jobs are in each state (tests, diagnostics). */
export async function countTaskJobs(
  ex: Executor,
  executionId?: string,
): Promise<Record<TaskJobState, number>> {
  const { rows } = await ex.query<{ state: TaskJobState; count: number }>(
    `SELECT state, count(*)::int AS count FROM ${table(ex, 'task_jobs')}
      WHERE ($1::text IS NULL OR execution_id = $1) GROUP BY state`,
    [executionId ?? null],
  );
  const out = Object.fromEntries(TASK_JOB_STATES.map((s) => [s, 0])) as Record<TaskJobState, number>;
  for (const r of rows) out[r.state] = r.count;
  return out;
}

/** Cancels queued jobs: by job id, or every queued job of the affinity keys given. */
export async function cancelQueuedTaskJobs(
  ex: Executor,
  by: { jobIds?: readonly string[]; affinityKeys?: readonly string[] },
  now: Date,
): Promise<TaskJobRow[]> {
  const jobIds = by.jobIds ?? [];
  const keys = by.affinityKeys ?? [];
  if (jobIds.length === 0 && keys.length === 0) return [];
  const { rows } = await ex.query<TaskJobRow & Record<string, unknown>>(
    `UPDATE ${table(ex, 'task_jobs')} SET state = 'cancelled', ended_at = $3
      WHERE state = 'queued' AND (job_id = ANY($1::text[]) OR affinity_key = ANY($2::text[]))
      RETURNING ${COLUMNS}`,
    [[...jobIds], [...keys], now],
  );
  return rows;
}
