/**
 * What log shippers read: execution log lines and audit entries after a cursor, oldest first,
 * only rows written a few seconds ago (`SETTLE_MS`) — a row whose transaction commits after a
 * younger row's is then already visible when the shipper's cursor passes its id, so none is skipped.
 *
 * A job reads the logs of its own namespace and those under it; a job of the `system` namespace
 * (Kestra's namespace for instance-wide flows) reads every namespace and the audit log, which
 * other namespaces may not read.
 */

import type { RecordQuery, ShippedRecord } from '../../../protocol/src/task-contract.ts';
import { TaskFailure } from '../../../protocol/src/task-contract.ts';
import { isUnder, SYSTEM_NAMESPACE } from '../kv/namespaces.ts';
import { queryAuditEntries } from '../storage/audit-logs.ts';
import type { Executor } from '../storage/database.ts';
import { shippableLogs } from '../storage/logs.ts';

export const SETTLE_MS = 3000;

export async function readShippableRecords(
  db: Executor,
  q: RecordQuery,
  job: { namespace: string },
  settledMs = SETTLE_MS,
): Promise<ShippedRecord[]> {
  const system = job.namespace === SYSTEM_NAMESPACE;
  if (q.source === 'audit') {
    if (!system) {
      throw new TaskFailure(
        `the audit log is shipped by flows of the '${SYSTEM_NAMESPACE}' namespace only; move this flow to namespace ${SYSTEM_NAMESPACE}`,
        { retryable: false },
      );
    }
    const { entries } = await queryAuditEntries(db, {
      afterId: q.afterId,
      ...(q.since === undefined ? {} : { from: new Date(q.since) }),
      ...(q.resources === undefined ? {} : { resourceTypes: q.resources }),
      ...(q.namespace === undefined ? {} : { namespace: q.namespace }),
      settledMs,
      ascending: true,
      limit: q.limit,
    });
    return entries.map(({ at, ...rest }) => ({ ...rest, timestamp: at }));
  }
  let namespace = q.namespace ?? (system ? undefined : job.namespace);
  if (namespace !== undefined && !system && !isUnder(namespace, job.namespace)) {
    throw new TaskFailure(
      `namespace ${namespace} is outside ${job.namespace}: a log shipper ships its own namespace and those under it (a flow of namespace ${SYSTEM_NAMESPACE} ships all)`,
      { retryable: false },
    );
  }
  namespace ??= undefined;
  const rows = await shippableLogs(db, {
    afterId: q.afterId,
    since: q.since === undefined ? undefined : new Date(q.since),
    minLevel: q.minLevel ?? 'INFO',
    namespace,
    flowId: q.flowId,
    executionId: q.executionId,
    settledMs,
    limit: q.limit,
  });
  return rows.map((r) => ({
    id: r.id,
    timestamp: r.ts.toISOString(),
    namespace: r.namespace,
    flowId: r.flowId,
    executionId: r.executionId,
    ...(r.taskId === null ? {} : { taskId: r.taskId }),
    ...(r.taskRunId === null ? {} : { taskRunId: r.taskRunId }),
    ...(r.attempt === null ? {} : { attemptNumber: r.attempt }),
    level: r.level,
    message: r.message,
  }));
}
