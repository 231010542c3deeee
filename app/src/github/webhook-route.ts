/**
 * The webhook endpoint as a hono sub-app: `POST /api/github/webhooks`. Mount it with
 * `server.route('/', githubWebhookRoutes(app.receiver))`. Payloads over GitHub's 25 MB cap get 413,
 * unsigned or forged ones 401 — both before anything is processed.
 */
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { WebhookReceiver } from './webhook-receiver.ts';

export const WEBHOOK_PATH = '/api/github/webhooks';
/** GitHub caps webhook payloads at 25 MB. */
export const MAX_PAYLOAD_BYTES = 25 * 1024 * 1024;

export function githubWebhookRoutes(receiver: WebhookReceiver, path: string = WEBHOOK_PATH): Hono {
  const routes = new Hono();
  routes.post(
    path,
    bodyLimit({
      maxSize: MAX_PAYLOAD_BYTES,
      onError: (c) =>
        c.json(
          { error: `payload larger than ${MAX_PAYLOAD_BYTES} bytes (GitHub's webhook limit); not processed` },
          413,
        ),
    }),
    async (c) => {
      const body = await c.req.text();
      if (!(await receiver.verify(body, c.req.header('x-hub-signature-256')))) {
        return c.json(
          {
            error:
              'missing or invalid X-Hub-Signature-256: the delivery is not signed with WEBHOOK_SECRET; check that the secret matches the app settings',
          },
          401,
        );
      }
      const id = c.req.header('x-github-delivery');
      const name = c.req.header('x-github-event');
      if (!id || !name)
        return c.json({ error: 'X-GitHub-Delivery and X-GitHub-Event headers are required' }, 400);
      let payload: unknown;
      try {
        payload = JSON.parse(body);
      } catch {
        return c.json(
          {
            error:
              'the body is not JSON; set the webhook content type to application/json in the app settings',
          },
          400,
        );
      }
      if (name === 'ping') return c.json({ ok: true, pong: true }, 200);
      const outcome = await receiver.accept({ id, name, payload });
      return outcome === 'duplicate'
        ? c.json({ ok: true, duplicate: true }, 200)
        : c.json({ ok: true, delivery: id }, 202);
    },
  );
  return routes;
}
