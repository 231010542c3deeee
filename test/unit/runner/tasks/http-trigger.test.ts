/**
 * The HTTP Trigger's poll against a local server: the request is the Request task's (properties
 * rendered with the flow's context and its secrets, params in the query string, failed statuses
 * allowed), `responseCondition` sees `response.statusCode` / `.body` / `.headers` (default: status
 * below 400), a true condition gives `trigger.uri`, `.code`, `.headers`, `.body`, and secrets never
 * reach what a poll reports.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { renderProperties, servicesFor } from '../../../../app/src/execution/render.ts';
import { LocalFolderStorage } from '../../../../app/src/server/local-folder-storage.ts';
import type { PolledTrigger } from '../../../../protocol/src/trigger-poller.ts';
import {
  type HttpTriggerDeps,
  httpTriggerPoller,
  httpTriggerPollers,
} from '../../../../runner/src/tasks/http/trigger/index.ts';
import { MemoryKv, standIn, tempDir } from '../helpers.ts';

const API_KEY = 'sk-live-4f9a8b7c6d5e';

describe('HTTP Trigger poll', () => {
  let server: Awaited<ReturnType<typeof standIn>>;
  let deps: HttpTriggerDeps;
  let dir: string;
  const logs: string[] = [];
  let status = { ready: false };
  before(async () => {
    server = await standIn((req, res) => {
      if (req.url.startsWith('/status')) {
        res.writeHead(200, { 'content-type': 'application/json', 'x-build': '42' });
        res.end(JSON.stringify(status));
      } else if (req.url.startsWith('/missing')) {
        res.writeHead(404).end('gone');
      } else if (req.url.startsWith('/broken')) {
        res.writeHead(503).end('down');
      } else {
        res
          .writeHead(200)
          .end(JSON.stringify({ method: req.method, url: req.url, body: req.body.toString() }));
      }
    });
    dir = await tempDir();
    const storage = new LocalFolderStorage(dir);
    const kv = new MemoryKv();
    await kv.set('company.team', 'region', 'eu');
    const secrets = {
      get: async (namespace: string, name: string) =>
        namespace !== 'company'
          ? undefined
          : name === 'API_KEY'
            ? API_KEY
            : name === 'PHRASE'
              ? 'open sesame&co'
              : undefined,
    };
    deps = {
      render: (properties, namespace, options) =>
        renderProperties(
          properties,
          { flow: { namespace }, ...options?.variables },
          servicesFor(
            { kv, secrets, storage, logs: async () => [], now: () => Date.now() },
            { id: '', namespace },
            (v) => options?.onSecret?.(v),
          ),
        ),
      storage,
      log: (level, message) => logs.push(`${level} ${message}`),
    };
  });
  after(async () => {
    await server.close();
    const { rm } = await import('node:fs/promises');
    await rm(dir, { recursive: true, force: true });
  });

  const trigger = (definition: Record<string, unknown>): PolledTrigger => ({
    namespace: 'company.team',
    flowId: 'watch',
    triggerId: 'http',
    type: 'io.kestra.plugin.core.http.Trigger',
    definition: { id: 'http', type: 'io.kestra.plugin.core.http.Trigger', ...definition },
  });
  const poll = (definition: Record<string, unknown>) =>
    httpTriggerPoller(deps).poll(trigger(definition), AbortSignal.timeout(10_000));

  test('by default a status below 400 fires, with trigger.uri, code, headers and body', async () => {
    status = { ready: false };
    const fired = await poll({ uri: `${server.url}/status` });
    assert.ok(fired);
    assert.equal(fired['uri'], `${server.url}/status`);
    assert.equal(fired['code'], 200);
    assert.deepEqual((fired['headers'] as Record<string, string[]>)['x-build'], ['42']);
    assert.equal(fired['body'], '{"ready":false}');
    assert.deepEqual(Object.keys(fired).sort(), ['body', 'code', 'headers', 'uri']);
    // A failed status is not an error: the condition decides, and the default one is false.
    assert.equal(await poll({ uri: `${server.url}/broken` }), undefined);
  });

  test('responseCondition reads response.body, response.statusCode and response.headers', async () => {
    status = { ready: false };
    const onBody = { uri: `${server.url}/status`, responseCondition: '{{ json(response.body).ready }}' };
    assert.equal(await poll(onBody), undefined);
    status = { ready: true };
    assert.equal((await poll(onBody))?.['body'], '{"ready":true}');
    assert.ok(
      await poll({
        uri: `${server.url}/status`,
        responseCondition: "{{ response.statusCode == 200 and response.headers['x-build'][0] == '42' }}",
      }),
    );
    // options.allowFailed: false does not make a 404 an error either.
    const gone = await poll({
      uri: `${server.url}/missing`,
      options: { allowFailed: false },
      responseCondition: '{{ response.statusCode == 404 }}',
    });
    assert.equal(gone?.['code'], 404);
    assert.equal(gone?.['body'], 'gone');
    for (const falsy of ['0', '-0', 'false', '', '{{ null }}'])
      assert.equal(await poll({ uri: `${server.url}/status`, responseCondition: falsy }), undefined, falsy);
  });

  test('the request properties are rendered with the flow, KV and secrets; params join the query', async () => {
    const fired = await poll({
      uri: `${server.url}/echo/{{ flow.id }}`,
      method: 'POST',
      body: '{"region": "{{ kv(\'region\') }}"}',
      params: { key: "{{ secret('API_KEY') }}", tag: ['a', 'b'] },
      headers: { 'x-flow': '{{ flow.namespace }}' },
    });
    assert.ok(fired);
    const seen = server.received.at(-1)!;
    assert.equal(seen.method, 'POST');
    assert.equal(seen.url, `/echo/watch?key=${API_KEY}&tag=a&tag=b`);
    assert.equal(seen.body.toString(), '{"region": "eu"}');
    assert.equal(seen.headers['x-flow'], 'company.team');
    assert.equal(seen.headers['content-type'], 'application/json');
    // The secret in the query string is masked in trigger.uri; the server's answer is kept as it is.
    assert.equal(fired['uri'], `${server.url}/echo/watch?key=******&tag=a&tag=b`);
    assert.match(String(fired['body']), new RegExp(API_KEY));
  });

  test('a secret the uri holds encoded is masked in trigger.uri too', async () => {
    const fired = await poll({
      uri: `${server.url}/echo/{{ secret('PHRASE') }}`,
      params: { q: "{{ secret('PHRASE') }}" },
    });
    assert.ok(fired);
    assert.equal(fired['uri'], `${server.url}/echo/******?q=******`);
  });

  test('a failed poll rejects with a message naming the server, never a secret', async () => {
    const closed = await standIn();
    const url = closed.url;
    await closed.close();
    await assert.rejects(poll({ uri: `${url}/{{ secret('API_KEY') }}/status` }), (e: Error) => {
      assert.match(e.message, /^GET http:\/\/127\.0\.0\.1:\d+\/\*{6}\/status failed \(ECONNREFUSED\)/);
      assert.doesNotMatch(e.message, new RegExp(API_KEY));
      return true;
    });
    await assert.rejects(poll({ uri: 'ftp://example.com/x' }), /property 'uri' must be an http\(s\) URL/);
    await assert.rejects(
      poll({ uri: `${server.url}/status`, responseCondition: '{{ response.nope( }}' }),
      /cannot render 'responseCondition'/,
    );
    await assert.rejects(poll({ uri: "{{ secret('MISSING') }}" }), /secret 'MISSING' is not defined/);
    assert.ok(logs.every((l) => !l.includes(API_KEY)));
  });

  test('a poll that outlives its signal says so', async () => {
    const slow = await standIn((_req, res) => setTimeout(() => res.end('late'), 1000));
    try {
      await assert.rejects(
        httpTriggerPoller(deps).poll(trigger({ uri: `${slow.url}/slow?key=x` }), AbortSignal.timeout(100)),
        { message: `GET ${slow.url}/slow got no response before the poll timed out` },
      );
    } finally {
      await slow.close();
    }
  });

  test('the canonical type and its fs alias are both polled', () => {
    assert.deepEqual(
      [...httpTriggerPollers(deps).keys()],
      ['io.kestra.plugin.core.http.Trigger', 'io.kestra.plugin.fs.http.Trigger'],
    );
  });
});
