/**
 * The REST API's `ExecutionSearch` on the `executions` table the durable execution service writes:
 * each row's document is the engine's execution state, shown as Kestra's `ExecutionDocument`.
 */

import type { ExecutionState } from '../../engine/index.ts';
import { toDocument } from '../../execution/documents.ts';
import type { Executor } from '../../storage/database.ts';
import { searchExecutions } from '../../storage/execution-search.ts';
import type { ExecutionPage, ExecutionQuery, ExecutionSearch } from '../deps.ts';

export class DatabaseExecutionSearch implements ExecutionSearch {
  readonly #db: Executor;

  constructor(db: Executor) {
    this.#db = db;
  }

  async search(query: ExecutionQuery): Promise<ExecutionPage> {
    const { documents, total } = await searchExecutions<ExecutionState>(
      this.#db,
      {
        namespace: query.namespace,
        flowId: query.flowId,
        states: query.states,
        text: query.text,
        namespaces: query.namespaces,
      },
      { offset: (query.page - 1) * query.size, limit: query.size },
    );
    return { results: documents.map(toDocument), total };
  }
}
