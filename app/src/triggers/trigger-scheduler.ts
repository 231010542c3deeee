/**
 * `TriggerScheduler`: fires Schedule and ScheduleOnDates triggers at their instants, polls polling
 * triggers (the JDBC and HTTP Triggers) every `interval` through a `TriggerPoller`, and fires Flow
 * triggers when executions end; enforces `stopAfter` for every trigger type.
 *
 * Schedules run on one replica at a time, elected with `LeaderElection` on the database (without a
 * database, this instance always leads). The leader sleeps on a single clock timer until the
 * earliest due trigger (at most `maxSleepMs`), and re-plans when the registry changes (NOTIFY from
 * any replica). Flow triggers are evaluated on every replica, from the executions its
 * `ExecutionService` reports; each transition is counted once per trigger under the trigger's row
 * lock, so it does not matter whether the service reports local or cluster-wide executions.
 *
 * Exactly once: the executions a trigger decides to start are written to the outbox in the same
 * transaction as the trigger's new state. A relay on every replica then starts each with the outbox
 * row's id as execution id and removes the row; a start whose relay died is taken over when its
 * lease ends, and starting an id that exists returns that execution. So a crash at any point neither
 * loses nor repeats a start.
 */

import { AsyncResource } from 'node:async_hooks';
import { LRUCache } from 'lru-cache';
import { isTerminal } from '../engine/states.ts';
import { type Clock, systemClock, type TimerHandle } from '../execution/clock.ts';
import {
  type ExecutionDocument,
  type ExecutionService,
  type FlowRepository,
  InputsRefused,
} from '../execution/contract.ts';
import { newId } from '../execution/ids.ts';
import { LeaderElection } from '../queue/advisory-lock.ts';
import type { Database } from '../storage/database.ts';
import {
  type CompiledFlowTrigger,
  type CompiledPolling,
  type CompiledSchedule,
  type CompiledTrigger,
  compileTrigger,
} from './compile-trigger.ts';
import {
  type FlowTriggerMatch,
  type FlowTriggerState,
  matchFlowTrigger,
  stepFlowTrigger,
  transitionOf,
} from './evaluate-flow-trigger.ts';
import { LaunchRefused, launchTriggered } from './launch-triggered.ts';
import { planSchedule, type SchedulePlan, type ScheduleState } from './plan-schedule.ts';
import { type Zone, zoneNamed } from './time-zone.ts';
import {
  describeKey,
  isActive,
  keyOf,
  type PendingStart,
  type StoredTrigger,
  type TriggerKey,
  type TriggerLogger,
  type TriggerPoller,
  type TriggerStore,
  triggerLog,
} from './types.ts';

export interface TriggerSchedulerOptions {
  store: TriggerStore;
  executions: ExecutionService;
  /** Where the deployed flow of a trigger is read when it fires. */
  flows: FlowRepository;
  clock?: Clock;
  /** Elect one schedule leader among the replicas on this database; omit to always lead. */
  db?: Database;
  /** Advisory-lock name of the election (default `osprey.trigger-scheduler`). */
  electionName?: string;
  /** How often a follower tries to take over (default 2 s). */
  electionIntervalMs?: number;
  /** Zone of schedules without `timezone` and of preconditions' daily windows (default UTC). */
  timeZone?: string;
  log?: TriggerLogger;
  /** Called with each execution a trigger started. */
  onStarted?: (execution: ExecutionDocument, trigger: StoredTrigger) => void;
  /** Longest sleep between two looks at the registry (default 60 s). */
  maxSleepMs?: number;
  /** An instant older than this when handled counts as missed (recoverMissedSchedules; default 60 s). */
  missedGraceMs?: number;
  /** Instants handled per trigger per wake-up; more are handled at once after (default 100). */
  maxInstantsPerWake?: number;
  /** How long a relay holds an outbox start before another replica may take it over (default 15 s). */
  startLeaseMs?: number;
  /** Pollers of polling trigger types, by type; a polling trigger without one logs an error. */
  pollers?: ReadonlyMap<string, TriggerPoller>;
}

const DUE_BATCH = 50;
const RECENT_LIMIT = 2000;
const START_BATCH = 20;

