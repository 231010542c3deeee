/**
 * What the engine queue carries: work a step decided on that must survive a crash but cannot run
 * inside the step's transaction. Each is sent in that transaction and applied at least once; each
 * is safe to apply twice (a stale timer or result is ignored by the engine, a child execution or a
 * retry execution has an id chosen when the step was recorded).
 */
import type { Command, EngineEvent } from '../engine/index.ts';

export type EngineMessage =
  /** Apply an event: a timer, or the result of a job stopped before a runner claimed it. */
  | { kind: 'event'; executionId: string; event: EngineEvent }
  /** Run a task the app runs itself (`execution.Resume`). */
  | { kind: 'localTask'; executionId: string; command: Extract<Command, { kind: 'run' }> }
  | {
      kind: 'startSubflow';
      executionId: string;
      command: Extract<Command, { kind: 'startSubflow' }>;
      childId: string;
    }
  | { kind: 'kill'; executionId: string }
  /** Retry behaviour CREATE_NEW_EXECUTION: a new execution of the same flow with this id. */
  | { kind: 'retryExecution'; executionId: string; newExecutionId: string }
  /** A subflow's execution ended: tell the parent's Subflow task run. */
  | { kind: 'notifyParent'; executionId: string }
  /** An execution of a flow with a concurrency limit ended: start queued ones. */
  | { kind: 'dequeue'; executionId: string };
