import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ExternalServiceError, type TaskFailure } from '../../../../protocol/src/task-contract.ts';
import { downloadTask } from '../../../../runner/src/tasks/http/download/index.ts';
import { requestTask } from '../../../../runner/src/tasks/http/request/index.ts';
import { standIn, testContext } from '../helpers.ts';

describe('HTTP tasks against a local server', () => {
  let server: Awaited<ReturnType<typeof standIn>>;
  before(async () => {
    server = await standIn((req, res) => {
      if (req.url.startsWith('/missing')) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('no such thing');
      } else if (req.url === '/empty') {
        res.writeHead(200).end();
      } else if (req.url === '/file') {
        res
          .writeHead(200, {
            'content-type': 'text/csv',
            'content-disposition': 'attachment; filename="../orders.csv"',
          })
          .end('id\n1\n2\n');
      } else if (req.url === '/slow') {
        setTimeout(() => res.end('late'), 2000);
      } else {
        res.writeHead(200, { 'content-type': 'application/json', 'x-multi': 'a' });
        res.end(
          JSON.stringify({
            method: req.method,
            got: req.body.toString(),
            type: req.headers['content-type'] ?? null,
          }),
        );
      }
    });
  });
  after(() => server.close());

  test('Request outputs uri, code, headers and body', async () => {
    const t = await testContext({ uri: `${server.url}/echo?q=1` });
    const { state, outputs } = await requestTask.run(t.ctx);
    assert.equal(state, 'SUCCESS');
    assert.equal(outputs?.['uri'], `${server.url}/echo?q=1`);
    assert.equal(outputs?.['code'], 200);
    assert.deepEqual((outputs?.['headers'] as Record<string, string[]> | undefined)?.['x-multi'], ['a']);
    assert.deepEqual(JSON.parse(outputs?.['body'] as string), { method: 'GET', got: '', type: null });
    await t.cleanup();
  });

  test('Request sends a string body as written with the default JSON content type', async () => {
    const t = await testContext({
      uri: `${server.url}/echo`,
      method: 'POST',
      body: '{"title": "Kestra Pen"}',
    });
    await requestTask.run(t.ctx);
    const last = server.received.at(-1)!;
    assert.equal(last.body.toString(), '{"title": "Kestra Pen"}');
    assert.equal(last.headers['content-type'], 'application/json');
    await t.cleanup();
  });

  test('Request sends a map body as JSON and formData URL-encoded', async () => {
    const t = await testContext({
      uri: `${server.url}/echo`,
      method: 'POST',
      body: { a: 1 },
      headers: { 'user-agent': 'kestra-io' },
    });
    await requestTask.run(t.ctx);
    assert.equal(server.received.at(-1)!.body.toString(), '{"a":1}');
    assert.equal(server.received.at(-1)!.headers['user-agent'], 'kestra-io');
    t.ctx.properties = { uri: `${server.url}/echo`, method: 'POST', formData: { user: 'John Doe', n: 2 } };
    await requestTask.run(t.ctx);
    assert.equal(server.received.at(-1)!.body.toString(), 'user=John+Doe&n=2');
    assert.match(
      String(server.received.at(-1)!.headers['content-type']),
      /application\/x-www-form-urlencoded/,
    );
    await t.cleanup();
  });

  test('Request uploads kestra:// files as multipart', async () => {
    const t = await testContext({});
    const file = await t.storage.put(
      { namespace: 'company.team', flowId: 'demo', executionId: 'exec1' },
      'data.csv',
      'a,b\n',
    );
    t.ctx.properties = {
      uri: `${server.url}/echo`,
      method: 'POST',
      contentType: 'multipart/form-data',
      formData: { upload: file, user: 'x' },
    };
    await requestTask.run(t.ctx);
    const body = server.received.at(-1)!.body.toString();
    assert.match(String(server.received.at(-1)!.headers['content-type']), /^multipart\/form-data; boundary=/);
    assert.match(body, /name="upload"; filename=".*data\.csv"/);
    assert.match(body, /a,b\n/);
    assert.match(body, /name="user"\r\n\r\nx/);
    await t.cleanup();
  });

  test('Request adds basic auth from options', async () => {
    const t = await testContext({
      uri: `${server.url}/echo`,
      options: { basicAuthUser: 'u', basicAuthPassword: 'p' },
    });
    await requestTask.run(t.ctx);
    assert.equal(
      server.received.at(-1)!.headers['authorization'],
      `Basic ${Buffer.from('u:p').toString('base64')}`,
    );
    await t.cleanup();
  });

  test('Request fails on status >= 400 with a message naming the status, unless allowed', async () => {
    const t = await testContext({ uri: `${server.url}/missing?token=SECRET` });
    await assert.rejects(requestTask.run(t.ctx), (e: Error) => {
      assert.ok(e instanceof ExternalServiceError);
      assert.match(
        e.message,
        /GET http:\/\/127\.0\.0\.1:\d+\/missing failed with HTTP status 404 Not Found: no such thing/,
      );
      assert.doesNotMatch(e.message, /SECRET/);
      return true;
    });
    t.ctx.properties = { uri: `${server.url}/missing`, options: { allowFailed: true } };
    const allowed = await requestTask.run(t.ctx);
    assert.equal(allowed.outputs?.['code'], 404);
    assert.equal(allowed.outputs?.['body'], 'no such thing');
    t.ctx.properties = { uri: `${server.url}/missing`, allowFailed: 'true' };
    assert.equal((await requestTask.run(t.ctx)).outputs?.['code'], 404);
    await t.cleanup();
  });

  test('Request to a closed port fails retryably, naming the server', async () => {
    const closed = await standIn();
    await closed.close();
    const t = await testContext({ uri: `${closed.url}/nothing` });
    await assert.rejects(
      requestTask.run(t.ctx),
      (e: TaskFailure) => e.retryable && e.message.includes(`${closed.url}/nothing failed (ECONNREFUSED)`),
    );
    t.ctx.properties = { uri: 'not a url' };
    await assert.rejects(
      requestTask.run(t.ctx),
      (e: TaskFailure) => !e.retryable && /property 'uri' is not a valid URL/.test(e.message),
    );
    await t.cleanup();
  });

  test('Request stops when the job is aborted and honours readTimeout', async () => {
    const t = await testContext({ uri: `${server.url}/slow` });
    setTimeout(() => t.abort.abort(new Error('killed')), 50);
    const start = Date.now();
    await assert.rejects(requestTask.run(t.ctx));
    assert.ok(Date.now() - start < 1500);
    const t2 = await testContext({ uri: `${server.url}/slow`, options: { readTimeout: 'PT0.1S' } });
    await assert.rejects(requestTask.run(t2.ctx), /got no response within 100 ms/);
    await t.cleanup();
    await t2.cleanup();
  });

  test('Download stores the body and outputs uri, code, length and headers', async () => {
    const t = await testContext({ uri: `${server.url}/file` }, { taskId: 'download' });
    const { outputs } = await downloadTask.run(t.ctx);
    const uri = outputs?.['uri'] as string;
    assert.match(uri, /\/tasks\/download\/run1\/[0-9a-f]+-orders\.csv$/);
    assert.equal((await t.storage.get(uri)).toString(), 'id\n1\n2\n');
    assert.equal(outputs?.['code'], 200);
    assert.equal(outputs?.['length'], 7);
    assert.deepEqual((outputs?.['headers'] as Record<string, string[]> | undefined)?.['content-type'], [
      'text/csv',
    ]);
    await t.cleanup();
  });

  test('Download of an empty response fails unless failOnEmptyResponse is false', async () => {
    const t = await testContext({ uri: `${server.url}/empty` });
    await assert.rejects(downloadTask.run(t.ctx), /returned no content; set failOnEmptyResponse: false/);
    t.ctx.properties = { uri: `${server.url}/empty`, failOnEmptyResponse: false };
    const { outputs } = await downloadTask.run(t.ctx);
    assert.equal(outputs?.['length'], 0);
    assert.ok(t.logs.some((l) => l.level === 'WARN' && /is empty/.test(l.message)));
    await t.cleanup();
  });

  test('Download fails on 404', async () => {
    const t = await testContext({ uri: `${server.url}/missing` });
    await assert.rejects(downloadTask.run(t.ctx), /failed with HTTP status 404/);
    await t.cleanup();
  });
});
