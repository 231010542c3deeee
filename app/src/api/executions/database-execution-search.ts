/**
 * The REST API's `ExecutionSearch` on the `executions` table the durable execution service writes:
 * each row's document is the engine's execution state, shown as Kestra's `ExecutionDocument`.
 * `next` is the last row's position (creation time and id) in base64url JSON.
 */
import type { ExecutionState } from '../../engine/index.ts';
import { toDocument } from '../../execution/documents.ts';
import type { Executor } from '../../storage/database.ts';
import { COUNT_LIMIT, type SearchPosition, searchExecutions } from '../../storage/execution-search.ts';
import type { ExecutionPage, ExecutionQuery, ExecutionSearch } from '../deps.ts';
import { invalid } from '../errors.ts';

export class DatabaseExecutionSearch implements ExecutionSearch {
  readonly #db: Executor;

  constructor(db: Executor) {
    this.#db = db;
  }

  async search(query: ExecutionQuery): Promise<ExecutionPage> {
    const { documents, total, last, more } = await searchExecutions<ExecutionState>(
      this.#db,
      {
        namespace: query.namespace,
        flowId: query.flowId,
        states: query.states,
        text: query.text,
        namespaces: query.namespaces,
        labels: query.labels,
        from: query.from,
        to: query.to,
        sha: query.sha,
        branch: query.branch,
        pullRequest: query.pullRequest,
      },
      {
        offset: (query.page - 1) * query.size,
        limit: query.size,
        after: query.after === undefined ? undefined : position(query.after),
      },
    );
    return {
      results: documents.map(toDocument),
      total: Math.min(total, COUNT_LIMIT),
      ...(total > COUNT_LIMIT ? { totalCapped: true } : {}),
      ...(more && last !== undefined
        ? { next: Buffer.from(JSON.stringify([last.createdAt, last.id])).toString('base64url') }
        : {}),
    };
  }
}

function position(after: string): SearchPosition {
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(after, 'base64url').toString('utf8')) as unknown[];
    if (typeof createdAt === 'string' && typeof id === 'string' && !Number.isNaN(Date.parse(createdAt))) {
      return { createdAt, id };
    }
  } catch {
    // reported below
  }
  throw invalid(
    'after',
    'not a page position this server gave: use the `next` of the previous page, or leave it out',
  );
}
