/**
 * What the executor's helpers (jobs, subflows, admission, commands) may ask of the executor. They
 * get this narrow view rather than the class, so each can be read and tested on its own.
 */
import type { ExpressionServices } from '../../../flows-schema/src/expressions/types.ts';
import type { Flow } from '../../../flows-schema/src/schema/flow.ts';
import type { EngineEvent, ExecutionState } from '../engine/index.ts';
import type { LogEntry, StartRequest } from './contract.ts';
import type { ExecutorDeps } from './deps.ts';
import type { Live } from './live.ts';
import type { LocalTask } from './local-tasks.ts';

export interface CreateOptions {
  id?: string;
  parentId?: string;
  correlationId?: string;
  originalId?: string;
  attemptNumber?: number;
  /** Inputs already parsed (a new execution for a CREATE_NEW_EXECUTION retry). */
  parsedInputs?: Record<string, unknown>;
}

export interface ExecutorHost {
  readonly deps: ExecutorDeps;
  /** Children being created: their end is reported by `startSubflow`, after `subflowStarted`. */
  readonly starting: Set<string>;
  /** Apply an event after the ones before it; resolves with the new state. */
  enqueue(executionId: string, event: EngineEvent): Promise<ExecutionState>;
  /** Apply an event later, without waiting; a failure is reported in the execution's logs. */
  post(executionId: string, event: EngineEvent): void;
  /** A bug in Osprey, not in the flow: reported in the execution's logs and on stderr. */
  internalError(executionId: string, error: Error): void;
  create(request: StartRequest, options: CreateOptions): Promise<ExecutionState>;
  kill(executionId: string): Promise<unknown>;
  load(id: string): Promise<{ execution: ExecutionState; flow: Flow } | undefined>;
  liveOf(id: string, flow: Flow): Live;
  services(ex: ExecutionState, live: Live): ExpressionServices;
  appendLogs(ex: ExecutionState, live: Live, logs: LogEntry[]): void;
  localTask(type: string): LocalTask | undefined;
}
