/**
 * GitHub's App webhook delivery log, which the emulator does not serve (it neither records the App's
 * deliveries nor answers `/app/hook/deliveries`): a front for the emulator that forwards every
 * request to it, except the two documented routes Osprey's reconciler calls —
 * `GET /app/hook/deliveries` (newest first, cursor pagination) and
 * `POST /app/hook/deliveries/{id}/attempts` (202, the same guid delivered again). Both require the
 * App's JWT, checked by the emulator itself (`GET /app` with the same Authorization header).
 * Deliveries are sent with `send`, signed like GitHub's, and recorded with the answer they got.
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { sign } from '@octokit/webhooks-methods';
import { Hono } from 'hono';
import type { HookDelivery } from '../../../../app/src/github/redeliver.ts';
import { SECRET } from './emulator.ts';

/** What GitHub lists of one delivery. */
export type RecordedDelivery = HookDelivery & { action: string | null };

export interface HookDeliveries {
  url: string;
  deliveries: RecordedDelivery[];
  /** Delivers an event to the app as GitHub would, and records the answer (0: no connection). */
  send(event: string, payload: unknown, guid?: string): Promise<RecordedDelivery>;
  close(): Promise<void>;
}

export async function startHookDeliveries(emulatorUrl: string, webhookUrl: string): Promise<HookDeliveries> {
  const deliveries: RecordedDelivery[] = [];
  const payloads = new Map<string, { event: string; payload: unknown }>();
  let nextId = 1;

  const send = async (event: string, payload: unknown, guid: string = randomUUID(), redelivery = false) => {
    payloads.set(guid, { event, payload });
    const body = JSON.stringify(payload);
    let status = 0;
    try {
      const response = await fetch(webhookUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-github-event': event,
          'x-github-delivery': guid,
          'x-hub-signature-256': await sign(SECRET, body),
        },
        body,
      });
      status = response.status;
      await response.body?.cancel();
    } catch {}
    const action = (payload as { action?: unknown }).action;
    const recorded: RecordedDelivery = {
      id: nextId++,
      guid,
      delivered_at: new Date().toISOString(),
      redelivery,
      status_code: status,
      event,
      action: typeof action === 'string' ? action : null,
    };
    deliveries.push(recorded);
    return recorded;
  };

  const isApp = async (authorization: string | undefined) => {
    if (authorization === undefined) return false;
    const r = await fetch(`${emulatorUrl}/app`, { headers: { authorization } });
    await r.body?.cancel();
    return r.ok;
  };

  const app = new Hono();
  app.get('/app/hook/deliveries', async (c) => {
    if (!(await isApp(c.req.header('authorization')))) return c.json({ message: 'Bad credentials' }, 401);
    const perPage = Math.min(100, Number(c.req.query('per_page') ?? 30));
    const cursor = Number(c.req.query('cursor') ?? Number.POSITIVE_INFINITY);
    const newest = [...deliveries].sort((a, b) => b.id - a.id).filter((d) => d.id < cursor);
    const page = newest.slice(0, perPage);
    const last = page.at(-1);
    if (newest.length > perPage && last !== undefined) {
      c.header('link', `<${base}/app/hook/deliveries?per_page=${perPage}&cursor=${last.id}>; rel="next"`);
    }
    return c.json(page);
  });
  app.post('/app/hook/deliveries/:id/attempts', async (c) => {
    if (!(await isApp(c.req.header('authorization')))) return c.json({ message: 'Bad credentials' }, 401);
    const original = deliveries.find((d) => d.id === Number(c.req.param('id')));
    const stored = original && payloads.get(original.guid);
    if (original === undefined || stored === undefined) return c.json({ message: 'Not Found' }, 404);
    void send(stored.event, stored.payload, original.guid, true);
    return c.json({}, 202);
  });
  app.all('*', async (c) => {
    const request = c.req.raw;
    const target = new URL(request.url);
    const headers = new Headers(request.headers);
    headers.delete('host');
    return fetch(emulatorUrl + target.pathname + target.search, {
      method: request.method,
      headers,
      ...(request.method === 'GET' || request.method === 'HEAD' ? {} : { body: await request.arrayBuffer() }),
    });
  });

  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    deliveries,
    send: (event, payload, guid) => send(event, payload, guid),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
