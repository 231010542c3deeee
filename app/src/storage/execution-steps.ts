/**
 * SQL of the durable engine's steps: an execution is loaded with the flow it is pinned to and its
 * version, and written back under a version check (`updateSteps`). A new
 * execution is inserted at most once per id, so a redelivered "create this subflow" finds the child
 * it created before instead of creating a second one.
 */
import type { Executor } from './database.ts';
import { table } from './identifiers.ts';

export interface StepRow<S = unknown, F = unknown> {
  state: S;
  flow: F;
  version: number;
}

/** The execution's engine state, its flow and version; undefined when unknown or stored without a flow. */
export async function loadStep<S, F>(ex: Executor, id: string): Promise<StepRow<S, F> | undefined> {
  const { rows } = await ex.query<{ document: S; flow: F | null; version: number }>(
    `SELECT document, flow, version FROM ${table(ex, 'executions')} WHERE id = $1`,
    [id],
  );
  const row = rows[0];
  if (row === undefined || row.flow === null) return undefined;
  return { state: row.document, flow: row.flow, version: row.version };
}

export interface StepInsert {
  id: string;
  namespace: string;
  flowId: string;
  flowRevision?: number | undefined;
  state: string;
  repository?: string | undefined;
  sha?: string | undefined;
  parentId?: string | undefined;
  document: unknown;
  flow: unknown;
  endedAt?: Date | undefined;
}

/** Engine states of a flow's executions, oldest first (concurrency limits and their queue). */
export async function listStepStates<S>(
  ex: Executor,
  filter: { namespace: string; flowId: string; states?: readonly string[] | undefined },
): Promise<S[]> {
  const { rows } = await ex.query<{ document: S }>(
    `SELECT document FROM ${table(ex, 'executions')}
      WHERE namespace = $1 AND flow_id = $2 AND ($3::text[] IS NULL OR state = ANY($3::text[]))
        AND flow IS NOT NULL
      ORDER BY created_at, id`,
    [filter.namespace, filter.flowId, filter.states === undefined ? null : [...filter.states]],
  );
  return rows.map((r) => r.document);
}

/** Namespace and flow id of an execution (log lines carry them). */
export async function executionFlowKey(
  ex: Executor,
  id: string,
): Promise<{ namespace: string; flowId: string } | undefined> {
  const { rows } = await ex.query<{ namespace: string; flowId: string }>(
    `SELECT namespace, flow_id AS "flowId" FROM ${table(ex, 'executions')} WHERE id = $1`,
    [id],
  );
  return rows[0];
}

/** Inserts several new executions at version 1; returns the ids inserted (an existing id is skipped). */
export async function insertSteps(
  ex: Executor,
  rows: readonly StepInsert[],
  now: Date,
): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const payload = rows.map((e) => ({
    id: e.id,
    namespace: e.namespace,
    flow_id: e.flowId,
    flow_revision: e.flowRevision ?? null,
    state: e.state,
    repository: e.repository ?? null,
    sha: e.sha ?? null,
    parent_id: e.parentId ?? null,
    document: e.document,
    flow: e.flow,
    ended_at: e.endedAt?.toISOString() ?? null,
  }));
  const { rows: inserted } = await ex.query<{ id: string }>(
    `INSERT INTO ${table(ex, 'executions')}
       (id, namespace, flow_id, flow_revision, state, repository, sha, parent_id, document, flow, version,
        created_at, updated_at, ended_at)
     SELECT e->>'id', e->>'namespace', e->>'flow_id', (e->>'flow_revision')::integer, e->>'state', e->>'repository',
            e->>'sha', e->>'parent_id', e->'document', e->'flow', 1, $2, $2, (e->>'ended_at')::timestamptz
       FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS x(e, n)
      ORDER BY n
     ON CONFLICT (id) DO NOTHING
     RETURNING id`,
    [JSON.stringify(payload), now],
  );
  return new Set(inserted.map((r) => r.id));
}

export interface StepUpdate {
  id: string;
  /** The version read; the row is written only if nobody wrote since. */
  expectedVersion: number;
  state: string;
  document: unknown;
  endedAt?: Date | undefined;
}

/** An update as the JSON element `updateStepsSql` reads. */
export function stepUpdatePayload(u: StepUpdate): Record<string, unknown> {
  return {
    id: u.id,
    version: u.expectedVersion,
    state: u.state,
    document: u.document,
    ended_at: u.endedAt?.toISOString() ?? null,
  };
}

/**
 * The UPDATE of the executions of the JSON array `source` (elements of `stepUpdatePayload`), each
 * under its version check and only where `where` (over `x.e`) holds; returns `id` and `version`.
 */
export function updateStepsSql(ex: Executor, source: string, now: string, where = 'true'): string {
  return `UPDATE ${table(ex, 'executions')} t
        SET state = x.e->>'state', document = x.e->'document', version = t.version + 1, updated_at = ${now},
            ended_at = (x.e->>'ended_at')::timestamptz
       FROM jsonb_array_elements(${source}) AS x(e)
      WHERE t.id = x.e->>'id' AND t.version = (x.e->>'version')::integer AND ${where}
      RETURNING t.id, t.version`;
}

/** Writes several executions, each under its version check; returns the new version of each written. */
export async function updateSteps(
  ex: Executor,
  rows: readonly StepUpdate[],
  now: Date,
): Promise<Map<string, number>> {
  if (rows.length === 0) return new Map();
  const { rows: written } = await ex.query<{ id: string; version: number }>(
    updateStepsSql(ex, '$1::jsonb', '$2'),
    [JSON.stringify(rows.map(stepUpdatePayload)), now],
  );
  return new Map(written.map((r) => [r.id, r.version]));
}
