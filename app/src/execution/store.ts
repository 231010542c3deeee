/**
 * Where executions live. Small on purpose, so a Postgres implementation is one query module: a
 * save writes the new state and the log lines it produced in one transaction. The engine never
 * mutates a state it was given, so implementations may keep the objects they receive.
 */
import type { Flow } from '../../../flows-schema/src/schema/flow.ts';
import type { ExecutionState, StateName } from '../engine/index.ts';
import type { LogEntry } from './contract.ts';

export interface StoredExecution {
  execution: ExecutionState;
  /** The flow the execution is pinned to (revision or commit at start). */
  flow: Flow;
}

export interface ExecutionFilter {
  namespace: string;
  flowId: string;
  states?: readonly StateName[];
}

export interface ExecutionStore {
  load(id: string): Promise<StoredExecution | undefined>;
  /** Insert or update the execution (the flow is given on insert) and append its new log lines. */
  save(execution: ExecutionState, options?: { flow?: Flow; logs?: readonly LogEntry[] }): Promise<void>;
  /** Log lines streamed by a running job, between two saves. */
  appendLogs(logs: readonly LogEntry[]): Promise<void>;
  logs(executionId: string): Promise<LogEntry[]>;
  /** Executions of a flow, oldest first (concurrency limits and queues). */
  list(filter: ExecutionFilter): Promise<ExecutionState[]>;
}
