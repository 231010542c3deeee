/**
 * What the purge tasks ask of the server (`PurgeExecutions`, `PurgeLogs`, `PurgeKV`, run by the
 * executor: app/src/execution/purge-tasks.ts), and how it is done on the database.
 *
 * A flow purges its own namespace and those under it; a flow of the `system` namespace (Kestra's
 * namespace for instance-wide flows) purges every namespace. Without a `namespace`, a flow purges
 * its own tree, a `system` flow all of them. Kestra's open-source edition lets any flow purge any
 * namespace; Osprey's namespaces belong to repositories (docs/permissions), so one repository's
 * flow does not delete another's history.
 */
import picomatch from 'picomatch';
import { isUnder, SYSTEM_NAMESPACE } from '../kv/namespaces.ts';
import type { Database } from '../storage/database.ts';
import {
  deleteEndedExecutions,
  type PurgeableExecution,
  purgeableExecutions,
} from '../storage/executions.ts';
import { deleteKvEntries, kvEntries } from '../storage/kv.ts';
import { type LogLevel, purgeMatchingLogs } from '../storage/logs.ts';
import type { ExecutionFiles } from './retention-purger.ts';

export type PurgeRequest =
  | {
      kind: 'executions';
      namespace?: string | undefined;
      flowId?: string | undefined;
      startDate?: Date | undefined;
      endDate: Date;
      states?: readonly string[] | undefined;
      purgeExecution: boolean;
      purgeLog: boolean;
      purgeStorage: boolean;
      batchSize: number;
    }
  | {
      kind: 'logs';
      namespace?: string | undefined;
      flowId?: string | undefined;
      executionId?: string | undefined;
      levels?: readonly LogLevel[] | undefined;
      startDate?: Date | undefined;
      endDate: Date;
    }
  | {
      kind: 'kv';
      namespaces?: readonly string[] | undefined;
      namespacePattern?: string | undefined;
      includeChildNamespaces: boolean;
      keyPattern?: string | undefined;
      expiredOnly: boolean;
    };

/** A purge refused before anything was deleted (a namespace outside the flow's). */
export class PurgeRefused extends Error {}

/** The namespaces a flow of `own` may purge for `requested`: undefined means all of them. */
function scopeOf(own: string, requested: string | undefined, what: string): string[] | undefined {
  if (own === SYSTEM_NAMESPACE) return requested === undefined ? undefined : [requested];
  if (requested === undefined) return [own];
  if (!isUnder(requested, own)) {
    throw new PurgeRefused(
      `${what}: namespace ${requested} is outside ${own}; a flow purges its own namespace and those under it (a flow of namespace ${SYSTEM_NAMESPACE} purges all)`,
    );
  }
  return [requested];
}

export interface PurgeTarget {
  db: Database;
  files: ExecutionFiles;
  now: () => number;
}

export async function runPurge(
  target: PurgeTarget,
  request: PurgeRequest,
  job: { namespace: string },
): Promise<Record<string, number>> {
  switch (request.kind) {
    case 'executions':
      return purgeExecutionsOf(target, request, job);
    case 'logs': {
      const namespaces = scopeOf(job.namespace, request.namespace, 'namespace');
      if (request.flowId !== undefined && request.namespace === undefined)
        throw new PurgeRefused('flowId: give the flow’s namespace as well (namespace)');
      const count = await purgeMatchingLogs(target.db, {
        namespaces,
        flowId: request.flowId,
        executionId: request.executionId,
        levels: request.levels,
        startDate: request.startDate,
        endDate: request.endDate,
      });
      return { count, executionLogsCount: count, nonExecutionLogsCount: 0 };
    }
    case 'kv':
      return { size: await purgeKv(target, request, job.namespace) };
  }
}

async function purgeExecutionsOf(
  { db, files }: PurgeTarget,
  r: Extract<PurgeRequest, { kind: 'executions' }>,
  job: { namespace: string },
): Promise<Record<string, number>> {
  const namespaces = scopeOf(job.namespace, r.namespace, 'namespace');
  if (r.flowId !== undefined && r.namespace === undefined)
    throw new PurgeRefused('flowId: give the flow’s namespace as well (namespace)');
  const filter = {
    namespaces,
    flowId: r.flowId,
    startDate: r.startDate,
    endDate: r.endDate,
    states: r.states,
  };
  const counts = { executionsCount: 0, logsCount: 0, storagesCount: 0, metricsCount: 0, taskOutputsCount: 0 };
  let after: PurgeableExecution | undefined;
  for (;;) {
    // The running execution (this purge's own) has not ended, so it is never on a page.
    const page = await purgeableExecutions(db, filter, r.batchSize, after);
    if (page.length === 0) break;
    after = page.at(-1);
    const ids = page.map((e) => e.id);
    // Rows first, then files: a failed file deletion leaves files behind, never a broken execution.
    if (r.purgeLog || r.purgeExecution) {
      counts.logsCount += await purgeMatchingLogs(db, { executionIds: ids });
    }
    if (r.purgeExecution) counts.executionsCount += await deleteEndedExecutions(db, ids);
    if (r.purgeStorage) {
      for (const e of page) {
        // As the retention purger: a file that cannot be deleted stays behind, the purge goes on.
        const deleted = await files
          .deleteExecution({ namespace: e.namespace, flowId: e.flowId, executionId: e.id })
          .then(
            () => true,
            () => false,
          );
        if (deleted) counts.storagesCount++;
      }
    }
    if (page.length < r.batchSize) break;
  }
  return counts;
}

async function purgeKv(
  { db, now }: PurgeTarget,
  r: Extract<PurgeRequest, { kind: 'kv' }>,
  own: string,
): Promise<number> {
  if (r.namespaces !== undefined && r.namespacePattern !== undefined)
    throw new PurgeRefused('namespaces, namespacePattern: use one or the other');
  const mayPurge = (ns: string) => own === SYSTEM_NAMESPACE || isUnder(ns, own);
  for (const ns of r.namespaces ?? []) {
    if (!mayPurge(ns))
      throw new PurgeRefused(
        `namespaces: ${ns} is outside ${own}; a flow purges its own namespace and those under it (a flow of namespace ${SYSTEM_NAMESPACE} purges all)`,
      );
  }
  const namespaceMatches =
    r.namespacePattern === undefined ? undefined : picomatch(r.namespacePattern, { dot: true });
  const keyMatches = r.keyPattern === undefined ? undefined : picomatch(r.keyPattern, { dot: true });
  const chosen = (ns: string) => {
    if (!mayPurge(ns)) return false;
    if (r.namespaces !== undefined)
      return r.namespaces.some((n) => n === ns || (r.includeChildNamespaces && isUnder(ns, n)));
    if (namespaceMatches !== undefined) return namespaceMatches(ns);
    return true;
  };
  const entries = (await kvEntries(db, new Date(now()))).filter(
    (e) =>
      chosen(e.namespace) && (!r.expiredOnly || e.expired) && (keyMatches === undefined || keyMatches(e.key)),
  );
  return deleteKvEntries(db, entries);
}
