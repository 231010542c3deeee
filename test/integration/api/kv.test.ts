/** `/api/v1/namespaces/{namespace}/kv`: Kestra's typed values, TTLs, exact-namespace reads, refusals. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openApi } from './api-harness.ts';

type Refusal = { error: string; message: string; field?: string };
const put = (body: string, type = 'application/json', headers: Record<string, string> = {}) => ({
  method: 'PUT',
  headers: { 'Content-Type': type, ...headers },
  body,
});

describe('KV API', () => {
  it('writes typed values from JSON bodies and reads back { type, value } like Kestra', async (t) => {
    const api = await openApi(t);
    const cases: Array<[string, string, string, unknown, string?]> = [
      ['greeting', '"Hello, World"', 'STRING', 'Hello, World'],
      ['count', '42', 'NUMBER', 42],
      ['flag', 'true', 'BOOLEAN', true],
      ['doc', '{"a": [1, 2]}', 'JSON', { a: [1, 2] }],
      ['list', '[1, "two"]', 'JSON', [1, 'two']],
      ['raw', 'plain text, not JSON', 'STRING', 'plain text, not JSON', 'text/plain'],
    ];
    for (const [key, body, type, value, contentType] of cases) {
      const r = await api.json<{ key: string; type: string; value: unknown }>(
        `/api/v1/namespaces/company.team/kv/${key}`,
        put(body, contentType),
      );
      assert.equal(r.status, 200, `${key}: ${JSON.stringify(r.body)}`);
      assert.equal(r.body.type, type, key);
      const read = await api.json(`/api/v1/namespaces/company.team/kv/${key}`);
      assert.deepEqual(read, { status: 200, body: { type, value } }, key);
    }
    const typed = await api.json(
      '/api/v1/namespaces/company.team/kv/day?type=DATE&description=when%20it%20ran',
      put('2025-01-31', 'text/plain'),
    );
    assert.equal(typed.status, 200);
    assert.deepEqual((await api.json('/api/v1/namespaces/company.team/kv/day')).body, {
      type: 'DATE',
      value: '2025-01-31',
    });
    const every = await api.json('/api/v1/namespaces/company.team/kv/every?type=duration', put('"pt15m"'));
    assert.equal(every.status, 200);
    assert.deepEqual((await api.json('/api/v1/namespaces/company.team/kv/every')).body, {
      type: 'DURATION',
      value: 'PT15M',
    });
    // The service sees the same values flows read with kv().
    assert.deepEqual((await api.kv.entry('company.team', 'count'))?.value, 42);

    const list = await api.json<Array<Record<string, unknown>>>('/api/v1/namespaces/company.team/kv');
    assert.equal(list.status, 200);
    assert.deepEqual(
      list.body.map((e) => [e['key'], e['type']]),
      [
        ['count', 'NUMBER'],
        ['day', 'DATE'],
        ['doc', 'JSON'],
        ['every', 'DURATION'],
        ['flag', 'BOOLEAN'],
        ['greeting', 'STRING'],
        ['list', 'JSON'],
        ['raw', 'STRING'],
      ],
    );
    const day = list.body.find((e) => e['key'] === 'day')!;
    assert.equal(day['description'], 'when it ran');
    assert.match(String(day['creationDate']), /^\d{4}-\d{2}-\d{2}T/);
    assert.equal('value' in day, false, 'listings carry no values');
  });

  it('ttl (header or query, ISO-8601) sets an expiration date', async (t) => {
    const api = await openApi(t);
    const before = Date.now();
    const r = await api.json<{ expirationDate: string }>(
      '/api/v1/namespaces/company.team/kv/session',
      put('"abc"', 'application/json', { ttl: 'PT1H' }),
    );
    assert.equal(r.status, 200);
    const expires = Date.parse(r.body.expirationDate);
    assert.ok(
      expires >= before + 3_600_000 - 1000 && expires <= Date.now() + 3_600_000 + 1000,
      r.body.expirationDate,
    );
    const q = await api.json<{ expirationDate: string }>(
      '/api/v1/namespaces/company.team/kv/week?ttl=P7D',
      put('1'),
    );
    assert.ok(Date.parse(q.body.expirationDate) > Date.now() + 6 * 86_400_000);
  });

  it('reads exactly the namespace named: no inheritance from parents', async (t) => {
    const api = await openApi(t);
    await api.kv.set('company', 'shared', 'from parent');
    const child = await api.json<Refusal>('/api/v1/namespaces/company.team/kv/shared');
    assert.equal(child.status, 404);
    assert.match(
      child.body.message,
      /no KV entry 'shared' in namespace company\.team \(this API does not look in parent namespaces\)/,
    );
    assert.equal((await api.json('/api/v1/namespaces/company/kv/shared')).status, 200);
  });

  it('deletes a key (true), and a missing key is a 404', async (t) => {
    const api = await openApi(t);
    await api.kv.set('company.team', 'gone', 1);
    assert.deepEqual(await api.json('/api/v1/namespaces/company.team/kv/gone', { method: 'DELETE' }), {
      status: 200,
      body: true,
    });
    assert.equal(await api.kv.entry('company.team', 'gone'), undefined);
    const again = await api.json<Refusal>('/api/v1/namespaces/company.team/kv/gone', { method: 'DELETE' });
    assert.equal(again.status, 404);
  });

  it('refuses bad keys, namespaces, types, TTLs and bodies with 400 naming the field, and writes nothing', async (t) => {
    const api = await openApi(t);
    await api.kv.set('company.team', 'keep', 'original');
    const cases: Array<[string, RequestInit, number, string, RegExp]> = [
      ['/api/v1/namespaces/company.team/kv/-bad', put('1'), 400, 'key', /is not a valid KV key/],
      ['/api/v1/namespaces/Company/kv/keep', put('1'), 400, 'namespace', /is not a namespace/],
      ['/api/v1/namespaces/company.team/kv/keep?type=TEXT', put('1'), 400, 'type', /a KV type is one of/],
      ['/api/v1/namespaces/company.team/kv/keep?ttl=1h', put('1'), 400, 'ttl', /ISO-8601 duration/],
      [
        '/api/v1/namespaces/company.team/kv/keep',
        put('1', 'application/json', { ttl: 'PT0S' }),
        400,
        'ttl',
        /positive/,
      ],
      [
        '/api/v1/namespaces/company.team/kv/keep?ttl=PT1H',
        put('1', 'application/json', { ttl: 'PT2H' }),
        400,
        'ttl',
        /given twice/,
      ],
      ['/api/v1/namespaces/company.team/kv/keep', put(''), 400, 'body', /empty/],
      ['/api/v1/namespaces/company.team/kv/keep', put('{"a":'), 400, 'body', /not valid JSON/],
      [
        '/api/v1/namespaces/company.team/kv/keep?type=NUMBER',
        put('abc', 'text/plain'),
        400,
        'body',
        /not a valid NUMBER value/,
      ],
      [
        '/api/v1/namespaces/company.team/kv/keep?type=DATE',
        put('2025-02-30', 'text/plain'),
        400,
        'body',
        /not a valid DATE/,
      ],
      ['/api/v1/namespaces/company.team/kv/-bad', {}, 400, 'key', /is not a valid KV key/],
      ['/api/v1/namespaces/company.team/kv/-bad', { method: 'DELETE' }, 400, 'key', /is not a valid KV key/],
    ];
    for (const [path, init, status, field, message] of cases) {
      const r = await api.json<Refusal>(path, init);
      assert.equal(r.status, status, `${path}: ${JSON.stringify(r.body)}`);
      assert.equal(r.body.field, field, path);
      assert.match(r.body.message, message, path);
    }
    const big = await api.json<Refusal>(
      '/api/v1/namespaces/company.team/kv/keep',
      put(`"${'x'.repeat(1024 * 1024 + 10)}"`),
    );
    assert.equal(big.status, 413);
    assert.deepEqual(
      (await api.kv.list('company.team')).map((e) => [e.key, e.value]),
      [['keep', 'original']],
    );
    assert.equal((await api.json('/api/v1/namespaces/company.team/kv/missing')).status, 404);
  });
});