export class TriggerScheduler {
  readonly #store: TriggerStore;
  readonly #executions: ExecutionService;
  readonly #flows: FlowRepository;
  readonly #clock: Clock;
  readonly #db: Database | undefined;
  readonly #log: TriggerLogger;
  readonly #zone: Zone;
  readonly #options: TriggerSchedulerOptions;
  readonly #compiled = new LRUCache<string, CompiledTrigger>({ max: 10_000 });
  readonly #recent = new LRUCache<string, true>({ max: RECENT_LIMIT });
  #scope: AsyncResource | undefined;
  #election: LeaderElection | undefined;
  #unsubscribe: (() => void) | undefined;
  #unwatch: (() => Promise<void>) | undefined;
  #unwatchStarts: (() => Promise<void>) | undefined;
  #timer: TimerHandle | undefined;
  #leading = false;
  #running = false;
  /** Schedule work, one step at a time. */
  #work: Promise<void> = Promise.resolve();
  /** Execution events, in the order they arrived. */
  #events: Promise<void> = Promise.resolve();
  #flowTriggers: Promise<StoredTrigger[]> | undefined;
  /** After a failed wake-up (database down), the next one waits: 1 s, 2 s, ... up to 60 s. */
  #failures = 0;
  /** The outbox relay: one drain at a time; `#relayAgain` asks for one more after it. */
  #relaying: Promise<void> | undefined;
  #relayAgain = false;
  #relayTimer: TimerHandle | undefined;

  constructor(options: TriggerSchedulerOptions) {
    this.#options = options;
    this.#store = options.store;
    this.#executions = options.executions;
    this.#flows = options.flows;
    this.#clock = options.clock ?? systemClock;
    this.#db = options.db;
    this.#log = options.log ?? triggerLog();
    this.#zone = zoneNamed(options.timeZone ?? 'UTC', 'the scheduler time zone');
  }

  get isLeader(): boolean {
    return this.#leading;
  }

