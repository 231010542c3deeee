/**
 * SQL of the REST API's execution search: executions filtered by namespace, flow, state and text,
 * newest first, one page at a time with the total count (Kestra's `{ results, total }`).
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
}

const WHERE = `($1::text IS NULL OR namespace = $1)
  AND ($2::text IS NULL OR flow_id = $2)
  AND ($3::text[] IS NULL OR state = ANY($3::text[]))
  AND ($4::text IS NULL OR id ILIKE $4 OR (namespace || '.' || flow_id) ILIKE $4
       OR EXISTS (SELECT 1 FROM jsonb_array_elements(document->'labels') l
                   WHERE (l->>'key') || ':' || (l->>'value') ILIKE $4))
  AND ($5::text[] IS NULL OR namespace = ANY($5::text[]))`;

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
    filter.namespaces === undefined ? null : [...filter.namespaces],
  ];
}

/** The stored documents of one page (0-based `offset`), and how many executions match in all. */
export async function searchExecutions<D = unknown>(
  ex: Executor,
  filter: ExecutionSearchFilter,
  page: { offset: number; limit: number },
): Promise<{ documents: D[]; total: number }> {
  const { rows: counted } = await ex.query<{ total: number }>(
    `SELECT count(*)::int AS total FROM ${table(ex, 'executions')} WHERE ${WHERE}`,
    params(filter),
  );
  const total = counted[0]?.total ?? 0;
  if (total === 0 || page.offset >= total) return { documents: [], total };
  const { rows } = await ex.query<{ document: D }>(
    `SELECT document FROM ${table(ex, 'executions')} WHERE ${WHERE}
      ORDER BY created_at DESC, id DESC LIMIT $6 OFFSET $7`,
    [...params(filter), page.limit, page.offset],
  );
  return { documents: rows.map((r) => r.document), total };
}
