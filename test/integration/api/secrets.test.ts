/**
 * `/api/v1/namespaces/{namespace}/secrets`: names and backends, never values; read-only backends
 * refuse writes with 409; a written value never comes back in any answer, log or error.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ExecutionDocument, LogEntry } from '../../../app/src/execution/contract.ts';
import { ENV_SECRET_VALUE, HELLO, openApi, READ_ONLY_NAMESPACE, SECRETIVE } from './api-harness.ts';
import { readEvents } from './sse.ts';

type Refusal = { error: string; message: string; field?: string };
const VALUE = 'pw-7f3a9c1e-very-secret';

describe('secrets API', () => {
  it('writes a secret (text or JSON body) and lists names with backend and readOnly, never values', async (t) => {
    const api = await openApi(t);
    const put = await api.request('/api/v1/namespaces/company.team/secrets/DB_PASSWORD', {
      method: 'PUT',
      headers: { 'Content-Type': 'text/plain' },
      body: VALUE,
    });
    const putText = await put.text();
    assert.equal(put.status, 200);
    assert.deepEqual(JSON.parse(putText), {
      namespace: 'company.team',
      key: 'DB_PASSWORD',
      backend: 'postgres',
      readOnly: false,
    });
    assert.equal(await api.secrets.get('company.team', 'DB_PASSWORD'), VALUE);
    const json = await api.json('/api/v1/namespaces/company.team/secrets/API_KEY', {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ value: 'key-123456789', description: 'the vendor API' }),
    });
    assert.equal(json.status, 200);
    assert.equal(await api.secrets.get('company.team', 'API_KEY'), 'key-123456789');

    const list = await api.request('/api/v1/namespaces/company.team/secrets');
    const text = await list.text();
    assert.equal(list.status, 200);
    assert.ok(!text.includes(VALUE) && !text.includes('key-123456789'), text);
    const body = JSON.parse(text) as {
      backend: string;
      readOnly: boolean;
      total: number;
      results: Array<Record<string, unknown>>;
    };
    assert.equal(body.backend, 'postgres');
    assert.equal(body.readOnly, false);
    assert.equal(body.total, 2);
    assert.deepEqual(
      body.results.map((s) => [s['key'], s['backend'], s['readOnly'], s['description']]),
      [
        ['API_KEY', 'postgres', false, 'the vendor API'],
        ['DB_PASSWORD', 'postgres', false, undefined],
      ],
    );
  });

  it('a read-only backend lists its secrets as readOnly and refuses writes and deletes with 409', async (t) => {
    const api = await openApi(t);
    const list = await api.json<{
      readOnly: boolean;
      backend: string;
      results: Array<Record<string, unknown>>;
    }>(`/api/v1/namespaces/${READ_ONLY_NAMESPACE}/secrets`);
    assert.equal(list.body.backend, 'env');
    assert.equal(list.body.readOnly, true);
    assert.deepEqual(list.body.results, [{ key: 'DB_PASSWORD', backend: 'env', readOnly: true }]);
    const write = await api.json<Refusal>(`/api/v1/namespaces/${READ_ONLY_NAMESPACE}/secrets/DB_PASSWORD`, {
      method: 'PUT',
      body: 'new-value-123',
    });
    assert.equal(write.status, 409);
    assert.equal(write.body.error, 'read_only');
    assert.match(write.body.message, /managed by the read-only env backend; change it at the source/);
    const del = await api.json<Refusal>(`/api/v1/namespaces/${READ_ONLY_NAMESPACE}/secrets/DB_PASSWORD`, {
      method: 'DELETE',
    });
    assert.equal(del.status, 409);
    assert.equal(await api.secrets.get(READ_ONLY_NAMESPACE, 'DB_PASSWORD'), ENV_SECRET_VALUE);
    assert.ok(!JSON.stringify([list, write, del]).includes(ENV_SECRET_VALUE));
  });

  it('deletes a secret; a missing one is a 404; bad names and bodies are 400 that never quote the value', async (t) => {
    const api = await openApi(t);
    await api.secrets.set('company.team', 'OLD', 'old-value-123');
    assert.deepEqual(await api.json('/api/v1/namespaces/company.team/secrets/OLD', { method: 'DELETE' }), {
      status: 200,
      body: true,
    });
    assert.equal(await api.secrets.get('company.team', 'OLD'), undefined);
    assert.equal(
      (await api.json('/api/v1/namespaces/company.team/secrets/OLD', { method: 'DELETE' })).status,
      404,
    );
    const cases: Array<[string, RequestInit, string, RegExp]> = [
      [
        '/api/v1/namespaces/company.team/secrets/a%2Fb',
        { method: 'PUT', body: VALUE },
        'name',
        /not a valid secret name/,
      ],
      [
        '/api/v1/namespaces/company.team/secrets/.hidden',
        { method: 'PUT', body: VALUE },
        'name',
        /not a valid secret name/,
      ],
      [
        '/api/v1/namespaces/Company/secrets/X',
        { method: 'PUT', body: VALUE },
        'namespace',
        /not a namespace/,
      ],
      ['/api/v1/namespaces/company.team/secrets/X', { method: 'PUT', body: '' }, 'body', /empty/],
      [
        '/api/v1/namespaces/company.team/secrets/X',
        { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: `{"value": "${VALUE}"` },
        'body',
        /not valid JSON/,
      ],
      [
        '/api/v1/namespaces/company.team/secrets/X',
        {
          method: 'PUT',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ value: VALUE, extra: VALUE }),
        },
        'body',
        /send \{"value"/,
      ],
      [
        '/api/v1/namespaces/company.team/secrets/X',
        {
          method: 'PUT',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ value: 42 }),
        },
        'body',
        /value: the secret, as a string/,
      ],
    ];
    for (const [path, init, field, message] of cases) {
      const res = await api.request(path, init);
      const text = await res.text();
      assert.equal(res.status, 400, `${path}: ${text}`);
      const body = JSON.parse(text) as Refusal;
      assert.equal(body.field, field, path);
      assert.match(body.message, message, path);
      assert.ok(!text.includes(VALUE), `${path} quoted the value: ${text}`);
    }
    assert.deepEqual(await api.secrets.list('company.team'), []);
  });

  it('a secret written through the API never appears in executions, logs, streams or errors', async (t) => {
    const api = await openApi(t);
    await api.deploy({ secretive: SECRETIVE, hello: HELLO });
    await api.request('/api/v1/namespaces/company.team/secrets/DB_PASSWORD', { method: 'PUT', body: VALUE });
    const run = await api.request('/api/v1/executions/company.team/secretive?wait=true', { method: 'POST' });
    const runText = await run.text();
    const done = JSON.parse(runText) as ExecutionDocument;
    assert.equal(done.state.current, 'SUCCESS');
    const logs = await api.request(`/api/v1/logs/${done.id}`);
    const logText = await logs.text();
    assert.deepEqual(
      (JSON.parse(logText) as LogEntry[]).map((l) => l.message),
      ['the password is ******'],
    );
    const stream = JSON.stringify(await readEvents(await api.request(`/api/v1/logs/${done.id}/follow`)));
    // A value that reaches an answer by another road (an input echoed in an error, a KV value) is masked too.
    const refused = await api.request('/api/v1/executions/company.team/hello', {
      method: 'POST',
      body: new URLSearchParams({ count: VALUE }),
    });
    const refusedText = await refused.text();
    assert.equal(refused.status, 422);
    assert.match(refusedText, /\*\*\*\*\*\*/);
    await api.kv.set('company.team', 'copied', `prefix ${VALUE} suffix`);
    const kvText = await (await api.request('/api/v1/namespaces/company.team/kv/copied')).text();
    assert.match(kvText, /prefix \*\*\*\*\*\* suffix/);
    for (const [what, text] of Object.entries({ runText, logText, stream, refusedText, kvText })) {
      assert.ok(!text.includes(VALUE), `${what} holds the secret: ${text}`);
    }
  });
});
