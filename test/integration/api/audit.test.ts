/**
 * The audit log through the API: changes and refused requests are recorded with who, what, when and
 * from where; reads by valid callers are not; `GET /api/v1/audit-logs` filters and pages them.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openApi } from './api-harness.ts';

interface Entry {
  id: number;
  at: string;
  actorKind: string;
  actorName?: string;
  action: string;
  resourceType: string;
  resourceId?: string;
  namespace?: string;
  method?: string;
  status?: number;
  ip?: string;
  userAgent?: string;
}
type Page = { results: Entry[]; total: number };

describe('audit log API', () => {
  it('records a change with the token, the resource, the address and the user agent', async (t) => {
    const api = await openApi(t);
    const before = Date.now();
    const put = await api.request('/api/v1/namespaces/company.team/kv/region', {
      method: 'PUT',
      body: '"eu"',
      headers: {
        'Content-Type': 'application/json',
        'User-Agent': 'audit-test/1.0',
        'X-Forwarded-For': '203.0.113.9, 10.0.0.1',
      },
    });
    assert.ok(put.status < 300, String(put.status));
    await api.request('/api/v1/namespaces/company.team/kv/region'); // a read: not recorded
    const { status, body } = await api.json<Page>('/api/v1/audit-logs');
    assert.equal(status, 200);
    assert.equal(body.total, 1);
    const [entry] = body.results;
    assert.deepEqual(
      { ...entry, id: undefined, at: undefined },
      {
        id: undefined,
        at: undefined,
        actorKind: 'api',
        actorId: (entry as unknown as { actorId: string }).actorId,
        actorName: 'test',
        action: 'UPDATE',
        resourceType: 'KV',
        resourceId: 'region',
        namespace: 'company.team',
        method: 'PUT',
        path: '/api/v1/namespaces/company.team/kv/region',
        status: put.status,
        ip: '203.0.113.9',
        userAgent: 'audit-test/1.0',
      },
    );
    assert.ok(Date.parse(entry?.at ?? '') >= before - 1000);
  });

  it('records refused requests, without a token or with a bad one, as REFUSED by anonymous', async (t) => {
    const api = await openApi(t);
    assert.equal((await api.request('/api/v1/executions/search', { token: null })).status, 401);
    assert.equal(
      (await api.request('/api/v1/namespaces/company.team/kv/x', { method: 'DELETE', token: 'osp_wrong' }))
        .status,
      401,
    );
    const { body } = await api.json<Page>('/api/v1/audit-logs?action=refused');
    assert.equal(body.total, 2);
    assert.ok(body.results.every((e) => e.actorKind === 'anonymous' && e.status === 401));
    assert.deepEqual(
      body.results.map((e) => e.method),
      ['DELETE', 'GET'],
      'newest first',
    );
  });

  it('filters by action, resource type, actor, namespace and time, and pages', async (t) => {
    const api = await openApi(t);
    await api.deploy({
      hello:
        'id: hello\nnamespace: company.team\ntasks:\n  - id: a\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n',
    });
    const started = await api.json<{ id: string }>('/api/v1/executions/company.team/hello', {
      method: 'POST',
    });
    assert.equal(started.status, 200);
    await api.waitFor(started.body.id);
    for (const key of ['a', 'b', 'c']) {
      await api.request(`/api/v1/namespaces/other.team/kv/${key}`, {
        method: 'PUT',
        body: '1',
        headers: { 'Content-Type': 'application/json' },
      });
    }
    const created = await api.json<Page>('/api/v1/audit-logs?action=CREATE&resourceType=EXECUTION');
    assert.equal(created.body.total, 1);
    assert.equal(created.body.results[0]?.namespace, 'company.team');
    assert.equal(
      (await api.json<Page>('/api/v1/audit-logs?namespace=other')).body.total,
      3,
      'those under it',
    );
    assert.equal(
      (await api.json<Page>('/api/v1/audit-logs?namespace=othe')).body.total,
      0,
      'not a text prefix',
    );
    assert.equal((await api.json<Page>('/api/v1/audit-logs?namespace=other.team')).body.total, 3);
    assert.equal((await api.json<Page>('/api/v1/audit-logs?actor=test')).body.total, 4);
    assert.equal((await api.json<Page>('/api/v1/audit-logs?actor=nobody')).body.total, 0);
    const page2 = await api.json<Page>('/api/v1/audit-logs?size=3&page=2');
    assert.equal(page2.body.results.length, 1);
    assert.equal(page2.body.total, 4);
    const future = new Date(Date.now() + 60_000).toISOString();
    assert.equal((await api.json<Page>(`/api/v1/audit-logs?startDate=${future}`)).body.total, 0);
    const bad = await api.json<{ message: string }>('/api/v1/audit-logs?startDate=yesterday');
    assert.equal(bad.status, 400);
    assert.match(bad.body.message, /startDate: an ISO-8601 date-time/);
  });
});
