/** The ports contract on the in-memory implementations: the reference the database ones must match. */
import { describe } from 'node:test';
import {
  MemoryCheckRunLinks,
  MemoryDeliveryLog,
  MemoryFlowRevisionStore,
  MemoryInstallationIndex,
  MemoryNamespaceOwnership,
} from '../../../app/src/github/memory/index.ts';
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
