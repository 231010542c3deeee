/**
 * The webhook route in-process (`app.request()`): a matching key starts the flow with
 * `trigger.body/headers/parameters`; a wrong key, an unknown flow and a disabled trigger all get the
 * same 404; oversized bodies get 413; `wait` and `returnOutputs` answer with the finished execution.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { webhookRoutes } from '../../../../app/src/triggers/webhook-routes.ts';
import { triggerHarness, yaml } from './harness.ts';

const KEY = '4wjtkzwVGBM9yKnjm3yv8r';
const WEBHOOK = 'io.kestra.plugin.core.trigger.Webhook';

function hookedFlow(trigger: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): string {
  return yaml({
    id: 'webhook_flow',
    namespace: 'company.team',
    tasks: [{ id: 'hello', type: 'io.kestra.plugin.core.log.Log', message: 'Hello {{ trigger.body.name }}' }],
    triggers: [{ id: 'webhook', type: WEBHOOK, key: KEY, ...trigger }],
    ...extra,
  });
}

function setup(options: { maxBodyBytes?: number } = {}) {
  const h = triggerHarness();
  const app = webhookRoutes({
    store: h.store,
    executions: h.executions,
    flows: { get: async (ns, id) => h.flows.get(`${ns}/${id}`) },
    clock: h.clock,
    ...options,
  });
  const url = (key = KEY, flow = 'company.team/webhook_flow') => `/api/v1/executions/webhook/${flow}/${key}`;
  return { h, app, url };
}

test('a matching key starts the flow with trigger.body, headers and parameters', async () => {
  const { h, app, url } = setup();
  await h.deploy(
    hookedFlow({ inputs: { who: '{{ trigger.body.name }}' } }, { inputs: [{ id: 'who', type: 'STRING' }] }),
  );
  const res = await app.request(`${url()}?source=ci&source=cd`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-request-id': 'r-1' },
    body: JSON.stringify({ name: 'Ada', items: [1, 2] }),
  });
  assert.equal(res.status, 200);
  const started = (await res.json()) as { id: string; flowId: string };
  assert.equal(started.flowId, 'webhook_flow');
  const [run] = await h.executionsOf('webhook_flow');
  assert.equal(run?.id, started.id);
  assert.deepEqual(run?.trigger?.variables?.['body'], { name: 'Ada', items: [1, 2] });
  assert.deepEqual(run?.trigger?.variables?.['parameters'], { source: ['ci', 'cd'] });
  const headers = (run?.trigger?.variables?.['headers'] ?? {}) as Record<string, string[]>;
  assert.deepEqual(headers['x-request-id'], ['r-1']);
  assert.equal(run?.inputs['who'], 'Ada');
  assert.equal(run?.trigger?.type, WEBHOOK);
  assert.deepEqual(run?.source, { repository: 'acme/flows', sha: 'sha1', path: 'flows/webhook_flow.yaml' });

  await h.deploy(hookedFlow({}, { id: 'plain_hook' }));
  const plain = url(KEY, 'company.team/plain_hook');
  const text = await app.request(plain, { method: 'PUT', body: 'plain words' });
  assert.equal(text.status, 200);
  const get = await app.request(plain, { method: 'GET' });
  assert.equal(get.status, 200);
  const runs = await h.executionsOf('plain_hook');
  assert.equal(runs[0]?.trigger?.variables?.['body'], 'plain words', 'text that is not JSON stays text');
  assert.equal(runs[1]?.trigger?.variables?.['body'], null);
});

test('a wrong key, an unknown flow and a disabled trigger get the same 404, and nothing starts', async () => {
  const { h, app, url } = setup();
  await h.deploy(hookedFlow());
  await h.deploy(
    yaml({
      id: 'dormant',
      namespace: 'company.team',
      tasks: [{ id: 'hello', type: 'io.kestra.plugin.core.log.Log', message: 'hi' }],
      triggers: [{ id: 'webhook', type: WEBHOOK, key: KEY, disabled: true }],
    }),
  );
  const answers = await Promise.all([
    app.request(url('wrong-key'), { method: 'POST', body: '{}' }),
    app.request(url(`${KEY}x`), { method: 'POST', body: '{}' }),
    app.request(url(KEY, 'company.team/no_such_flow'), { method: 'POST', body: '{}' }),
    app.request(url(KEY, 'company.team/dormant'), { method: 'POST', body: '{}' }),
  ]);
  const bodies = await Promise.all(answers.map((r) => r.text()));
  assert.deepEqual(
    answers.map((r) => r.status),
    [404, 404, 404, 404],
  );
  assert.equal(new Set(bodies).size, 1, 'the answer does not tell which part was wrong');
  assert.equal((await h.executionsOf('webhook_flow')).length, 0);
  assert.equal((await h.executionsOf('dormant')).length, 0);
});

test('an oversized body gets 413 before anything starts', async () => {
  const { h, app, url } = setup({ maxBodyBytes: 1024 });
  await h.deploy(hookedFlow());
  const big = JSON.stringify({ blob: 'x'.repeat(2000) });
  const announced = await app.request(url(), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: big,
  });
  assert.equal(announced.status, 413);
  assert.match(((await announced.json()) as { message: string }).message, /larger than 1024 bytes/);
  // Streamed without a length: cut off as soon as the limit is passed.
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      for (let i = 0; i < 4; i++) controller.enqueue(new TextEncoder().encode('y'.repeat(400)));
      controller.close();
    },
  });
  const streamed = await app.request(url(), { method: 'POST', body: stream, duplex: 'half' } as RequestInit);
  assert.equal(streamed.status, 413);
  const fits = await app.request(url(), { method: 'POST', body: 'y'.repeat(1000) });
  assert.equal(fits.status, 200);
  assert.equal((await h.executionsOf('webhook_flow')).length, 1);
});

test('conditions not met answer 204; refused inputs answer 422', async () => {
  const { h, app, url } = setup();
  await h.deploy(
    hookedFlow(
      {
        inputs: { count: '{{ trigger.body.count }}' },
        conditions: [
          {
            type: 'io.kestra.plugin.core.condition.Expression',
            expression: "{{ trigger.body.kind == 'order' }}",
          },
        ],
      },
      { inputs: [{ id: 'count', type: 'INT' }] },
    ),
  );
  const skipped = await app.request(url(), {
    method: 'POST',
    body: JSON.stringify({ kind: 'ping', count: 1 }),
  });
  assert.equal(skipped.status, 204);
  const refused = await app.request(url(), {
    method: 'POST',
    body: JSON.stringify({ kind: 'order', count: 'many' }),
  });
  assert.equal(refused.status, 422);
  assert.match(((await refused.json()) as { message: string }).message, /input 'count'/);
  const accepted = await app.request(url(), {
    method: 'POST',
    body: JSON.stringify({ kind: 'order', count: 3 }),
  });
  assert.equal(accepted.status, 200);
  const runs = await h.executionsOf('webhook_flow');
  assert.equal(runs.length, 1);
  assert.equal(runs[0]?.inputs['count'], 3);
});

test('wait and returnOutputs answer once the execution ended: its outputs, or 500 when it failed', async () => {
  const { h, app, url } = setup();
  await h.deploy(
    hookedFlow(
      { wait: true, returnOutputs: true },
      {
        tasks: [
          { id: 'answer', type: 'io.kestra.plugin.core.debug.Return', format: 'pong {{ trigger.body.n }}' },
        ],
        outputs: [{ id: 'reply', type: 'STRING', value: '{{ outputs.answer.value }}' }],
      },
    ),
  );
  const pending = app.request(url(), { method: 'POST', body: JSON.stringify({ n: 7 }) });
  await h.settle();
  const res = await pending;
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { reply: 'pong 7' });

  await h.deploy(
    yaml({
      id: 'webhook_flow',
      namespace: 'company.team',
      tasks: [{ id: 'boom', type: 'io.kestra.plugin.core.execution.Fail' }],
      triggers: [{ id: 'webhook', type: WEBHOOK, key: KEY, wait: true }],
    }),
  );
  const failing = app.request(url(), { method: 'POST', body: '{}' });
  await h.settle();
  const failed = await failing;
  assert.equal(failed.status, 500);
  assert.equal(((await failed.json()) as { state: { current: string } }).state.current, 'FAILED');
});

test('a call repeated with the same Idempotency-Key (or GitHub delivery id) starts one execution', async () => {
  const { h, app, url } = setup();
  await h.deploy(hookedFlow());
  const call = async (headers: Record<string, string>) => {
    const r = await app.request(url(), { method: 'POST', headers, body: '{"name":"Ada"}' });
    return { status: r.status, body: (await r.json()) as { id: string; message?: string } };
  };
  const first = await call({ 'idempotency-key': 'order-42' });
  const again = await call({ 'idempotency-key': 'order-42' });
  const other = await call({ 'idempotency-key': 'order-43' });
  const delivery = await call({ 'x-github-delivery': '72d3162e-cc78-11e3-81ab-4c9367dc0958' });
  const redelivery = await call({ 'x-github-delivery': '72d3162e-cc78-11e3-81ab-4c9367dc0958' });
  assert.deepEqual(
    [first, again, other, delivery, redelivery].map((r) => r.status),
    [200, 200, 200, 200, 200],
  );
  assert.equal(again.body.id, first.body.id);
  assert.notEqual(other.body.id, first.body.id);
  assert.equal(redelivery.body.id, delivery.body.id);
  assert.equal((await h.executionsOf('webhook_flow')).length, 3);

  const bad = await call({ 'idempotency-key': 'has spaces in it' });
  assert.equal(bad.status, 400);
  assert.match(bad.body.message ?? '', /Idempotency-Key header must be 1 to 255 visible ASCII characters/);
  assert.equal((await h.executionsOf('webhook_flow')).length, 3, 'a refused call starts nothing');
});
