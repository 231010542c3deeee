/**
 * The GitHub App's ports and the deployment domain's stores on the database (Postgres or PGlite),
 * wired together like `createMemoryPorts()` of `../memory/`. The trigger registry is not here: the
 * schedulers own it (`triggers/database-trigger-store.ts`).
 */

import { PostgresFlowRevisionStore } from '../../deployments/postgres-flow-revision-store.ts';
import { PostgresNamespaceOwnership } from '../../deployments/postgres-namespace-ownership.ts';
import type { Database } from '../../storage/database.ts';
import { PostgresDeliveryLog, type PostgresDeliveryLogOptions } from './postgres-delivery-log.ts';
import { PostgresCheckRunLinks, PostgresInstallationIndex } from './postgres-github-links.ts';

export interface PostgresPortsOptions {
  now?: () => Date;
  deliveries?: PostgresDeliveryLogOptions;
}

export function createPostgresPorts(db: Database, options: PostgresPortsOptions = {}) {
  const clock = options.now === undefined ? {} : { now: options.now };
  return {
    store: new PostgresFlowRevisionStore(db, clock),
    ownership: new PostgresNamespaceOwnership(db, clock),
    deliveries: new PostgresDeliveryLog(db, options.deliveries),
    checkRunLinks: new PostgresCheckRunLinks(db, clock),
    installations: new PostgresInstallationIndex(db, clock),
  };
}
