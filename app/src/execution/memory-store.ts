/** The in-memory `ExecutionStore` (`osprey run`, tests). Nothing survives the process. */
import type { Flow } from '../../../flows-schema/src/schema/flow.ts';
import type { ExecutionState } from '../engine/index.ts';
import type { LogEntry } from './contract.ts';
import type { ExecutionFilter, ExecutionStore, StoredExecution } from './store.ts';

export class MemoryExecutionStore implements ExecutionStore {
  readonly #executions = new Map<string, StoredExecution>();
  readonly #logs = new Map<string, LogEntry[]>();

  async load(id: string): Promise<StoredExecution | undefined> {
    return this.#executions.get(id);
  }

  async save(
    execution: ExecutionState,
    options: { flow?: Flow; logs?: readonly LogEntry[] } = {},
  ): Promise<void> {
    const flow = options.flow ?? this.#executions.get(execution.id)?.flow;
    if (flow === undefined)
      throw new Error(`execution ${execution.id} is saved for the first time without its flow`);
    this.#executions.set(execution.id, { execution, flow });
    if (options.logs !== undefined && options.logs.length > 0) this.#append(options.logs);
  }

  async appendLogs(logs: readonly LogEntry[]): Promise<void> {
    this.#append(logs);
  }

  async logs(executionId: string): Promise<LogEntry[]> {
    return (this.#logs.get(executionId) ?? []).slice();
  }

  async list(filter: ExecutionFilter): Promise<ExecutionState[]> {
    const out: ExecutionState[] = [];
    for (const { execution: e } of this.#executions.values()) {
      if (e.namespace !== filter.namespace || e.flowId !== filter.flowId) continue;
      if (filter.states === undefined || filter.states.includes(e.state)) out.push(e);
    }
    return out.sort((a, b) => (a.histories[0]?.at ?? 0) - (b.histories[0]?.at ?? 0));
  }

  #append(logs: readonly LogEntry[]): void {
    for (const l of logs) {
      const list = this.#logs.get(l.executionId);
      if (list) list.push(l);
      else this.#logs.set(l.executionId, [l]);
    }
  }
}
