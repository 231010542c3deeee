/**
 * An `ExecutionService` whose executions move only when the test says so (`transition`), recording
 * every start request. Events are emitted like the real service: one per state change.
 */

import {
  type ExecutionDocument,
  type ExecutionEvent,
  type ExecutionService,
  InputsRefused,
  type LogEntry,
  type StartRequest,
  type TaskRunDocument,
} from '../../../../../app/src/execution/contract.ts';
import type { StateName } from '../../../../../flows-schema/src/schema/primitives.ts';

const TERMINAL = new Set<StateName>(['SUCCESS', 'WARNING', 'FAILED', 'KILLED', 'CANCELLED', 'SKIPPED']);

export class FakeExecutionService implements ExecutionService {
  readonly started: StartRequest[] = [];
  readonly #docs = new Map<string, ExecutionDocument>();
  readonly #logs = new Map<string, LogEntry[]>();
  readonly #listeners = new Set<(event: ExecutionEvent) => void>();
  readonly #waiters = new Map<string, Array<(doc: ExecutionDocument) => void>>();
  #next = 0;
  /** Inputs named here are refused by `start`. */
  refusedInputs = new Set<string>();
  /** Called after each start (e.g. to drive the execution to an end). */
  onStart: ((doc: ExecutionDocument, request: StartRequest) => void) | undefined;

  async start(request: StartRequest): Promise<ExecutionDocument> {
    const refused = Object.keys(request.inputs ?? {}).filter((k) => this.refusedInputs.has(k));
    if (refused.length > 0)
      throw new InputsRefused(refused.map((input) => ({ input, message: 'is not accepted by this flow' })));
    this.started.push(request);
    const now = new Date().toISOString();
    const doc: ExecutionDocument = {
      id: `exec${++this.#next}`,
      namespace: request.flow.namespace,
      flowId: request.flow.id,
      state: { current: 'CREATED', histories: [{ state: 'CREATED', date: now }], startDate: now },
      taskRunList: [],
      inputs: { ...(request.inputs ?? {}) },
      labels: [...(request.labels ?? [])],
      ...(request.trigger ? { trigger: request.trigger } : {}),
      ...(request.source ? { source: request.source } : {}),
    };
    this.#docs.set(doc.id, doc);
    this.#emit(doc);
    this.onStart?.(structuredClone(doc), request);
    return structuredClone(doc);
  }

  /** Move an execution: new state, task runs, outputs, and log lines appended. */
  transition(
    id: string,
    state: StateName,
    patch: { taskRuns?: TaskRunDocument[]; outputs?: Record<string, unknown>; logs?: LogEntry[] } = {},
  ): ExecutionDocument {
    const doc = this.#docs.get(id);
    if (doc === undefined) throw new Error(`no execution ${id}`);
    const now = new Date().toISOString();
    doc.state = {
      ...doc.state,
      current: state,
      histories: [...doc.state.histories, { state, date: now }],
      ...(TERMINAL.has(state) ? { endDate: now } : {}),
    };
    if (patch.taskRuns) doc.taskRunList = patch.taskRuns;
    if (patch.outputs) doc.outputs = patch.outputs;
    if (patch.logs) this.#logs.set(id, [...(this.#logs.get(id) ?? []), ...patch.logs]);
    this.#emit(doc, patch.logs);
    if (TERMINAL.has(state)) {
      for (const resolve of this.#waiters.get(id) ?? []) resolve(structuredClone(doc));
      this.#waiters.delete(id);
    }
    return structuredClone(doc);
  }

  async get(id: string): Promise<ExecutionDocument | undefined> {
    const doc = this.#docs.get(id);
    return doc ? structuredClone(doc) : undefined;
  }

  waitForTerminal(id: string): Promise<ExecutionDocument> {
    const doc = this.#docs.get(id);
    if (doc !== undefined && TERMINAL.has(doc.state.current)) return Promise.resolve(structuredClone(doc));
    return new Promise((resolve) => this.#waiters.set(id, [...(this.#waiters.get(id) ?? []), resolve]));
  }

  async logs(id: string): Promise<LogEntry[]> {
    return [...(this.#logs.get(id) ?? [])];
  }

  async kill(id: string): Promise<ExecutionDocument> {
    return this.transition(id, 'KILLED');
  }

  async pause(id: string): Promise<ExecutionDocument> {
    return this.transition(id, 'PAUSED');
  }

  async resume(id: string): Promise<ExecutionDocument> {
    return this.transition(id, 'RUNNING');
  }

  async restart(id: string): Promise<ExecutionDocument> {
    return this.transition(id, 'RESTARTED');
  }

  async replay(): Promise<ExecutionDocument> {
    throw new Error('FakeExecutionService.replay is not used by these tests');
  }

  subscribe(listener: (event: ExecutionEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #emit(doc: ExecutionDocument, logs?: LogEntry[]): void {
    const event: ExecutionEvent = { execution: structuredClone(doc), ...(logs ? { logs } : {}) };
    for (const l of this.#listeners) l(event);
  }
}

/** A task run document in a given state. */
export function taskRun(
  executionId: string,
  taskId: string,
  state: StateName,
  attempts = 1,
  durationSeconds = 1,
): TaskRunDocument {
  const start = new Date(Date.UTC(2024, 0, 1, 0, 0, 0)).toISOString();
  const end = new Date(Date.UTC(2024, 0, 1, 0, 0, durationSeconds)).toISOString();
  return {
    id: `${executionId}-${taskId}`,
    executionId,
    namespace: 'ns',
    flowId: 'flow',
    taskId,
    state: {
      current: state,
      histories: [
        { state: 'RUNNING', date: start },
        { state, date: end },
      ],
      startDate: start,
      endDate: end,
    },
    attempts: Array.from({ length: attempts }, () => ({ state: { current: state, histories: [] } })),
  };
}
