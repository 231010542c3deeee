/**
 * `TriggerStore` (and so `TriggerRegistry`) on Postgres or PGlite. Registration replaces a flow's
 * triggers in one transaction and notifies `trigger_changes` on commit, which wakes every replica's
 * scheduler; `update` holds the trigger's row lock while the scheduler evaluates it, so replicas
 * evaluating the same trigger take turns and never fire one event twice.
 */
import type { Trigger } from '../../../flows-schema/src/triggers/triggers.ts';
import type { DeployedFlowRef } from '../deployments/ports.ts';
import type { Clock } from '../execution/clock.ts';
import { newId } from '../execution/ids.ts';
import type { Database, Executor } from '../storage/database.ts';
import { notify } from '../storage/notifications.ts';
import {
  deleteRegisteredTriggers,
  dueTriggerKeys,
  getRegisteredTrigger,
  listRegisteredTriggers,
  nextTriggerFireAt,
  type RegisteredTriggerRow,
  upsertRegisteredTrigger,
} from '../storage/trigger-registry.ts';
import {
  claimTriggerStarts,
  deleteTriggerStart,
  insertTriggerStart,
  isTriggerStartHeld,
  nextTriggerStartRetry,
  postponeTriggerStart,
} from '../storage/trigger-starts.ts';
import { putTriggerState } from '../storage/triggers.ts';
import { initialRuntime, planRegistration } from './plan-registration.ts';
import type {
  LaunchRequest,
  PendingStart,
  StoredTrigger,
  TriggerChange,
  TriggerFilter,
  TriggerKey,
  TriggerKind,
  TriggerRuntime,
  TriggerStore,
} from './types.ts';

export const TRIGGER_CHANGES_CHANNEL = 'trigger_changes';
/** Notified when a transaction commits outbox starts: every replica's relay looks at once. */
export const TRIGGER_STARTS_CHANNEL = 'trigger_starts';

export class DatabaseTriggerStore implements TriggerStore {
  readonly #db: Database;
  readonly #clock: Pick<Clock, 'now'>;
  readonly #listeners = new Set<() => void>();
  readonly #newId: () => string;

  constructor(db: Database, clock: Pick<Clock, 'now'>, ids: () => string = newId) {
    this.#db = db;
    this.#clock = clock;
    this.#newId = ids;
  }

