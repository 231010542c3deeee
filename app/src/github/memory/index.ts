/** The in-memory implementations of the GitHub App's ports, wired together for tests and `osprey dev`. */
import { MemoryCheckRunLinks, MemoryInstallationIndex } from './memory-check-run-links.ts';
import { MemoryDeliveryLog } from './memory-delivery-log.ts';
import { MemoryFlowRevisionStore } from './memory-flow-revision-store.ts';
import { MemoryNamespaceOwnership } from './memory-namespace-ownership.ts';
import { MemoryTriggerRegistry } from './memory-trigger-registry.ts';

export {
  MemoryCheckRunLinks,
  MemoryDeliveryLog,
  MemoryFlowRevisionStore,
  MemoryInstallationIndex,
  MemoryNamespaceOwnership,
  MemoryTriggerRegistry,
};

export function createMemoryPorts() {
  return {
    store: new MemoryFlowRevisionStore(),
    ownership: new MemoryNamespaceOwnership(),
    deliveries: new MemoryDeliveryLog(),
    triggers: new MemoryTriggerRegistry(),
    checkRunLinks: new MemoryCheckRunLinks(),
    installations: new MemoryInstallationIndex(),
  };
}
