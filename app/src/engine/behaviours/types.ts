/**
 * The one contract of flowable tasks. The engine owns task-run states, scheduling of children,
 * `errors`/`finally` and timers; a behaviour only answers "what now?" for its own task run, as a pure
 * function of the task, its rendered properties and the signal that arrived.
 */
import type { Task } from '../../../../flows-schema/src/schema/flow.ts';
import type { StateName } from '../states.ts';
import type { Plan, SubflowRequest, TaskRun } from '../types.ts';

export interface BehaviourContext {
  /** The task with pluginDefaults applied. */
  task: Task;
  run: TaskRun;
  /** What the behaviour stored in earlier decisions. */
  data: Record<string, unknown>;
  now: number;
  /** Outputs of this task run's child run of `taskId` (same loop value), once it has some. */
  childOutputs(taskId: string): Record<string, unknown> | undefined;
  /** Every child run of `taskId` under this task run, in creation order. */
  childRuns(taskId: string): TaskRun[];
}

export type Signal =
  /** The task run starts; `values` are its `startProperties`, rendered. */
  | { kind: 'begin'; values: Record<string, unknown> }
  /** Answer to a `render` decision. */
  | { kind: 'rendered'; purpose: string; values: Record<string, unknown> }
  /** Every child of the current plan ended (or a failure stopped it); `state` is the worst of them. */
  | { kind: 'childrenDone'; state: StateName }
  | { kind: 'timer'; name: string }
  | { kind: 'resumed'; inputs: Record<string, unknown> }
  | { kind: 'subflowStarted'; executionId: string; childAttempt?: number }
  | {
      kind: 'subflowEnded';
      executionId: string;
      state: StateName;
      outputs?: Record<string, unknown>;
      childAttempt?: number;
    }
  | { kind: 'subflowFailed'; message: string };

interface DecisionCommon {
  /** Replaces the behaviour's data. */
  data?: Record<string, unknown>;
  /** Merged into the task run's outputs. */
  outputs?: Record<string, unknown>;
}

export type Decision =
  /** Run these children (the engine schedules them and signals `childrenDone`). */
  | (DecisionCommon & { kind: 'plan'; plan: Plan })
  /** Render templates in the task run's context, then signal `rendered`. */
  | (DecisionCommon & { kind: 'render'; purpose: string; properties: Record<string, unknown> })
  /** Wait for timers and/or a resume; `paused` puts the task run (and the execution) in PAUSED. */
  | (DecisionCommon & { kind: 'wait'; timers?: Array<{ name: string; delayMs: number }>; paused?: boolean })
  /** Start another flow's execution, then signal `subflowStarted` / `subflowEnded` / `subflowFailed`. */
  | (DecisionCommon & { kind: 'subflow'; request: SubflowRequest })
  /** The main phase is over in `state`; `errors` and `finally` follow as for any scope. */
  | (DecisionCommon & { kind: 'end'; state: StateName; message?: string });

export interface FlowableBehaviour {
  /** Canonical type name. */
  readonly type: string;
  /** Tasks inside share one working directory, provided by the executor. */
  readonly sharesWorkingDirectory?: boolean;
  /**
   * The task run has attempts and honours `retry` as a whole (Subflow: each attempt starts a new
   * child execution). Behaviours with child task runs do not: their children retry themselves.
   */
  readonly retriesWhole?: boolean;
  /**
   * Tasks the behaviour runs inside itself that the flow does not list (WorkingDirectory's upload
   * of its `outputFiles`); they are indexed as its children and planned like written ones.
   */
  syntheticTasks?(task: Task): Task[];
  /** Properties rendered in the task run's context before it begins (If.condition, ForEach.values). */
  startProperties?(task: Task): Record<string, unknown> | undefined;
  /**
   * What the task run does after `signal`. Returning undefined keeps the engine's default: a
   * `childrenDone` ends the main phase in the children's state; other signals are ignored.
   */
  next(ctx: BehaviourContext, signal: Signal): Decision | undefined;
}
