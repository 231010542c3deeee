/**
 * The in-memory ports of the GitHub App and of the deployment domain, wired together for tests (the
 * same shape as `createPostgresPorts()` in `../postgres/`, plus a trigger registry tests can read).
 */
import { MemoryFlowRevisionStore } from '../../deployments/memory-flow-revision-store.ts';
import { MemoryNamespaceOwnership } from '../../deployments/memory-namespace-ownership.ts';
import { MemoryTriggerRegistry } from '../../deployments/memory-trigger-registry.ts';
import { MemoryCheckRunLinks, MemoryInstallationIndex } from './memory-check-run-links.ts';
import { MemoryDeliveryLog } from './memory-delivery-log.ts';

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