  async replace(flow: DeployedFlowRef, triggers: readonly Trigger[]): Promise<void> {
    await this.#db.transaction(async (tx) => {
      const now = this.#clock.now();
      const existing = await listRegisteredTriggers(
        tx,
        { namespace: flow.namespace, flowId: flow.flowId },
        { forUpdate: true },
      );
      const plan = planRegistration(existing.map(fromRow), flow, triggers, now);
      await deleteRegisteredTriggers(
        tx,
        flow.namespace,
        flow.flowId,
        plan.rows.map((r) => r.trigger.triggerId),
      );
      for (const { trigger, resetRuntime } of plan.rows) {
        await upsertRegisteredTrigger(
          tx,
          {
            namespace: trigger.namespace,
            flowId: trigger.flowId,
            triggerId: trigger.triggerId,
            type: trigger.type,
            kind: trigger.kind,
            definition: trigger.definition,
            fingerprint: trigger.fingerprint,
            repository: flow.repository,
            sha: flow.sha,
            path: flow.path,
            revision: flow.revision,
            disabled: trigger.disabled,
            problem: trigger.problem,
            registeredAt: new Date(trigger.registeredAt),
          },
          new Date(now),
        );
        if (resetRuntime) await writeRuntime(tx, trigger, trigger.runtime, now);
      }
      await notify(tx, TRIGGER_CHANGES_CHANNEL, `${flow.namespace}.${flow.flowId}`);
    });
    this.#changed();
  }

  async remove(namespace: string, flowId: string): Promise<void> {
    await this.#db.transaction(async (tx) => {
      await deleteRegisteredTriggers(tx, namespace, flowId);
      await notify(tx, TRIGGER_CHANGES_CHANNEL, `${namespace}.${flowId}`);
    });
    this.#changed();
  }

  async list(filter: TriggerFilter = {}): Promise<StoredTrigger[]> {
    return (await listRegisteredTriggers(this.#db, filter)).map(fromRow);
  }

  async get(key: TriggerKey): Promise<StoredTrigger | undefined> {
    const row = await getRegisteredTrigger(this.#db, key);
    return row && fromRow(row);
  }

  async nextDue(): Promise<number | undefined> {
    return (await nextTriggerFireAt(this.#db))?.getTime();
  }

  due(now: number, limit: number): Promise<TriggerKey[]> {
    return dueTriggerKeys(this.#db, new Date(now), limit);
  }

  update<R>(
    key: TriggerKey,
    fn: (trigger: StoredTrigger) => Promise<TriggerChange<R>>,
  ): Promise<R | undefined> {
    return this.#db.transaction(async (tx) => {
      const row = await getRegisteredTrigger(tx, key, { forUpdate: true });
      if (row === undefined) return undefined;
      const trigger = fromRow(row);
      const change = await fn(trigger);
      const now = this.#clock.now();
      if (change.runtime !== undefined) await writeRuntime(tx, trigger, change.runtime, now);
      for (const request of change.starts ?? []) {
        await insertTriggerStart(tx, {
          id: request.executionId ?? this.#newId(),
          namespace: trigger.namespace,
          flowId: trigger.flowId,
          triggerId: trigger.triggerId,
          trig: trigger,
          request,
          createdAt: new Date(now),
        });
      }
      if ((change.starts ?? []).length > 0) await notify(tx, TRIGGER_STARTS_CHANNEL, key.namespace);
      if (change.replan === true) await notify(tx, TRIGGER_CHANGES_CHANNEL, `${key.namespace}.${key.flowId}`);
      return change.result;
    });
  }

  async setStopped(key: TriggerKey, stopped: boolean): Promise<boolean> {
    const done = await this.#db.transaction(async (tx) => {
      const row = await getRegisteredTrigger(tx, key, { forUpdate: true });
      if (row === undefined) return false;
      const trigger = fromRow(row);
      const now = this.#clock.now();
      const runtime: TriggerRuntime = stopped
        ? { ...trigger.runtime, stopped: true }
        : initialRuntime(trigger.kind, !trigger.disabled && trigger.problem === undefined, now);
      await writeRuntime(tx, trigger, runtime, now);
      await notify(tx, TRIGGER_CHANGES_CHANNEL, `${key.namespace}.${key.flowId}`);
      return true;
    });
    if (done) this.#changed();
    return done;
  }

  async claimStarts(limit: number, leaseMs: number): Promise<PendingStart[]> {
    const now = this.#clock.now();
    const rows = await claimTriggerStarts(this.#db, new Date(now), new Date(now + leaseMs), limit);
    return rows.map((r) => ({
      id: r.id,
      trigger: r.trig as StoredTrigger,
      request: r.request as LaunchRequest,
      attempts: r.attempts,
    }));
  }

  completeStart(id: string): Promise<void> {
    return deleteTriggerStart(this.#db, id);
  }

  postponeStart(id: string, delayMs: number, error: string): Promise<void> {
    return postponeTriggerStart(this.#db, id, new Date(this.#clock.now() + delayMs), error);
  }

  hasStart(id: string): Promise<boolean> {
    return isTriggerStartHeld(this.#db, id);
  }

  async nextStartRetry(): Promise<number | undefined> {
    return (await nextTriggerStartRetry(this.#db))?.getTime();
  }

  watchStarts(listener: () => void): Promise<() => Promise<void>> {
    return this.#db.listen(TRIGGER_STARTS_CHANNEL, () => listener());
  }

  async watch(listener: () => void): Promise<() => Promise<void>> {
    this.#listeners.add(listener);
    const unlisten = await this.#db.listen(TRIGGER_CHANGES_CHANNEL, () => listener());
    return async () => {
      this.#listeners.delete(listener);
      await unlisten();
    };
  }

  /** Local listeners hear this process's changes at once, whether or not NOTIFY reaches them. */
  #changed(): void {
    for (const l of [...this.#listeners]) l();
  }
}

async function writeRuntime(
  ex: Executor,
  key: TriggerKey,
  runtime: TriggerRuntime,
  now: number,
): Promise<void> {
  await putTriggerState(
    ex,
    key,
    {
      state: runtime.state,
      nextFireAt: runtime.nextFireAt === undefined ? null : new Date(runtime.nextFireAt),
      disabled: runtime.stopped,
    },
    new Date(now),
  );
}

function fromRow(row: RegisteredTriggerRow): StoredTrigger {
  return {
    namespace: row.namespace,
    flowId: row.flowId,
    triggerId: row.triggerId,
    type: row.type,
    kind: row.kind as TriggerKind,
    definition: row.definition as unknown as Trigger,
    fingerprint: row.fingerprint,
    flow: {
      namespace: row.namespace,
      flowId: row.flowId,
      repository: row.repository,
      sha: row.sha,
      path: row.path,
      revision: row.revision,
    },
    disabled: row.disabled,
    ...(row.problem !== null ? { problem: row.problem } : {}),
    registeredAt: new Date(row.registeredAt).getTime(),
    runtime: {
      state: row.state ?? {},
      ...(row.nextFireAt !== null ? { nextFireAt: new Date(row.nextFireAt).getTime() } : {}),
      stopped: row.stopped === true,
    },
  };
}
