/** The ports contract on the in-memory implementations: the reference the database ones must match. */
import { describe } from 'node:test';
import { MemoryFlowRevisionStore } from '../../../app/src/deployments/memory-flow-revision-store.ts';
import { MemoryNamespaceOwnership } from '../../../app/src/deployments/memory-namespace-ownership.ts';
import {
  MemoryCheckRunLinks,
  MemoryInstallationIndex,
} from '../../../app/src/github/memory/memory-check-run-links.ts';
import { MemoryDeliveryLog } from '../../../app/src/github/memory/memory-delivery-log.ts';
import { portsContract } from './ports-contract.ts';

describe('GitHub ports contract [memory]', () => {
  portsContract(async ({ now, deliveryTtlMs }) => ({
    ports: {
      store: new MemoryFlowRevisionStore(() => new Date(now())),
      ownership: new MemoryNamespaceOwnership(),
      deliveries: new MemoryDeliveryLog({ ttlMs: deliveryTtlMs, now }),
      checkRunLinks: new MemoryCheckRunLinks(),
      installations: new MemoryInstallationIndex(),
    },
    cleanup: async () => {},
  }));
});
