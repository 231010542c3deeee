/**
 * The `ExecutionStore` over Postgres or PGlite, for what the shared executor helpers read (loads,
 * concurrency lists, logs). The durable engine writes executions itself, in its step transactions
 * (`commit-step.ts`), so `save` only inserts a new execution; an update through it is refused.
 */
import type { Flow } from '../../../flows-schema/src/schema/flow.ts';
import type { ExecutionState } from '../engine/index.ts';
import type { Clock } from '../execution/clock.ts';
import type { LogEntry } from '../execution/contract.ts';
import type { ExecutionFilter, ExecutionStore, StoredExecution } from '../execution/store.ts';
import type { Database } from '../storage/database.ts';
import { executionFlowKey, insertSteps, listStepStates, loadStep } from '../storage/execution-steps.ts';
import { appendLogs, executionLogs, type NewLog } from '../storage/logs.ts';
import { stepInsert } from './step-rows.ts';

export class DatabaseExecutionStore implements ExecutionStore {
  readonly #db: Database;
  readonly #clock: Clock;

  constructor(db: Database, clock: Clock) {
    this.#db = db;
    this.#clock = clock;
  }

  async load(id: string): Promise<StoredExecution | undefined> {
    const row = await loadStep<ExecutionState, Flow>(this.#db, id);
    return row === undefined ? undefined : { execution: row.state, flow: row.flow };
  }

  async save(
    execution: ExecutionState,
    options: { flow?: Flow; logs?: readonly LogEntry[] } = {},
  ): Promise<void> {
    const { flow } = options;
    if (flow === undefined) {
      throw new Error(
        `execution ${execution.id}: the database store only inserts new executions; state changes go through the durable engine's step transaction`,
      );
    }
    await this.#db.transaction(async (tx) => {
      const now = new Date(this.#clock.now());
      if ((await insertSteps(tx, [stepInsert(execution, flow, now)], now)).size === 0)
        throw new Error(`execution ${execution.id} exists already; it cannot be inserted twice`);
      await appendLogs(tx, (options.logs ?? []).map(toNewLog));
    });
  }

  async appendLogs(logs: readonly LogEntry[]): Promise<void> {
    await appendLogs(this.#db, logs.map(toNewLog));
  }

  async logs(executionId: string): Promise<LogEntry[]> {
    const key = await executionFlowKey(this.#db, executionId);
    if (key === undefined) return [];
    const rows = await executionLogs(this.#db, executionId, { limit: 100_000 });
    return rows.map((r) => ({
      executionId,
      namespace: key.namespace,
      flowId: key.flowId,
      ...(r.taskId === null ? {} : { taskId: r.taskId }),
      ...(r.taskRunId === null ? {} : { taskRunId: r.taskRunId }),
      ...(r.attempt === null ? {} : { attemptNumber: r.attempt }),
      level: r.level,
      message: r.message,
      timestamp: new Date(r.ts).toISOString(),
    }));
  }

  list(filter: ExecutionFilter): Promise<ExecutionState[]> {
    return listStepStates<ExecutionState>(this.#db, filter);
  }
}

export function toNewLog(l: LogEntry): NewLog {
  return {
    executionId: l.executionId,
    taskRunId: l.taskRunId,
    taskId: l.taskId,
    attempt: l.attemptNumber,
    level: l.level,
    message: l.message,
    ts: new Date(l.timestamp),
  };
}
