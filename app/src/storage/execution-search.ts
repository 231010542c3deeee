/**
 * SQL of the REST API's execution search: executions filtered by namespace, flow, state, labels,
 * creation time, commit, branch, pull request and text, newest first, with the total count
 * (Kestra's `{ results, total }`). A page is found by offset (Kestra's `page`) or, for the console,
 * by keyset: `after` is the position of the last row shown, so page 400 costs what page 1 does.
 * Indexes: migration 0012_execution_search.sql.
 */
import type { Executor } from './database.ts';
import { table } from './identifiers.ts';

export interface ExecutionSearchFilter {
  namespace?: string | undefined;
  flowId?: string | undefined;
  states?: readonly string[] | undefined;
  /** Case-insensitive text found in the id, `namespace.flowId`, or a label `key:value`. */
  text?: string | undefined;
  /** Only these namespaces (a person's readable ones). */
  namespaces?: readonly string[] | undefined;
  /** Every one of these labels (exact key and value). */
  labels?: ReadonlyArray<{ key: string; value: string }> | undefined;
  /** Created at or after / before. */
  from?: Date | undefined;
  to?: Date | undefined;
  /** The commit the execution is pinned to: a SHA or its first characters (hexadecimal). */
  sha?: string | undefined;
  /** The branch of the git event that started it (`trigger.variables.branch`). */
  branch?: string | undefined;
  /** The pull request of the git event or `/osprey run` comment that started it. */
  pullRequest?: number | undefined;
}

/** Where the previous page ended: the last row's creation time (as the database prints it) and id. */
export interface SearchPosition {
  createdAt: string;
  id: string;
}

const WHERE = `($1::text IS NULL OR namespace = $1)
  AND ($2::text IS NULL OR flow_id = $2)
  AND ($3::text[] IS NULL OR state = ANY($3::text[]))
  AND ($4::text IS NULL OR id ILIKE $4 OR (namespace || '.' || flow_id) ILIKE $4
       OR EXISTS (SELECT 1 FROM jsonb_array_elements(labels) l
                   WHERE (l->>'key') || ':' || (l->>'value') ILIKE $4))
  AND ($5::jsonb IS NULL OR labels @> $5::jsonb)
  AND ($6::timestamptz IS NULL OR created_at >= $6)
  AND ($7::timestamptz IS NULL OR created_at < $7)
  AND ($8::text IS NULL OR sha LIKE $8)
  AND ($9::text IS NULL OR trigger_branch = $9)
  AND ($10::text IS NULL OR trigger_pr = $10)
  AND ($11::text[] IS NULL OR namespace = ANY($11::text[]))`;

/** `text` as an ILIKE pattern matching it anywhere, its own `%`, `_` and backslash taken literally. */
function contains(text: string | undefined): string | null {
  if (text === undefined || text === '') return null;
  return `%${text.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
}

function params(filter: ExecutionSearchFilter): unknown[] {
  return [
    filter.namespace ?? null,
    filter.flowId ?? null,
    filter.states === undefined || filter.states.length === 0 ? null : [...filter.states],
    contains(filter.text),
    filter.labels === undefined || filter.labels.length === 0
      ? null
      : JSON.stringify(filter.labels.map((l) => ({ key: l.key, value: l.value }))),
    filter.from ?? null,
    filter.to ?? null,
    // Hexadecimal only (checked at the API's edge): no LIKE wildcard can be in it.
    filter.sha === undefined ? null : `${filter.sha.toLowerCase()}%`,
    filter.branch ?? null,
    filter.pullRequest === undefined ? null : String(filter.pullRequest),
    filter.namespaces === undefined ? null : [...filter.namespaces],
  ];
}

/** Counting stops here: past it the total is shown as "more than". */
export const COUNT_LIMIT = 10_000;

/**
 * The stored documents of one page — after `page.after` when given, else at `page.offset` — the
 * position of its last row, whether more follow, and how many executions match in all (counted up
 * to COUNT_LIMIT + 1: a larger total costs a scan of every match and says little more).
 */
export async function searchExecutions<D = unknown>(
  ex: Executor,
  filter: ExecutionSearchFilter,
  page: { offset: number; limit: number; after?: SearchPosition | undefined },
): Promise<{ documents: D[]; total: number; last?: SearchPosition; more: boolean }> {
  const values = params(filter);
  const { rows: counted } = await ex.query<{ total: number }>(
    `SELECT count(*)::int AS total FROM (SELECT 1 FROM ${table(ex, 'executions')} WHERE ${WHERE} LIMIT ${COUNT_LIMIT + 1}) matching`,
    values,
  );
  const total = counted[0]?.total ?? 0;
  if (total === 0 || (page.after === undefined && page.offset >= total && total <= COUNT_LIMIT)) {
    return { documents: [], total, more: false };
  }
  const keyset = page.after === undefined ? '' : ` AND (created_at, id) < ($14::timestamptz, $15::text)`;
  const { rows } = await ex.query<{ document: D; createdAt: string; id: string }>(
    `SELECT document, created_at::text AS "createdAt", id FROM ${table(ex, 'executions')}
      WHERE ${WHERE}${keyset}
      ORDER BY created_at DESC, id DESC LIMIT $12 OFFSET $13`,
    [
      ...values,
      page.limit + 1, // one more tells whether a next page exists
      page.after === undefined ? page.offset : 0,
      ...(page.after === undefined ? [] : [page.after.createdAt, page.after.id]),
    ],
  );
  const shown = rows.slice(0, page.limit);
  const end = shown.at(-1);
  return {
    documents: shown.map((r) => r.document),
    total,
    more: rows.length > page.limit,
    ...(end === undefined ? {} : { last: { createdAt: end.createdAt, id: end.id } }),
  };
}
