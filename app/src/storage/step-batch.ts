/**
 * The hot statement of the durable engine: in one round trip, the leases a batch of steps settles,
 * the executions it updates (each under its version check, and only when the lease its step
 * settles was held), and, for the executions written, their log lines and their new task jobs.
 * It is the same as `settleTaskJobs`, `updateSteps`, `appendLogs` and `insertTaskJobs` one after
 * the other (the SQL is theirs), with the conditions between them evaluated in the database.
 */
import type { Executor } from './database.ts';
import { type StepUpdate, stepUpdatePayload, updateStepsSql } from './execution-steps.ts';
import { appendLogsSql, logPayload, type NewLog } from './logs.ts';
import {
  insertTaskJobsSql,
  type NewTaskJob,
  type SettleRequest,
  settlePayload,
  settleTaskJobsSql,
  type TaskJobRow,
  taskJobPayload,
} from './task-jobs.ts';

export interface GuardedStepUpdate extends StepUpdate {
  /** The job whose lease the step settles: the execution is written only if it was settled. */
  guardJobId?: string | undefined;
}

export interface StepBatch {
  settles: readonly SettleRequest[];
  updates: readonly GuardedStepUpdate[];
  /** Lines of the updated steps, `step` the execution whose step they belong to. */
  logs: ReadonlyArray<{ step: string; log: NewLog }>;
  /** Jobs the updated steps dispatch (their queue known without a look-up). */
  jobs: ReadonlyArray<{ step: string; job: NewTaskJob }>;
}

export interface StepBatchWritten {
  /** The leases settled (the others were not held). */
  settled: TaskJobRow[];
  /** The new version of each execution written. */
  versions: Map<string, number>;
  /** The job ids inserted (a job id already recorded is skipped). */
  insertedJobs: Set<string>;
}

export async function writeStepBatch(ex: Executor, batch: StepBatch, now: Date): Promise<StepBatchWritten> {
  if (batch.settles.length === 0 && batch.updates.length === 0)
    return { settled: [], versions: new Map(), insertedJobs: new Set() };
  const written = `x.e->>'step' IN (SELECT id FROM u)`;
  // Data-modifying CTEs all run once, on the statement's snapshot; each sees the rows the ones it
  // reads returned. The settled leases come back as rows (one row of NULLs when none was).
  const { rows } = await ex.query<
    (TaskJobRow | { [K in keyof TaskJobRow]: null }) & {
      updated: Array<{ id: string; version: number }>;
      insertedJobs: string[];
    } & Record<string, unknown>
  >(
    `WITH s AS (${settleTaskJobsSql(ex, '$1::jsonb', '$2')}),
          u AS (${updateStepsSql(ex, '$3::jsonb', '$2', `(x.e->>'guard' IS NULL OR x.e->>'guard' IN (SELECT "jobId" FROM s))`)}),
          l AS (${appendLogsSql(ex, '$4::jsonb', written)}),
          j AS (${insertTaskJobsSql(ex, '$5::jsonb', '$2', written)})
     SELECT s.*,
            (SELECT coalesce(json_agg(json_build_object('id', id, 'version', version)), '[]'::json) FROM u) AS updated,
            (SELECT coalesce(array_agg(job_id), '{}'::text[]) FROM j) AS "insertedJobs"
       FROM (SELECT 1) AS one LEFT JOIN s ON true`,
    [
      JSON.stringify(batch.settles.map(settlePayload)),
      now,
      JSON.stringify(batch.updates.map((u) => ({ ...stepUpdatePayload(u), guard: u.guardJobId ?? null }))),
      JSON.stringify(batch.logs.map(({ step, log }) => ({ ...logPayload(log), step }))),
      JSON.stringify(batch.jobs.map(({ step, job }) => ({ ...taskJobPayload(job), step }))),
    ],
  );
  const first = rows[0];
  const settled: TaskJobRow[] = [];
  for (const row of rows) {
    if (row.jobId === null) continue;
    const { updated: _u, insertedJobs: _j, ...job } = row;
    settled.push(job as TaskJobRow);
  }
  return {
    settled,
    versions: new Map((first?.updated ?? []).map((r) => [r.id, r.version])),
    insertedJobs: new Set(first?.insertedJobs ?? []),
  };
}
