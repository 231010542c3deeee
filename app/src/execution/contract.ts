/**
 * The execution service as the rest of Osprey sees it (CLI, REST API, GitHub reporting). Documents
 * follow Kestra's REST shapes so existing Kestra clients can read them.
 */
import type { StateName } from '../../../flows-schema/src/schema/primitives.ts';

export interface StateHistory {
  state: StateName;
  date: string;
}

export interface StateDocument {
  current: StateName;
  histories: StateHistory[];
  startDate?: string;
  endDate?: string;
  /** ISO-8601 duration, e.g. PT1.234S. */
  duration?: string;
}

export interface TaskRunAttempt {
  state: StateDocument;
}

export interface TaskRunDocument {
  id: string;
  executionId: string;
  namespace: string;
  flowId: string;
  taskId: string;
  parentTaskRunId?: string;
  value?: string;
  state: StateDocument;
  attempts: TaskRunAttempt[];
  outputs?: Record<string, unknown>;
}

export interface Label {
  key: string;
  value: string;
}

export interface ExecutionDocument {
  id: string;
  namespace: string;
  flowId: string;
  flowRevision?: number;
  state: StateDocument;
  taskRunList: TaskRunDocument[];
  inputs: Record<string, unknown>;
  outputs?: Record<string, unknown>;
  labels: Label[];
  variables?: Record<string, unknown>;
  trigger?: { id: string; type: string; variables?: Record<string, unknown> };
  parentId?: string;
  originalId?: string;
  /** Kestra's execution metadata: `attemptNumber` is 1, + 1 per restart or new-execution retry. */
  metadata?: { attemptNumber: number; originalCreatedDate?: string };
  /** The git commit the execution is pinned to, when the flow came from a repository. */
  source?: { repository?: string; sha?: string; path?: string };
}

export interface LogEntry {
  executionId: string;
  namespace: string;
  flowId: string;
  taskId?: string;
  taskRunId?: string;
  attemptNumber?: number;
  level: 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  message: string;
  timestamp: string;
}

/** Where subflows are looked up (local flows folder now, the database later). */
export interface FlowRepository {
  get(
    namespace: string,
    flowId: string,
  ): Promise<import('../../../flows-schema/src/schema/flow.ts').Flow | undefined>;
}

/** Secrets by namespace; the caller walks namespace inheritance (company.team → company → root). */
export interface SecretStore {
  get(namespace: string, name: string): Promise<string | undefined>;
  /** How to define a missing secret (e.g. the environment variable to set), when the store knows. */
  howToDefine?(name: string, namespace: string): string | undefined;
}

export type { KvStore } from '../../../protocol/src/task-contract.ts';

export interface StartRequest {
  /** The new execution's id (default: a random one); when it exists already, that execution is returned. */
  id?: string;
  flow: import('../../../flows-schema/src/schema/flow.ts').Flow;
  /** Raw inputs (strings from a CLI/form, or typed JSON); parsed and validated per input type. */
  inputs?: Record<string, unknown>;
  labels?: Label[];
  trigger?: ExecutionDocument['trigger'];
  source?: ExecutionDocument['source'];
}

/** Refused before any execution exists: each problem names the input. */
export class InputsRefused extends Error {
  readonly problems: ReadonlyArray<{ input: string; message: string }>;
  constructor(problems: ReadonlyArray<{ input: string; message: string }>) {
    super(problems.map((p) => `input '${p.input}': ${p.message}`).join('\n'));
    this.name = 'InputsRefused';
    this.problems = problems;
  }
}

export interface ExecutionEvent {
  execution: ExecutionDocument;
  /** Log lines appended since the previous event, if any. */
  logs?: LogEntry[];
}

export interface ExecutionService {
  /** Create and start an execution; throws InputsRefused when inputs are invalid (nothing created). */
  start(request: StartRequest): Promise<ExecutionDocument>;
  get(id: string): Promise<ExecutionDocument | undefined>;
  /** Resolves once the execution is terminal and its afterExecution tasks are done. */
  waitForTerminal(id: string, signal?: AbortSignal): Promise<ExecutionDocument>;
  logs(id: string): Promise<LogEntry[]>;
  kill(id: string): Promise<ExecutionDocument>;
  pause(id: string): Promise<ExecutionDocument>;
  resume(id: string, inputs?: Record<string, unknown>): Promise<ExecutionDocument>;
  /** Restart a FAILED or KILLED execution from its failed task runs (a new attempt on each), in place. */
  restart(id: string): Promise<ExecutionDocument>;
  /** A new execution that re-uses the given one up to `taskRunId` and runs again from there. */
  replay(id: string, taskRunId?: string): Promise<ExecutionDocument>;
  subscribe(listener: (event: ExecutionEvent) => void): () => void;
}
