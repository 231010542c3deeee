/**
 * The audit log: every action of a user or token — who (the token's or signed-in user's name),
 * what (CREATE / UPDATE / DELETE / LOGIN / APPROVE / ... on a resource), when, and from where (the
 * client's address and user agent) — written to the `audit_logs` table and listed by
 * `GET /api/v1/audit-logs` (docs/api.md). Refused attempts (401/403) are recorded too.
 */
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context, MiddlewareHandler } from 'hono';
import { logger } from '../../../protocol/src/logger.ts';
import type { Principal } from '../auth/token-service.ts';
import {
  type AuditEntry,
  type AuditQuery,
  insertAuditEntry,
  type NewAuditEntry,
  queryAuditEntries,
} from '../storage/audit-logs.ts';
import type { Executor } from '../storage/database.ts';

const log = logger('audit');

export type AuditRecord = Omit<NewAuditEntry, 'at'>;

export class AuditLog {
  readonly #db: Executor;
  readonly #now: () => Date;
  constructor(db: Executor, now: () => Date = () => new Date()) {
    this.#db = db;
    this.#now = now;
  }

  /** Writes one entry. A failure is reported on stderr and does not undo the action it records. */
  async record(entry: AuditRecord): Promise<void> {
    try {
      await insertAuditEntry(this.#db, { ...entry, at: this.#now() });
    } catch (e) {
      log.error(`could not record ${entry.action} ${entry.resourceType}: ${(e as Error).message}`);
    }
  }

  query(q: AuditQuery): Promise<{ entries: AuditEntry[]; total: number }> {
    return queryAuditEntries(this.#db, q);
  }
}

/** Who a principal is, in audit terms. */
export function actorOf(p: Principal | undefined): Pick<AuditRecord, 'actorKind' | 'actorId' | 'actorName'> {
  if (p === undefined) return { actorKind: 'anonymous' };
  if (p.kind === 'admin') return { actorKind: 'admin', actorId: p.id, actorName: p.name };
  return { actorKind: p.kind, actorId: p.id, actorName: p.name };
}

/** Where a request comes from: the socket's address (the proxy's `X-Forwarded-For` first hop when set) and user agent. */
export function originOf(c: Context): Pick<AuditRecord, 'ip' | 'userAgent'> {
  const forwarded = c.req.header('X-Forwarded-For')?.split(',')[0]?.trim();
  let address: string | undefined;
  try {
    address = getConnInfo(c).remote.address;
  } catch {
    address = undefined; // not served by @hono/node-server (in-process tests)
  }
  const ip = forwarded || address;
  const userAgent = c.req.header('User-Agent');
  return { ...(ip ? { ip } : {}), ...(userAgent ? { userAgent } : {}) };
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);
const RESOURCES: Record<string, string> = {
  executions: 'EXECUTION',
  flows: 'FLOW',
  logs: 'LOG',
  kv: 'KV',
  secrets: 'SECRET',
  'audit-logs': 'AUDIT_LOG',
};
const OPERATIONS = new Set(['pause', 'resume', 'restart', 'replay', 'kill']);

/** What an API request did, read from its method and path under `/api/v1`. */
export function describeApiRequest(
  method: string,
  path: string,
): Pick<AuditRecord, 'action' | 'resourceType' | 'resourceId' | 'namespace' | 'details'> {
  const parts = path
    .replace(/^.*?\/api\/v1\//, '')
    .split('/')
    .filter(Boolean)
    .map(decodeURIComponent);
  const [head = '', ...rest] = parts;
  if (head === 'namespaces') {
    const [namespace, kind = '', ...key] = rest;
    return {
      action: crudOf(method),
      resourceType: RESOURCES[kind] ?? kind.toUpperCase(),
      ...(namespace === undefined ? {} : { namespace }),
      ...(key.length > 0 ? { resourceId: key.join('/') } : {}),
    };
  }
  const resourceType = RESOURCES[head] ?? head.toUpperCase();
  const last = rest.at(-1) ?? '';
  if (head === 'executions' && OPERATIONS.has(last) && rest.length === 2) {
    return { action: 'UPDATE', resourceType, resourceId: rest[0] as string, details: { operation: last } };
  }
  if (head === 'executions' && method === 'POST' && rest.length === 2) {
    return { action: 'CREATE', resourceType, namespace: rest[0] as string, details: { flowId: rest[1] } };
  }
  return { action: crudOf(method), resourceType, ...(rest.length > 0 ? { resourceId: rest.join('/') } : {}) };
}

function crudOf(method: string): string {
  return method === 'POST' ? 'CREATE' : method === 'DELETE' ? 'DELETE' : 'UPDATE';
}

/**
 * Records every API request that changes something, and every refused one, once the answer is
 * known (its status is part of the entry). Reads by valid callers are not recorded.
 */
export function auditApi(audit: AuditLog): MiddlewareHandler<{ Variables: { principal: Principal } }> {
  return async (c, next) => {
    await next();
    const refused = c.res.status === 401 || c.res.status === 403;
    if (SAFE.has(c.req.method) && !refused) return;
    const what = describeApiRequest(c.req.method, c.req.path);
    await audit.record({
      ...actorOf(c.get('principal') as Principal | undefined),
      ...what,
      ...(refused ? { action: 'REFUSED', details: { ...what.details, attempted: what.action } } : {}),
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      ...originOf(c),
    });
  };
}
