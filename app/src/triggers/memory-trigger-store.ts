/**
 * `TriggerStore` in memory, for tests and single-process tools: the same registration rules as the
 * database store; `update` runs one call at a time per trigger, like the row lock it stands for.
 */
import type { Trigger } from '../../../flows-schema/src/triggers/triggers.ts';
import type { DeployedFlowRef } from '../deployments/ports.ts';
import type { Clock } from '../execution/clock.ts';
import { newId } from '../execution/ids.ts';
import { initialRuntime, planRegistration } from './plan-registration.ts';
import type {
  PendingStart,
  StoredTrigger,
  TriggerChange,
  TriggerFilter,
  TriggerKey,
  TriggerStore,
} from './types.ts';
import { isActive } from './types.ts';

export class MemoryTriggerStore implements TriggerStore {
  readonly #clock: Pick<Clock, 'now'>;
  readonly #byKey = new Map<string, StoredTrigger>();
  readonly #locks = new Map<string, Promise<unknown>>();
  readonly #listeners = new Set<() => void>();
  /** The outbox, in insertion order; `heldUntil` is a relay's lease or a retry delay. */
  readonly #starts = new Map<string, { start: PendingStart; heldUntil: number }>();
  readonly #newId: () => string;
  readonly #startListeners = new Set<() => void>();

  constructor(clock: Pick<Clock, 'now'>, ids: () => string = newId) {
    this.#clock = clock;
    this.#newId = ids;
  }

  async replace(flow: DeployedFlowRef, triggers: readonly Trigger[]): Promise<void> {
    const existing = await this.list({ namespace: flow.namespace, flowId: flow.flowId });
    const plan = planRegistration(existing, flow, triggers, this.#clock.now());
    for (const id of plan.removed) this.#byKey.delete(mapKey({ ...flow, triggerId: id }));
    for (const row of plan.rows) this.#byKey.set(mapKey(row.trigger), structuredClone(row.trigger));
    this.#changed();
  }

  async remove(namespace: string, flowId: string): Promise<void> {
    for (const [k, t] of this.#byKey)
      if (t.namespace === namespace && t.flowId === flowId) this.#byKey.delete(k);
    this.#changed();
  }

  async list(filter: TriggerFilter = {}): Promise<StoredTrigger[]> {
    return [...this.#byKey.values()]
      .filter(
        (t) =>
          (filter.kind === undefined || t.kind === filter.kind) &&
          (filter.namespace === undefined || t.namespace === filter.namespace) &&
          (filter.flowId === undefined || t.flowId === filter.flowId),
      )
      .sort((a, b) => mapKey(a).localeCompare(mapKey(b)))
      .map((t) => structuredClone(t));
  }

  async get(key: TriggerKey): Promise<StoredTrigger | undefined> {
    const t = this.#byKey.get(mapKey(key));
    return t && structuredClone(t);
  }

  async nextDue(): Promise<number | undefined> {
    let min: number | undefined;
    for (const t of this.#byKey.values()) {
      const at = t.runtime.nextFireAt;
      if (at !== undefined && isActive(t) && (min === undefined || at < min)) min = at;
    }
    return min;
  }

  async due(now: number, limit: number): Promise<TriggerKey[]> {
    return [...this.#byKey.values()]
      .filter((t) => isActive(t) && t.runtime.nextFireAt !== undefined && t.runtime.nextFireAt <= now)
      .sort((a, b) => (a.runtime.nextFireAt ?? 0) - (b.runtime.nextFireAt ?? 0))
      .slice(0, limit)
      .map((t) => ({ namespace: t.namespace, flowId: t.flowId, triggerId: t.triggerId }));
  }

  update<R>(
    key: TriggerKey,
    fn: (trigger: StoredTrigger) => Promise<TriggerChange<R>>,
  ): Promise<R | undefined> {
    const k = mapKey(key);
    const run = (this.#locks.get(k) ?? Promise.resolve()).then(async () => {
      const current = this.#byKey.get(k);
      if (current === undefined) return undefined;
      const change = await fn(structuredClone(current));
      // The trigger may have been replaced meanwhile (a redeploy): only the same definition is updated.
      const now = this.#byKey.get(k);
      if (change.runtime !== undefined && now?.fingerprint === current.fingerprint) {
        now.runtime = structuredClone(change.runtime);
      }
      if (change.replan === true) this.#changed();
      for (const request of change.starts ?? []) {
        const id = request.executionId ?? this.#newId();
        this.#starts.set(id, {
          start: { id, trigger: structuredClone(current), request: structuredClone(request), attempts: 0 },
          heldUntil: Number.NEGATIVE_INFINITY,
        });
      }
      if ((change.starts ?? []).length > 0) for (const l of [...this.#startListeners]) queueMicrotask(l);
      return change.result;
    });
    this.#locks.set(
      k,
      run.catch(() => undefined),
    );
    return run;
  }

  async setStopped(key: TriggerKey, stopped: boolean): Promise<boolean> {
    const t = this.#byKey.get(mapKey(key));
    if (t === undefined) return false;
    if (stopped) t.runtime = { ...t.runtime, stopped: true };
    else t.runtime = initialRuntime(t.kind, !t.disabled && t.problem === undefined, this.#clock.now());
    this.#changed();
    return true;
  }

  async claimStarts(limit: number, leaseMs: number): Promise<PendingStart[]> {
    const now = this.#clock.now();
    const claimed: PendingStart[] = [];
    for (const held of this.#starts.values()) {
      if (claimed.length >= limit) break;
      if (held.heldUntil > now) continue;
      held.heldUntil = now + leaseMs;
      claimed.push(structuredClone(held.start));
    }
    return claimed;
  }

  async completeStart(id: string): Promise<void> {
    this.#starts.delete(id);
  }

  async postponeStart(id: string, delayMs: number, _error: string): Promise<void> {
    const held = this.#starts.get(id);
    if (held === undefined) return;
    held.heldUntil = this.#clock.now() + delayMs;
    held.start.attempts++;
  }

  async hasStart(id: string): Promise<boolean> {
    return this.#starts.has(id);
  }

  async nextStartRetry(): Promise<number | undefined> {
    let min: number | undefined;
    for (const { heldUntil } of this.#starts.values())
      if (heldUntil !== Number.NEGATIVE_INFINITY && (min === undefined || heldUntil < min)) min = heldUntil;
    return min;
  }

  async watchStarts(listener: () => void): Promise<() => Promise<void>> {
    this.#startListeners.add(listener);
    return async () => {
      this.#startListeners.delete(listener);
    };
  }

  async watch(listener: () => void): Promise<() => Promise<void>> {
    this.#listeners.add(listener);
    return async () => {
      this.#listeners.delete(listener);
    };
  }

  #changed(): void {
    for (const l of [...this.#listeners]) l();
  }
}

function mapKey(k: TriggerKey): string {
  return `${k.namespace}\u0000${k.flowId}\u0000${k.triggerId}`;
}
