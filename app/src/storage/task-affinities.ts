/**
 * SQL of working-directory affinities (see `0005_working_directory_affinity.sql`): which runner holds
 * the folder of a WorkingDirectory task run, whether that runner was lost, and whether the
 * WorkingDirectory ended (the runner hears it at its next claim and deletes the folder).
 */
import type { Executor } from './database.ts';
import { table } from './identifiers.ts';

export interface NewAffinity {
  key: string;
  executionId: string;
  taskId: string;
  runnerId: string;
  runnerName: string;
}

export interface AffinityRow {
  key: string;
  taskId: string;
  runnerId: string;
  runnerName: string;
  lost: boolean;
}

/** The runner that leased a key's job from the group's queue holds the key from now on. */
export async function recordAffinities(ex: Executor, rows: readonly NewAffinity[], now: Date): Promise<void> {
  if (rows.length === 0) return;
  await ex.query(
    `INSERT INTO ${table(ex, 'task_affinities')} (key, execution_id, task_id, runner_id, runner_name, created_at)
     SELECT e->>'key', e->>'executionId', e->>'taskId', e->>'runnerId', e->>'runnerName', $2
       FROM jsonb_array_elements($1::jsonb) AS x(e)
     ON CONFLICT (key) DO UPDATE SET runner_id = excluded.runner_id, runner_name = excluded.runner_name`,
    [JSON.stringify(rows), now],
  );
}

export async function getAffinities(
  ex: Executor,
  keys: readonly string[],
): Promise<Map<string, AffinityRow>> {
  if (keys.length === 0) return new Map();
  const { rows } = await ex.query<AffinityRow & Record<string, unknown>>(
    `SELECT key, task_id AS "taskId", runner_id AS "runnerId", runner_name AS "runnerName", lost_at IS NOT NULL AS lost
       FROM ${table(ex, 'task_affinities')} WHERE key = ANY($1::text[])`,
    [[...new Set(keys)]],
  );
  return new Map(rows.map((r) => [r.key, r]));
}

export async function markAffinitiesLost(ex: Executor, keys: readonly string[], now: Date): Promise<void> {
  if (keys.length === 0) return;
  await ex.query(
    `UPDATE ${table(ex, 'task_affinities')} SET lost_at = $2 WHERE key = ANY($1::text[]) AND lost_at IS NULL`,
    [[...new Set(keys)], now],
  );
}

/** The WorkingDirectory task runs `keys` ended: their runner may delete their folders. */
export async function finishAffinities(ex: Executor, keys: readonly string[], now: Date): Promise<void> {
  if (keys.length === 0) return;
  await ex.query(
    `UPDATE ${table(ex, 'task_affinities')} SET finished_at = $2 WHERE key = ANY($1::text[]) AND finished_at IS NULL`,
    [[...new Set(keys)], now],
  );
}

/** The ended keys of a runner, forgotten as they are handed to it. */
export async function takeFinishedAffinities(ex: Executor, runnerId: string): Promise<string[]> {
  const { rows } = await ex.query<{ key: string }>(
    `DELETE FROM ${table(ex, 'task_affinities')} WHERE runner_id = $1 AND finished_at IS NOT NULL RETURNING key`,
    [runnerId],
  );
  return rows.map((r) => r.key);
}

/**
 * Open keys whose runner is gone (revoked, or not heard from since `seenBefore`): marked lost and
 * returned, so their queued jobs can be failed.
 */
export async function loseAffinitiesOfGoneRunners(
  ex: Executor,
  seenBefore: Date,
  now: Date,
): Promise<AffinityRow[]> {
  const { rows } = await ex.query<AffinityRow & Record<string, unknown>>(
    `UPDATE ${table(ex, 'task_affinities')} a SET lost_at = $2
       FROM ${table(ex, 'runners')} r
      WHERE r.id = a.runner_id AND a.lost_at IS NULL AND a.finished_at IS NULL
        AND (r.revoked_at IS NOT NULL OR r.last_seen_at IS NULL OR r.last_seen_at < $1)
      RETURNING a.key, a.task_id AS "taskId", a.runner_id AS "runnerId", a.runner_name AS "runnerName", true AS lost`,
    [seenBefore, now],
  );
  return rows;
}

/** What the remaining children of a WorkingDirectory whose runner was lost fail with. */
export function lostAffinityMessage(a: Pick<AffinityRow, 'runnerName' | 'taskId'>): string {
  return `the runner ${a.runnerName} holding working directory of task ${a.taskId} was lost; restart the execution`;
}
