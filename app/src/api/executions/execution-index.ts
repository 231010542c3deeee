/**
 * An in-memory `ExecutionSearch` fed by `ExecutionService.subscribe`: it sees every execution that
 * changes while it listens and keeps the newest `capacity` of them. For `osprey dev` and tests; a
 * durable server answers searches from its database instead.
 */
import { LRUCache } from 'lru-cache';
import type { ExecutionDocument, ExecutionService } from '../../execution/contract.ts';
import type { ExecutionPage, ExecutionQuery, ExecutionSearch } from '../deps.ts';

export class ExecutionIndex implements ExecutionSearch {
  readonly #byId: LRUCache<string, ExecutionDocument>;
  readonly #unsubscribe: () => void;

  constructor(executions: Pick<ExecutionService, 'subscribe'>, options: { capacity?: number } = {}) {
    this.#byId = new LRUCache({ max: options.capacity ?? 10_000 });
    this.#unsubscribe = executions.subscribe(({ execution }) => this.#record(execution));
  }

  async search(query: ExecutionQuery): Promise<ExecutionPage> {
    const text = query.text?.toLowerCase();
    const variables = (e: ExecutionDocument) =>
      (e.trigger as { variables?: Record<string, unknown> } | undefined)?.variables ?? {};
    const matching = [...this.#byId.values()]
      .filter(
        (e) =>
          (query.namespace === undefined || e.namespace === query.namespace) &&
          (query.namespaces === undefined || query.namespaces.includes(e.namespace)) &&
          (query.flowId === undefined || e.flowId === query.flowId) &&
          (query.states === undefined ||
            query.states.length === 0 ||
            query.states.includes(e.state.current)) &&
          (text === undefined || text === '' || searchable(e).some((s) => s.toLowerCase().includes(text))) &&
          (query.labels ?? []).every((l) => e.labels.some((m) => m.key === l.key && m.value === l.value)) &&
          (query.from === undefined || startOf(e) >= query.from.toISOString()) &&
          (query.to === undefined || startOf(e) < query.to.toISOString()) &&
          (query.sha === undefined || (e.source?.sha ?? '').startsWith(query.sha.toLowerCase())) &&
          (query.branch === undefined || variables(e)['branch'] === query.branch) &&
          (query.pullRequest === undefined || variables(e)['number'] === query.pullRequest),
      )
      .sort((a, b) => startOf(b).localeCompare(startOf(a)) || b.id.localeCompare(a.id));
    // `next` is the index of the following page's first row (the index keeps few executions).
    const from =
      query.after === undefined ? (query.page - 1) * query.size : Number.parseInt(query.after, 36) || 0;
    const end = from + query.size;
    return {
      results: matching.slice(from, end),
      total: matching.length,
      ...(end < matching.length ? { next: end.toString(36) } : {}),
    };
  }

  close(): void {
    this.#unsubscribe();
  }

  #record(execution: ExecutionDocument): void {
    this.#byId.set(execution.id, execution);
  }
}

/** What Kestra's `q` looks at: the id, `namespace.flowId` and each label as `key:value`. */
function searchable(e: ExecutionDocument): string[] {
  return [e.id, `${e.namespace}.${e.flowId}`, ...e.labels.map((l) => `${l.key}:${l.value}`)];
}

function startOf(e: ExecutionDocument): string {
  return e.state.startDate ?? e.state.histories[0]?.date ?? '';
}
