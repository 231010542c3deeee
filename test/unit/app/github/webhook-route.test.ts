import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sign } from '@octokit/webhooks-methods';
import { MemoryDeliveryLog } from '../../../../app/src/github/memory/memory-delivery-log.ts';
import { type Delivery, WebhookReceiver } from '../../../../app/src/github/webhook-receiver.ts';
import { githubWebhookRoutes, MAX_PAYLOAD_BYTES } from '../../../../app/src/github/webhook-route.ts';

const SECRET = 'shh';
const silent = { debug() {}, info() {}, warn() {}, error() {} };

function setup(dispatch: (d: Delivery) => Promise<void> = async () => {}) {
  const seen: Delivery[] = [];
  const errors: string[] = [];
  const receiver = new WebhookReceiver({
    secret: SECRET,
    deliveries: new MemoryDeliveryLog(),
    dispatch: async (d) => {
      seen.push(d);
      await dispatch(d);
    },
    log: { ...silent, error: (_f, m) => errors.push(m ?? '') },
  });
  return { routes: githubWebhookRoutes(receiver), receiver, seen, errors };
}

async function post(
  routes: ReturnType<typeof setup>['routes'],
  body: string,
  headers: Record<string, string>,
) {
  return routes.request('/api/github/webhooks', {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

const payload = JSON.stringify({ action: 'opened', installation: { id: 1 } });

describe('webhook route', () => {
  it('accepts a signed delivery (202) and dispatches it once', async () => {
    const { routes, receiver, seen } = setup();
    const response = await post(routes, payload, {
      'x-github-event': 'pull_request',
      'x-github-delivery': 'd1',
      'x-hub-signature-256': await sign(SECRET, payload),
    });
    assert.equal(response.status, 202);
    await receiver.idle();
    assert.deepEqual(seen, [{ id: 'd1', name: 'pull_request', payload: JSON.parse(payload) }]);
  });

  it('answers 401 to unsigned, forged or malformed signatures and dispatches nothing', async () => {
    const { routes, receiver, seen } = setup();
    const forged = await sign('other', payload);
    for (const signature of [undefined, forged, 'sha256=zz', 'sha1=abc']) {
      const headers: Record<string, string> = { 'x-github-event': 'push', 'x-github-delivery': 'd' };
      if (signature) headers['x-hub-signature-256'] = signature;
      const response = await post(routes, payload, headers);
      assert.equal(response.status, 401, String(signature));
    }
    const tampered = await post(routes, payload.replace('opened', 'closed'), {
      'x-github-event': 'push',
      'x-github-delivery': 'd',
      'x-hub-signature-256': await sign(SECRET, payload),
    });
    assert.equal(tampered.status, 401);
    await receiver.idle();
    assert.deepEqual(seen, []);
  });

  it('answers 413 above 25 MB', async () => {
    const { routes, seen } = setup();
    const response = await routes.request('/api/github/webhooks', {
      method: 'POST',
      body: 'x',
      headers: {
        'content-length': String(MAX_PAYLOAD_BYTES + 1),
        'x-github-event': 'push',
        'x-github-delivery': 'd',
      },
    });
    assert.equal(response.status, 413);
    assert.deepEqual(seen, []);
  });

  it('processes a delivery id once; a failed delivery can be redelivered', async () => {
    let failures = 1;
    const { routes, receiver, seen, errors } = setup(async () => {
      if (failures-- > 0) throw new Error('GitHub is unavailable');
    });
    const headers = async () => ({
      'x-github-event': 'push',
      'x-github-delivery': 'same',
      'x-hub-signature-256': await sign(SECRET, payload),
    });
    assert.equal((await post(routes, payload, await headers())).status, 202);
    await receiver.idle();
    assert.match(errors[0] ?? '', /delivery same \(push\) failed: GitHub is unavailable/);
    assert.equal((await post(routes, payload, await headers())).status, 202, 'released after the failure');
    await receiver.idle();
    const duplicate = await post(routes, payload, await headers());
    assert.equal(duplicate.status, 200);
    assert.deepEqual(await duplicate.json(), { ok: true, duplicate: true });
    await receiver.idle();
    assert.equal(seen.length, 2);
  });

  it('answers ping and rejects bodies that are not JSON', async () => {
    const { routes, seen } = setup();
    const ping = await post(routes, '{"zen":"hi"}', {
      'x-github-event': 'ping',
      'x-github-delivery': 'p',
      'x-hub-signature-256': await sign(SECRET, '{"zen":"hi"}'),
    });
    assert.equal(ping.status, 200);
    const bad = await post(routes, 'a=b', {
      'x-github-event': 'push',
      'x-github-delivery': 'b',
      'x-hub-signature-256': await sign(SECRET, 'a=b'),
    });
    assert.equal(bad.status, 400);
    assert.deepEqual(seen, []);
  });
});
