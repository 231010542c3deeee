/**
 * `GET /api/v1/audit-logs`: the audit log, newest first, paged like Kestra's searches
 * (`page`, `size`), filtered by `actor` (token or user id or name), `action`, `resourceType`
 * (repeatable), `namespace` (and those under it), and a time range `startDate` / `endDate`
 * (ISO-8601). The answer is `{ results, total }`. Admins only: API tokens and the GitHub users in
 * OSPREY_ADMINS (people signed in with GitHub otherwise get 403).
 */
import { type Context, Hono } from 'hono';
import { z } from 'zod';
import type { AuditLog } from '../../audit/audit-log.ts';
import type { AuthVariables } from '../../auth/require-token.ts';
import type { ApiDeps } from '../deps.ts';
import { check, NamespaceParam, pageNumber } from '../edge/params.ts';
import { ApiError } from '../errors.ts';
import { respond } from '../respond.ts';

const Word = z
  .string()
  .trim()
  .max(200, 'at most 200 characters')
  .regex(/^[A-Za-z0-9 ._:@/-]+$/, 'letters, digits, spaces and . _ : @ / - only');
const Upper = z
  .string()
  .transform((v) => v.toUpperCase())
  .pipe(z.string().regex(/^[A-Z_]{1,40}$/, 'a word such as CREATE or EXECUTION'));
const Instant = z.iso.datetime({ offset: true, error: 'an ISO-8601 date-time such as 2026-12-01T00:00:00Z' });

export function auditRoutes(
  audit: AuditLog,
  deps: Pick<ApiDeps, 'masker'>,
): Hono<{ Variables: AuthVariables }> {
  const app = new Hono<{ Variables: AuthVariables }>();
  app.get('/', async (c) => {
    adminOnly(c);
    const actor = c.req.query('actor');
    const action = c.req.query('action');
    const namespace = c.req.query('namespace');
    const from = c.req.query('startDate');
    const to = c.req.query('endDate');
    const size = check(pageNumber('size', 50, 1000), c.req.query('size'), 'size');
    const page = check(pageNumber('page', 1, 100_000), c.req.query('page'), 'page');
    const { entries, total } = await audit.query({
      ...(actor === undefined ? {} : { actor: check(Word, actor, 'actor') }),
      ...(action === undefined ? {} : { action: check(Upper, action, 'action') }),
      resourceTypes: (c.req.queries('resourceType') ?? []).map((r) => check(Upper, r, 'resourceType')),
      ...(namespace === undefined ? {} : { namespace: check(NamespaceParam, namespace, 'namespace') }),
      ...(from === undefined ? {} : { from: new Date(check(Instant, from, 'startDate')) }),
      ...(to === undefined ? {} : { to: new Date(check(Instant, to, 'endDate')) }),
      limit: size,
      offset: (page - 1) * size,
    });
    return respond(c, deps.masker, { results: entries, total });
  });
  return app;
}

/** The audit log says who did what everywhere: only admins read it, as only they set announcements. */
function adminOnly(c: Context<{ Variables: AuthVariables }>): void {
  const p = c.get('principal');
  if (p.kind === 'user' ? p.admin : p.kind !== 'runner') return;
  throw new ApiError(
    'forbidden',
    `${p.name} may not read the audit log: admins are API tokens and the GitHub users in OSPREY_ADMINS`,
  );
}
