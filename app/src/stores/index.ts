/**
 * The GitHub App's ports on the database (Postgres or PGlite), wired together like
 * `createMemoryPorts()` of `github/memory/`. The trigger registry is not here: the schedulers own it.
 */
import type { Database } from '../storage/database.ts';
import { DatabaseExecutionSearch } from './database-execution-search.ts';
import { PostgresDeliveryLog, type PostgresDeliveryLogOptions } from './postgres-delivery-log.ts';
import { PostgresFlowRevisionStore } from './postgres-flow-revision-store.ts';
import { PostgresCheckRunLinks, PostgresInstallationIndex } from './postgres-github-links.ts';
import { PostgresNamespaceOwnership } from './postgres-namespace-ownership.ts';

export {
  DatabaseExecutionSearch,
  PostgresCheckRunLinks,
  PostgresDeliveryLog,
  PostgresFlowRevisionStore,
  PostgresInstallationIndex,
  PostgresNamespaceOwnership,
};

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
