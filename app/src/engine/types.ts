/**
 * The engine's data: an execution as plain JSON (so a store can persist it as is), the events that
 * move it and the commands it asks the executor to carry out. Times are epoch milliseconds handed in
 * by the caller; the engine never reads a clock.
 */
import type { StateName } from './states.ts';

export interface History {
  state: StateName;
  at: number;
}

export interface Attempt {
  state: StateName;
  histories: History[];
}

export interface Label {
  key: string;
  value: string;
}

/** One child a scope runs: a task id, the loop value it runs for, and what must end before it. */
export interface PlanItem {
  taskId: string;
  /** Loop value introduced by this item (ForEach); children without one inherit their parent's. */
  value?: string;
  /** Round of a WaitFor loop. */
  iteration?: number;
  /** Indexes of items that must end in a passing state before this one starts. */
  after: number[];
}

export interface Plan {
  items: PlanItem[];
  /** Items running at once; 0 = no limit. */
  concurrency: number;
}

/**
 * Where a scope (the flow, or one flowable task run) stands: its main children, then its `errors`
 * (only after a failure), then its `finally`, then done.
 */
export interface ScopeMemo {
  phase: 'main' | 'errors' | 'finally' | 'ending' | 'done';
  plan?: Plan;
  /** The behaviour waits for something other than children (a render, a timer, a resume, a subflow). */
  hold?: string;
  /** Outcome of the main phase once known. */
  mainState?: StateName;
  /** Behaviour-owned data (loop round, start time); JSON only. */
  data?: Record<string, unknown>;
}

export interface TaskRun {
  id: string;
  taskId: string;
  parentId?: string;
  /** Innermost loop value (inherited by descendants, as in Kestra). */
  value?: string;
  /** Loop values from the outermost loop in; `outputs.<task>` nests by them. */
  valuePath?: string[];
  iteration?: number;
  state: StateName;
  histories: History[];
  /** Attempts of a runnable task (one per try); empty for flowables. */
  attempts: Attempt[];
  outputs?: Record<string, unknown>;
  /** Progress of a flowable task run. */
  scope?: ScopeMemo;
  /** A render for this task run is in flight (`begin`), so a duplicate event is ignored. */
  awaiting?: string;
  timeoutMs?: number;
}

export type TimerKind = 'retry' | 'flowable' | 'sla';

export interface Timer {
  id: string;
  at: number;
  kind: TimerKind;
  taskRunId?: string;
  /** Behaviour timer name (`delay`, `timeout`, `next`) or SLA id. */
  name?: string;
}

export interface ExecutionState {
  id: string;
  namespace: string;
  flowId: string;
  flowRevision?: number;
  state: StateName;
  histories: History[];
  taskRuns: TaskRun[];
  inputs: Record<string, unknown>;
  /** Ids of SECRET inputs: their values are shown as `******` in documents and masked in logs. */
  secretInputs?: string[];
  outputs?: Record<string, unknown>;
  labels: Label[];
  trigger?: { id: string; type: string; variables?: Record<string, unknown> };
  parentId?: string;
  originalId?: string;
  source?: { repository?: string; sha?: string; path?: string };
  /** 1 for the first execution, + 1 for each CREATE_NEW_EXECUTION retry and each restart (Kestra's `metadata.attemptNumber`). */
  attemptNumber: number;
  root: ScopeMemo;
  /** afterExecution progress; set once the execution is terminal. */
  after?: ScopeMemo;
  timers: Timer[];
  /** The execution ends in this state as soon as no task run is active (kill, SLA, Exit). */
  ending?: StateName;
  /** A manual pause: running tasks finish, no new one starts until resumed. */
  paused?: boolean;
  /** A failed task asked for a new execution (retry behaviour CREATE_NEW_EXECUTION). */
  retryExecution?: { delayMs: number };
}

export interface SubflowRequest {
  namespace: string;
  flowId: string;
  revision?: number;
  inputs: Record<string, unknown>;
  labels: Label[];
  wait: boolean;
  transmitFailed: boolean;
  inheritLabels: boolean;
  /** Subflow task `outputs`: templates rendered in the child execution's context. */
  outputs?: Record<string, unknown>;
  /**
   * The task run was restarted and its last child ended FAILED or KILLED: restart that child in place
   * (`restartBehavior: RETRY_FAILED`, Kestra's default) rather than start a new one.
   */
  restartExecutionId?: string;
}

export type Command =
  /** Render the task's properties and run it as a job (attempt n). */
  | { kind: 'run'; taskRunId: string; attempt: number; timeoutMs?: number; workingDirectory?: string }
  /** Render `properties` in the task run's context (or the execution's) and answer with `rendered`. */
  | { kind: 'render'; taskRunId?: string; purpose: string; properties: Record<string, unknown> }
  /** Stop the job of a task run (kill, SLA, Exit). */
  | { kind: 'cancel'; taskRunId: string }
  | { kind: 'startSubflow'; taskRunId: string; request: SubflowRequest }
  | { kind: 'killSubflow'; taskRunId: string; executionId: string }
  | { kind: 'setTimer'; timer: Timer }
  | { kind: 'clearTimer'; id: string }
  /** Start a new execution of the same flow after a delay (retry behaviour CREATE_NEW_EXECUTION). */
  | { kind: 'retryExecution'; delayMs: number };

export type EngineEvent =
  | { type: 'start' }
  | { type: 'queue' }
  | { type: 'refuse'; state: 'CANCELLED' | 'FAILED'; reason: string }
  | {
      type: 'rendered';
      taskRunId?: string;
      purpose: string;
      values?: Record<string, unknown>;
      error?: string;
    }
  | {
      type: 'taskResult';
      taskRunId: string;
      attempt: number;
      state: 'SUCCESS' | 'WARNING' | 'FAILED';
      outputs?: Record<string, unknown>;
      labels?: Label[];
      exit?: StateName;
      error?: string;
      retryable?: boolean;
    }
  | { type: 'timer'; id: string }
  /** `childAttempt`: the child's attempt number when it was restarted in place (RETRY_FAILED). */
  | { type: 'subflowStarted'; taskRunId: string; executionId: string; childAttempt?: number }
  | {
      type: 'subflowEnded';
      taskRunId: string;
      executionId: string;
      state: StateName;
      outputs?: Record<string, unknown>;
      /** The child's attempt number (1, + 1 per restart) when it ended. */
      childAttempt?: number;
    }
  | { type: 'subflowFailed'; taskRunId: string; message: string }
  | { type: 'kill' }
  | { type: 'pause' }
  | { type: 'resume'; inputs?: Record<string, unknown>; taskRunId?: string }
  | { type: 'restart' };

export interface EngineLog {
  level: 'INFO' | 'WARN' | 'ERROR';
  message: string;
  taskRunId?: string;
  at: number;
}

/** Everything non-deterministic the engine needs, handed in by the caller. */
export interface StepEnv {
  now: number;
  newId(): string;
  /** In [0, 1): jitter for random retry intervals. */
  random(): number;
}

export interface StepResult {
  execution: ExecutionState;
  commands: Command[];
  logs: EngineLog[];
}
