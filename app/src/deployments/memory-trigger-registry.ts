/** In-memory `TriggerRegistry`: what is registered, for tests to read. */
import type { Trigger } from '../../../flows-schema/src/triggers/triggers.ts';
import type { DeployedFlowRef, TriggerRegistry } from './ports.ts';

export interface RegisteredTriggers {
  flow: DeployedFlowRef;
  triggers: readonly Trigger[];
}

export class MemoryTriggerRegistry implements TriggerRegistry {
  readonly #byFlow = new Map<string, RegisteredTriggers>();

  async replace(flow: DeployedFlowRef, triggers: readonly Trigger[]): Promise<void> {
    if (triggers.length === 0) this.#byFlow.delete(key(flow.namespace, flow.flowId));
    else this.#byFlow.set(key(flow.namespace, flow.flowId), { flow, triggers: [...triggers] });
  }

  async remove(namespace: string, flowId: string): Promise<void> {
    this.#byFlow.delete(key(namespace, flowId));
  }

  /** Registered triggers, by flow, sorted by `namespace.flowId`. */
  list(): RegisteredTriggers[] {
    return [...this.#byFlow.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, v]) => v);
  }

  get(namespace: string, flowId: string): RegisteredTriggers | undefined {
    return this.#byFlow.get(key(namespace, flowId));
  }
}

function key(namespace: string, flowId: string): string {
  return `${namespace}.${flowId}`;
}
