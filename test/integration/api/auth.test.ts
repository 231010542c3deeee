/** Every API route needs a valid API token: without one the answer is 401 and nothing changes. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ExecutionDocument } from '../../../app/src/execution/contract.ts';
import { HELLO, LONG, openApi } from './api-harness.ts';

describe('API authentication', () => {
  it('answers 401 to every route without a token, with a wrong, revoked or registration token; nothing changes', async (t) => {
    const api = await openApi(t);
    await api.deploy({ hello: HELLO, long: LONG });
    await api.kv.set('company.team', 'keep', 'original');
    await api.secrets.set('company.team', 'KEEP', 'kept-secret-1');
    const running = (
      await api.json<ExecutionDocument>('/api/v1/executions/company.team/long', { method: 'POST' })
    ).body;
    await api.until(running.id, 'RUNNING');
    const revoked = await api.tokens.createApiToken('revoked');
    await api.tokens.revokeToken(revoked.info.id);
    const registration = await api.tokens.createRegistrationToken('runners');
    const json = { 'Content-Type': 'application/json' };
    const routes: Array<[string, string, RequestInit?]> = [
      ['POST', '/api/v1/executions/company.team/hello', { headers: json, body: '{"name":"x"}' }],
      ['GET', `/api/v1/executions/${running.id}`],
      ['GET', '/api/v1/executions/search'],
      ['DELETE', `/api/v1/executions/${running.id}/kill`],
      ['POST', `/api/v1/executions/${running.id}/pause`],
      ['POST', `/api/v1/executions/${running.id}/resume`],
      ['POST', `/api/v1/executions/${running.id}/restart`],
      ['POST', `/api/v1/executions/${running.id}/replay`],
      ['GET', `/api/v1/logs/${running.id}`],
      ['GET', `/api/v1/logs/${running.id}/follow`],
      ['GET', '/api/v1/namespaces/company.team/kv'],
      ['GET', '/api/v1/namespaces/company.team/kv/keep'],
      ['PUT', '/api/v1/namespaces/company.team/kv/keep', { headers: json, body: '"changed"' }],
      ['DELETE', '/api/v1/namespaces/company.team/kv/keep'],
      ['GET', '/api/v1/namespaces/company.team/secrets'],
      ['PUT', '/api/v1/namespaces/company.team/secrets/KEEP', { body: 'changed-secret' }],
      ['DELETE', '/api/v1/namespaces/company.team/secrets/KEEP'],
      ['GET', '/api/v1/flows/company.team'],
      ['GET', '/api/v1/flows/company.team/hello'],
      ['GET', '/api/v1/flows/company.team/hello/revisions'],
      ['POST', '/api/v1/flows/validate', { body: HELLO }],
      ['GET', '/api/v1/no-such-route'],
    ];
    const wrong = [
      null,
      'osp_api_0123456789abcdef_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      `${api.token.slice(0, -2)}xx`,
      revoked.token,
      registration.token,
      'not-a-token',
    ];
    for (const [method, path, init] of routes) {
      for (const token of wrong) {
        const res = await api.request(path, { method, ...init, token });
        const body = (await res.json()) as { error: string; message: string };
        assert.equal(res.status, 401, `${method} ${path} with ${token}`);
        assert.equal(body.error, 'unauthorized');
        assert.equal(res.headers.get('www-authenticate'), 'Bearer realm="osprey"');
        assert.match(
          body.message,
          token === null ? /missing API token/ : /invalid, revoked or expired API token/,
        );
      }
    }
    assert.equal((await api.executions.get(running.id))?.state.current, 'RUNNING');
    assert.equal((await api.kv.entry('company.team', 'keep'))?.value, 'original');
    assert.equal(await api.secrets.get('company.team', 'KEEP'), 'kept-secret-1');
    assert.equal(
      (await api.json<{ total: number }>('/api/v1/executions/search')).body.total,
      1,
      'only the test started one',
    );
    await api.request(`/api/v1/executions/${running.id}/kill`, { method: 'DELETE' });
  });

  it('lets /health through without a token, and accepts a token created with the token service', async (t) => {
    const api = await openApi(t);
    assert.deepEqual(await api.json('/api/v1/health', { token: null }), {
      status: 200,
      body: { status: 'UP' },
    });
    const created = await api.tokens.createApiToken('ci');
    const res = await api.json('/api/v1/namespaces/company.team/kv', { token: created.token });
    assert.deepEqual(res, { status: 200, body: [] });
  });
});