  /** Subscribes to executions and to registry changes, then campaigns for the schedule leadership. */
  async start(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    // Work runs in the context start() was called in, never inside a caller's database transaction.
    this.#scope = new AsyncResource('osprey.trigger-scheduler');
    this.#unsubscribe = this.#executions.subscribe(({ execution }) => this.#onExecution(execution));
    this.#unwatch = await this.#store.watch(() => this.#onRegistryChange());
    this.#unwatchStarts = await this.#store.watchStarts(() => this.#relay());
    // Starts left in the outbox by a replica that stopped (or crashed) before making them.
    this.#relay();
    if (this.#db === undefined) {
      this.#lead(undefined);
      return;
    }
    this.#election = new LeaderElection(this.#db, this.#options.electionName ?? 'osprey.trigger-scheduler', {
      ...(this.#options.electionIntervalMs !== undefined
        ? { intervalMs: this.#options.electionIntervalMs }
        : {}),
      onElected: (signal) => this.#lead(signal),
      onDeposed: () => this.#stepDown(),
      onError: (e) => this.#log.error(`schedule leader election: ${e.message}`),
    });
    this.#election.start();
  }

  /** Stops firing, gives up leadership and waits for the work in progress. */
  async stop(): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    this.#unsubscribe?.();
    this.#stepDown();
    if (this.#relayTimer !== undefined) this.#clock.clearTimer(this.#relayTimer);
    this.#relayTimer = undefined;
    await this.#election?.stop();
    await this.#unwatch?.();
    await this.#unwatchStarts?.();
    await this.idle();
    this.#scope?.emitDestroy();
  }

  /** Resolves once the work queued so far (schedules and execution events) is done. */
  async idle(): Promise<void> {
    for (;;) {
      const work = this.#work;
      const events = this.#events;
      const relaying = this.#relaying;
      await Promise.all([work, events, relaying]);
      if (work === this.#work && events === this.#events && relaying === this.#relaying) return;
    }
  }

  // ---- Schedules (leader only) ------------------------------------------------------------------

  #lead(signal: AbortSignal | undefined): void {
    if (!this.#running) return;
    this.#leading = true;
    signal?.addEventListener('abort', () => this.#stepDown(), { once: true });
    this.#log.info('this replica now fires the schedules');
    this.#replan();
  }

  #stepDown(): void {
    if (!this.#leading) return;
    this.#leading = false;
    if (this.#timer !== undefined) this.#clock.clearTimer(this.#timer);
    this.#timer = undefined;
  }

  #onRegistryChange(): void {
    this.#flowTriggers = undefined;
    this.#replan();
  }

  #replan(): void {
    this.#enqueueWork(async () => {
      if (!this.#leading) return;
      if (this.#timer !== undefined) this.#clock.clearTimer(this.#timer);
      this.#timer = undefined;
      const next = await this.#store.nextDue();
      if (!this.#leading) return;
      const now = this.#clock.now();
      const backoff = this.#failures === 0 ? 0 : Math.min(60_000, 1000 * 2 ** (this.#failures - 1));
      const at = Math.max(
        now + backoff,
        Math.min(next ?? Number.POSITIVE_INFINITY, now + (this.#options.maxSleepMs ?? 60_000)),
      );
      const handle = this.#clock.setTimer(at, () => {
        if (this.#timer === handle) this.#timer = undefined;
        this.#wake();
      });
      this.#timer = handle;
    });
  }

  #wake(): void {
    this.#enqueueWork(async () => {
      if (!this.#leading) return;
      let failed = false;
      try {
        const due = await this.#store.due(this.#clock.now(), DUE_BATCH);
        for (const key of due) {
          if (!this.#leading) return;
          // One failing trigger must not hold up the others.
          await this.#runSchedule(key).catch((e: Error) => {
            failed = true;
            this.#log.error(`${describeKey(key)}: ${e.message}; trying again shortly`);
          });
        }
      } catch (e) {
        failed = true;
        this.#log.error(`schedules: ${(e as Error).message}; trying again shortly`);
      }
      this.#failures = failed ? this.#failures + 1 : 0;
    });
    this.#replan();
  }

  async #runSchedule(key: TriggerKey): Promise<void> {
    const now = this.#clock.now();
    type Outcome =
      | { poll: StoredTrigger }
      | { trigger: StoredTrigger; compiled: CompiledSchedule; plan: SchedulePlan }
      | undefined;
    const outcome = await this.#store.update<Outcome>(key, async (t) => {
      if (!isActive(t) || (t.runtime.nextFireAt ?? Number.POSITIVE_INFINITY) > now)
        return { result: undefined };
      if (t.kind === 'polling') return { result: { poll: t } };
      const { nextFireAt: _done, ...rest } = t.runtime;
      let compiled: CompiledSchedule;
      try {
        compiled = this.#compile(t) as CompiledSchedule;
      } catch (e) {
        this.#log.error(`${(e as Error).message}; the trigger will not fire until it is redeployed`);
        return { runtime: rest, result: undefined };
      }
      const plan = await planSchedule(compiled, t.runtime.state as unknown as ScheduleState, {
        now,
        graceMs: this.#options.missedGraceMs ?? 60_000,
        maxInstants: this.#options.maxInstantsPerWake ?? 100,
        variables: { flow: { namespace: t.namespace, id: t.flowId } },
      });
      return {
        runtime: {
          ...rest,
          state: plan.state as unknown as Record<string, unknown>,
          ...(plan.nextFireAt !== undefined ? { nextFireAt: plan.nextFireAt } : {}),
        },
        starts: plan.fires.map((fire) => {
          // A backfill asked for through the API brings its own inputs and labels.
          const asked = (t.runtime.state as unknown as ScheduleState).backfill;
          const backfill = fire.backfill
            ? asked?.inputs !== undefined
              ? { inputs: asked.inputs, labels: asked.labels ?? [] }
              : compiled.backfill
            : undefined;
          return {
            variables: { ...fire.variables },
            inputs: { ...compiled.inputs, ...backfill?.inputs },
            labels: [...compiled.labels, ...(backfill?.labels ?? [])],
            context: { schedule: fire.variables },
          };
        }),
        result: { trigger: t, compiled, plan },
      };
    });
    if (outcome === undefined) return;
    if ('poll' in outcome) return this.#runPoll(outcome.poll);
    const { trigger, compiled, plan } = outcome;
    if (plan.fires.length > 0) this.#relay();
    for (const message of plan.errors) this.#log.error(`${describeKey(trigger)}: ${message}`);
    if (plan.skipped.missed) {
      this.#log.warn(
        `${describeKey(trigger)}: instants were missed while no scheduler ran; recoverMissedSchedules ${compiled.recover} applied`,
      );
    }
    if (plan.skipped.late > 0) {
      this.#log.warn(
        `${describeKey(trigger)}: ${plan.skipped.late} instant(s) later than lateMaximumDelay skipped`,
      );
    }
  }

  /**
   * One poll of a polling trigger, outside the trigger's lock (the query may take a while; only the
   * leader polls). Its next poll and, when it fired, the start are written in one change, unless the
   * trigger was redeployed or disabled meanwhile.
   */
  async #runPoll(t: StoredTrigger): Promise<void> {
    let intervalMs: number;
    try {
      intervalMs = (this.#compile(t) as CompiledPolling).intervalMs;
    } catch (e) {
      this.#log.error(`${(e as Error).message}; the trigger will not poll until it is redeployed`);
      return;
    }
    // As in Kestra, a polling trigger is not evaluated while the execution it started last runs.
    const last = t.runtime.state['executionId'];
    if (typeof last === 'string' && (await this.#stillRunning(last))) {
      await this.#store.update(t, async (current) => {
        if (!isActive(current) || current.fingerprint !== t.fingerprint) return { result: undefined };
        return {
          runtime: { ...current.runtime, nextFireAt: this.#clock.now() + intervalMs },
          result: undefined,
        };
      });
      return;
    }
    const poller = this.#options.pollers?.get(t.type);
    let variables: Record<string, unknown> | undefined;
    if (poller === undefined) {
      this.#log.error(`${describeKey(t)}: this server cannot poll '${t.type}' triggers`);
    } else {
      const timeout = AbortSignal.timeout(Math.max(intervalMs, 30_000));
      try {
        variables = await poller.poll(t, timeout);
      } catch (e) {
        this.#log.error(
          `${describeKey(t)}: ${(e as Error).message}; polling again in ${intervalMs / 1000} s`,
        );
      }
    }
    const fired = variables;
    const executionId = fired === undefined ? undefined : newId();
    await this.#store.update(t, async (current) => {
      if (!isActive(current) || current.fingerprint !== t.fingerprint) return { result: undefined };
      return {
        runtime: {
          ...current.runtime,
          nextFireAt: this.#clock.now() + intervalMs,
          ...(executionId === undefined ? {} : { state: { ...current.runtime.state, executionId } }),
        },
        starts:
          fired === undefined || executionId === undefined
            ? []
            : [{ variables: fired, inputs: {}, labels: [], executionId }],
        result: undefined,
      };
    });
    if (fired !== undefined) this.#relay();
  }

  /** The execution exists and is not finished, or its start is still in the outbox. */
  async #stillRunning(executionId: string): Promise<boolean> {
    const ex = await this.#executions.get(executionId);
    if (ex !== undefined) return !isTerminal(ex.state.current);
    return this.#store.hasStart(executionId);
  }

  // ---- Flow triggers and stopAfter (every replica) ----------------------------------------------

  #onExecution(ex: ExecutionDocument): void {
    if (!this.#running || !isTerminal(ex.state.current)) return;
    const transition = transitionOf(ex);
    if (this.#recent.has(transition)) return;
    this.#recent.set(transition, true);
    this.#enqueueEvent(() => this.#onTerminal(ex));
  }

  async #onTerminal(ex: ExecutionDocument): Promise<void> {
    await this.#applyStopAfter(ex);
    const triggers = await this.#activeFlowTriggers();
    const now = this.#clock.now();
    for (const t of triggers) {
      let compiled: CompiledFlowTrigger;
      let match: FlowTriggerMatch | undefined;
      try {
        compiled = this.#compile(t) as CompiledFlowTrigger;
        match = await matchFlowTrigger(compiled, t, ex, this.#zone, now);
      } catch (e) {
        this.#log.error(`${describeKey(t)}: cannot evaluate execution ${ex.id}: ${(e as Error).message}`);
        continue;
      }
      if (match === undefined) continue;
      const found = match;
      const fire = await this.#store.update(keyOf(t), async (current) => {
        if (!isActive(current) || current.fingerprint !== t.fingerprint) return { result: undefined };
        const step = stepFlowTrigger(
          compiled,
          current.runtime.state as FlowTriggerState,
          found,
          ex,
          now,
          this.#zone,
        );
        if (step === undefined) return { result: undefined };
        const correlationId = ex.labels.find((l) => l.key === 'system.correlationId')?.value ?? ex.id;
        return {
          runtime: { ...current.runtime, state: step.state as Record<string, unknown> },
          ...(step.fire !== undefined
            ? {
                starts: [
                  {
                    variables: { ...found.variables, outputs: step.fire.outputs },
                    inputs: compiled.inputs,
                    labels: compiled.labels,
                    context: found.context,
                    correlationId,
                  },
                ],
              }
            : {}),
          result: step.fire !== undefined,
        };
      });
      if (fire === true) this.#relay();
    }
  }

  async #applyStopAfter(ex: ExecutionDocument): Promise<void> {
    if (ex.trigger === undefined) return;
    const key = { namespace: ex.namespace, flowId: ex.flowId, triggerId: ex.trigger.id };
    const t = await this.#store.get(key);
    if (t === undefined || t.type !== ex.trigger.type || t.runtime.stopped) return;
    if (!(t.definition.stopAfter ?? []).includes(ex.state.current)) return;
    await this.#store.setStopped(key, true);
    this.#log.warn(
      `${describeKey(t)} stopped: execution ${ex.id} ended ${ex.state.current}, listed in its stopAfter; re-enable it or redeploy a changed trigger`,
    );
  }

  #activeFlowTriggers(): Promise<StoredTrigger[]> {
    if (this.#flowTriggers === undefined) {
      const loading = this.#store.list({ kind: 'flow' }).then((all) => all.filter(isActive));
      this.#flowTriggers = loading;
      loading.catch(() => {
        if (this.#flowTriggers === loading) this.#flowTriggers = undefined;
      });
    }
    return this.#flowTriggers;
  }

  // ---- Shared -----------------------------------------------------------------------------------

  #compile(t: StoredTrigger): CompiledTrigger {
    const key = `${t.namespace}\u0000${t.flowId}\u0000${t.triggerId}\u0000${t.fingerprint}`;
    let compiled = this.#compiled.get(key);
    if (compiled === undefined) {
      compiled = compileTrigger(t.definition, {
        namespace: t.namespace,
        flowId: t.flowId,
        timeZone: this.#zone,
      });
      this.#compiled.set(key, compiled);
    }
    return compiled;
  }

  // ---- The outbox relay (every replica) ----------------------------------------------------------

  /** Drains the outbox now (or once more after the drain in progress). */
  #relay(): void {
    if (!this.#running) return;
    if (this.#relaying !== undefined) {
      this.#relayAgain = true;
      return;
    }
    const drain = this.#inScope(async () => {
      do {
        this.#relayAgain = false;
        await this.#drainStarts();
      } while (this.#relayAgain && this.#running);
    })
      .catch((e: Error) => this.#log.error(`trigger starts: ${e.message}; trying again shortly`))
      .finally(() => {
        if (this.#relaying === drain) this.#relaying = undefined;
        this.#planRelay();
      });
    this.#relaying = drain;
  }

  async #drainStarts(): Promise<void> {
    const lease = this.#options.startLeaseMs ?? 15_000;
    for (;;) {
      const batch = await this.#store.claimStarts(START_BATCH, lease);
      for (const start of batch) await this.#start(start);
      if (batch.length < START_BATCH || !this.#running) return;
    }
  }

  /** Starts one outbox start; it leaves the outbox once its execution exists or never can. */
  async #start(start: PendingStart): Promise<void> {
    const { trigger } = start;
    try {
      await launchTriggered(
        {
          executions: this.#executions,
          flows: this.#flows,
          ...(this.#options.onStarted !== undefined ? { onStarted: this.#options.onStarted } : {}),
        },
        trigger,
        start.request,
        start.id,
      );
    } catch (e) {
      if (!(e instanceof LaunchRefused) && !(e instanceof InputsRefused)) {
        const delay = Math.min(60_000, 1000 * 2 ** start.attempts);
        const message = `${describeKey(trigger)}: starting the flow failed: ${(e as Error).message}; trying again in ${delay / 1000} s`;
        this.#log.error(message);
        await this.#store.postponeStart(start.id, delay, message);
        return;
      }
      this.#log.error(e.message);
    }
    await this.#store.completeStart(start.id);
  }

  /** Wakes the relay when a held start becomes claimable (a relay that died, a postponed start). */
  #planRelay(): void {
    if (!this.#running) return;
    this.#store.nextStartRetry().then(
      (at) => {
        if (this.#relayTimer !== undefined) this.#clock.clearTimer(this.#relayTimer);
        this.#relayTimer = undefined;
        if (!this.#running) return;
        // Replicas on one database: a notification missed while the connection was down is caught up.
        const now = this.#clock.now();
        const sweep = this.#db === undefined ? undefined : now + (this.#options.maxSleepMs ?? 60_000);
        const wake = at === undefined ? sweep : sweep === undefined ? at : Math.min(at, sweep);
        if (wake === undefined) return;
        const handle = this.#clock.setTimer(Math.max(wake, now + 50), () => {
          if (this.#relayTimer === handle) this.#relayTimer = undefined;
          this.#relay();
        });
        this.#relayTimer = handle;
      },
      (e: Error) => this.#log.error(`trigger starts: ${e.message}`),
    );
  }

  #enqueueWork(fn: () => Promise<void>): void {
    this.#work = this.#work
      .then(() => this.#inScope(fn))
      .catch((e: Error) => {
        this.#log.error(`schedules: ${e.message}`);
      });
  }

  #enqueueEvent(fn: () => Promise<void>): void {
    this.#events = this.#events
      .then(() => this.#inScope(fn))
      .catch((e: Error) => {
        this.#log.error(`flow triggers: ${e.message}`);
      });
  }

  #inScope(fn: () => Promise<void>): Promise<void> {
    return this.#scope === undefined ? fn() : this.#scope.runInAsyncScope(fn);
  }
}
