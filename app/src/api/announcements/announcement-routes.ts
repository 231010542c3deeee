/**
 * `/api/v1/announcements` (Kestra 0.20's Announcements): `GET` the ones shown now (anyone signed
 * in; `?all=true` every one, for admins), `POST` one, `PUT /{id}`, `DELETE /{id}` — admins only:
 * API tokens, and GitHub users listed in OSPREY_ADMINS. Body: `{ message, type: INFO|WARNING|ERROR,
 * startDate, endDate }` (ISO date-times; `startDate` defaults to now).
 */
import { type Context, Hono } from 'hono';
import { z } from 'zod';
import type { AuthVariables } from '../../auth/require-token.ts';
import { ANNOUNCEMENT_TYPES, type Announcement } from '../../console/announcements.ts';
import type { ApiDeps } from '../deps.ts';
import { check } from '../edge/params.ts';
import { parseJson } from '../edge/read-body.ts';
import { ApiError, notFound } from '../errors.ts';
import { respond } from '../respond.ts';

const Instant = (field: string) =>
  z
    .string({ error: `an ISO date-time such as 2026-01-01T09:00:00Z` })
    .refine((v) => !Number.isNaN(Date.parse(v)), `${field}: an ISO date-time such as 2026-01-01T09:00:00Z`)
    .transform((v) => new Date(v));

const AnnouncementBody = z
  .strictObject({
    message: z
      .string({ error: 'the text to show' })
      .trim()
      .min(1, 'the text to show')
      .max(1000, 'at most 1000 characters'),
    type: z.enum(ANNOUNCEMENT_TYPES, { error: `one of ${ANNOUNCEMENT_TYPES.join(', ')}` }).default('INFO'),
    startDate: Instant('startDate').optional(),
    endDate: Instant('endDate'),
  })
  .transform((a) => ({ ...a, startDate: a.startDate ?? new Date() }))
  .refine((a) => a.endDate > a.startDate, { message: 'must be after startDate', path: ['endDate'] });

function view(a: Announcement) {
  return {
    id: a.id,
    message: a.message,
    type: a.type,
    startDate: new Date(a.startDate).toISOString(),
    endDate: new Date(a.endDate).toISOString(),
    createdBy: a.createdBy,
  };
}

export function announcementRoutes(deps: ApiDeps): Hono<{ Variables: AuthVariables }> {
  const app = new Hono<{ Variables: AuthVariables }>();
  const send = (c: Context, value: unknown) => respond(c, deps.masker, value);
  const store = () => {
    if (deps.announcements === undefined) {
      throw new ApiError('not_implemented', 'this server keeps no announcements');
    }
    return deps.announcements;
  };
  const admin = (c: Context<{ Variables: AuthVariables }>) => {
    const p = c.get('principal');
    if (p.kind === 'user' ? p.admin : p.kind !== 'runner') return p.name;
    throw new ApiError(
      'forbidden',
      `${p.name} may not set announcements: admins are API tokens and the GitHub users in OSPREY_ADMINS`,
    );
  };
  const body = async (c: Context) =>
    check(
      AnnouncementBody,
      parseJson(await c.req.text(), 'send {"message", "type", "startDate", "endDate"}'),
      'body',
    );

  app.get('/', async (c) => {
    const all = c.req.query('all') === 'true';
    if (all) admin(c);
    return send(c, (await store().list(all ? undefined : new Date())).map(view));
  });
  app.post('/', async (c) => {
    const by = admin(c);
    return send(c, view(await store().create(await body(c), by)));
  });
  app.put('/:id', async (c) => {
    admin(c);
    const id = c.req.param('id');
    if (!(await store().update(id, await body(c)))) throw notFound(`no announcement ${id}`);
    const updated = (await store().list()).find((a) => a.id === id);
    return send(c, updated === undefined ? { id } : view(updated));
  });
  app.delete('/:id', async (c) => {
    admin(c);
    if (!(await store().delete(c.req.param('id')))) throw notFound(`no announcement ${c.req.param('id')}`);
    return send(c, true);
  });
  return app;
}
