/**
 * The trigger subsystem's vocabulary: what the registry stores for each deployed trigger, the state
 * it keeps between evaluations, and the `TriggerStore` port the scheduler and the webhook route
 * depend on (Postgres/PGlite in production, memory in tests).
 */
import type { Trigger } from '../../../flows-schema/src/triggers/triggers.ts';
import { logger } from '../../../protocol/src/logger.ts';
import type { DeployedFlowRef, TriggerRegistry } from '../deployments/ports.ts';
import type { Label } from '../execution/contract.ts';

/** `unknown`: a type Osprey does not evaluate (kept, refused). */
export const TRIGGER_KINDS = [
  'schedule',
  'schedule-on-dates',
  'flow',
  'webhook',
  'git',
  'polling',
  'unknown',
] as const;
export type TriggerKind = (typeof TRIGGER_KINDS)[number];

export interface TriggerKey {
  namespace: string;
  flowId: string;
  triggerId: string;
}

/** What a trigger remembers between evaluations; survives restarts and redeploys of an unchanged trigger. */
export interface TriggerRuntime {
  /** Kind-specific state (see `ScheduleState`, `FlowTriggerState`), stored as JSON. */
  state: Record<string, unknown>;
  /** When the scheduler must look at the trigger next (schedules only). */
  nextFireAt?: number;
  /** Stopped by `stopAfter` (or by an operator); stays stopped until re-enabled or changed. */
  stopped: boolean;
}

export interface StoredTrigger extends TriggerKey {
  /** Kestra type name as declared, e.g. `io.kestra.plugin.core.trigger.Schedule`. */
  type: string;
  kind: TriggerKind;
  definition: Trigger;
  /** Hash of the definition (description excluded): state is kept while it does not change. */
  fingerprint: string;
  /** Where the flow was deployed from (executions are pinned to this commit). */
  flow: DeployedFlowRef;
  /** Declared `disabled: true`: kept, never fires. */
  disabled: boolean;
  /** Why Osprey refused the trigger when it was registered; a refused trigger never fires. */
  problem?: string;
  /** When this definition was first registered (epoch ms). */
  registeredAt: number;
  runtime: TriggerRuntime;
}

/** A trigger fires only when it is declared enabled, was accepted, and was not stopped. */
export function isActive(trigger: StoredTrigger): boolean {
  return !trigger.disabled && trigger.problem === undefined && !trigger.runtime.stopped;
}

export interface TriggerFilter {
  kind?: TriggerKind;
  namespace?: string;
  flowId?: string;
}

/** What a trigger asks of the execution it starts. */
export interface LaunchRequest {
  /** Kestra's `trigger.*` variables of the new execution. */
  variables: Record<string, unknown>;
  inputs: Record<string, unknown>;
  labels: readonly Label[];
  /** Extra variables the inputs and labels are rendered with (besides `trigger`). */
  context?: Record<string, unknown>;
  /** Propagated `system.correlationId` (Flow triggers: the triggering execution's). */
  correlationId?: string;
  /** The id the execution gets, when the trigger chose it (a polling trigger remembers it). */
  executionId?: string;
}

/**
 * A change computed under the trigger's lock: the new runtime (if any), the executions to start
 * (written to the outbox in the same transaction), and a result for the caller.
 */
export interface TriggerChange<R> {
  runtime?: TriggerRuntime;
  /** The scheduler must plan again (the change moved `nextFireAt` earlier: a backfill). */
  replan?: boolean;
  starts?: readonly LaunchRequest[];
  result: R;
}

/** An execution a trigger decided to start, kept until it exists (the outbox). */
export interface PendingStart {
  /** The id the execution gets: starting the same id twice makes one execution. */
  id: string;
  /** The trigger as it was when it fired. */
  trigger: StoredTrigger;
  request: LaunchRequest;
  /** Earlier tries that failed for a passing reason. */
  attempts: number;
}

/**
 * Deployed triggers and their state. `update` is the only read-modify-write: it runs `fn` while the
 * trigger is locked (a row lock on Postgres), so replicas evaluating the same trigger take turns.
 * `fn` must not call the store (PGlite has one connection).
 */
export interface TriggerStore extends TriggerRegistry {
  list(filter?: TriggerFilter): Promise<StoredTrigger[]>;
  get(key: TriggerKey): Promise<StoredTrigger | undefined>;
  /** Earliest `nextFireAt` among active triggers. */
  nextDue(): Promise<number | undefined>;
  /** Active triggers due at `now`, earliest first. */
  due(now: number, limit: number): Promise<TriggerKey[]>;
  /** Runs `fn` on the locked trigger; undefined when the trigger does not exist (any more). */
  update<R>(
    key: TriggerKey,
    fn: (trigger: StoredTrigger) => Promise<TriggerChange<R>>,
  ): Promise<R | undefined>;
  /**
   * Stops a trigger (stopAfter) or starts it again; a restarted trigger begins afresh (a schedule
   * plans from now, preconditions start empty). False when the trigger does not exist.
   */
  setStopped(key: TriggerKey, stopped: boolean): Promise<boolean>;
  /**
   * Takes up to `limit` outbox starts that no relay holds (or whose relay died), for `leaseMs`;
   * oldest first.
   */
  claimStarts(limit: number, leaseMs: number): Promise<PendingStart[]>;
  /** The start's execution exists, or can never be started: it leaves the outbox. */
  completeStart(id: string): Promise<void>;
  /** The start failed for a passing reason: tried again after `delayMs`. */
  postponeStart(id: string, delayMs: number, error: string): Promise<void>;
  /** Whether the outbox still holds the start of this execution id (its execution does not exist yet). */
  hasStart(id: string): Promise<boolean>;
  /** When the earliest held start becomes claimable again (its lease or delay ends). */
  nextStartRetry(): Promise<number | undefined>;
  /** Calls `listener` when starts are committed to the outbox (this process or another replica). */
  watchStarts(listener: () => void): Promise<() => Promise<void>>;
  /** Calls `listener` after any registry change (this process or another replica). */
  watch(listener: () => void): Promise<() => Promise<void>>;
}

/**
 * Evaluates a polling trigger (the JDBC and HTTP Triggers) once: the `trigger.*` variables of the
 * execution to start, or undefined when nothing fires. Rejects with a message when the evaluation
 * failed.
 */
export interface TriggerPoller {
  poll(trigger: StoredTrigger, signal: AbortSignal): Promise<Record<string, unknown> | undefined>;
}

/** Where the trigger subsystem reports what it did not do (a flow that vanished, refused inputs). */
export interface TriggerLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** The default: the process's logger. */
export function triggerLog(): TriggerLogger {
  return logger('triggers');
}

export function keyOf(t: TriggerKey): TriggerKey {
  return { namespace: t.namespace, flowId: t.flowId, triggerId: t.triggerId };
}

export function describeKey(t: TriggerKey): string {
  return `trigger '${t.triggerId}' of flow ${t.namespace}.${t.flowId}`;
}
