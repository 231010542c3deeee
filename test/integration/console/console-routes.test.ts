/**
 * `/ui`: the built app with history-API fallback, and the console's sign-in: an API token in a
 * signed HttpOnly SameSite=Lax cookie that the API accepts, with the CSRF header required on
 * requests that change something.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { consoleRoutes } from '../../../app/src/console/console-routes.ts';
import { consoleSession } from '../../../app/src/console/console-session.ts';
import { HELLO, openApi } from '../api/api-harness.ts';

function builtApp(): string {
  const dist = mkdtempSync(join(tmpdir(), 'osprey-ui-dist-'));
  mkdirSync(join(dist, 'assets'));
  writeFileSync(join(dist, 'index.html'), '<!doctype html><title>Osprey</title><div id="app"></div>');
  writeFileSync(join(dist, 'assets/index-abc.js'), 'console.log(1)');
  return dist;
}

async function open(t: Parameters<typeof openApi>[0], distDir = builtApp()) {
  const session = consoleSession('a-session-secret-for-tests-0123456789');
  const api = await openApi(t, { session });
  api.app.route('/ui', consoleRoutes({ tokens: api.tokens, session, distDir }));
  const ask = (path: string, init: RequestInit = {}) =>
    api.request(`http://osprey.test${path}`, { ...init, token: null });
  const signIn = async (token: string) => {
    const res = await ask('/ui/session', {
      method: 'POST',
      headers: { 'X-Osprey-Console': '1', 'Content-Type': 'application/json' },
      body: JSON.stringify({ token }),
    });
    return { res, cookie: (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '' };
  };
  return { api, ask, signIn };
}

describe('/ui', () => {
  it('serves index.html for every page path (deep links) once signed in, assets with a long cache, 404 for a missing asset', async (t) => {
    const { api, ask, signIn } = await open(t);
    for (const path of ['/ui/', '/ui/executions/company.team/hello/4wjtkzwVGBM9yKnjJ8bwWV', '/ui/flows']) {
      const res = await ask(path);
      assert.equal(res.status, 302, `${path}: nothing but the sign-in page unsigned`);
      assert.match(res.headers.get('location') ?? '', /^\/ui\/sign-in\?next=/);
      assert.equal(res.headers.get('set-cookie'), null, 'no sign-in without asking (osprey server)');
    }
    assert.match(await (await ask('/ui/sign-in')).text(), /<div id="app">/);
    const { cookie } = await signIn(api.token);
    for (const path of ['/ui/', '/ui/executions/company.team/hello/4wjtkzwVGBM9yKnjJ8bwWV', '/ui/flows']) {
      const res = await ask(path, { headers: { Cookie: cookie } });
      assert.equal(res.status, 200, path);
      assert.match(await res.text(), /<div id="app">/);
    }
    const asset = await ask('/ui/assets/index-abc.js');
    assert.equal(await asset.text(), 'console.log(1)');
    assert.match(asset.headers.get('cache-control') ?? '', /immutable/);
    assert.equal((await ask('/ui/assets/nope.js')).status, 404);
  });

  it('says how to build the app when ui/dist is missing', async (t) => {
    const { ask } = await open(t, join(tmpdir(), 'osprey-no-such-dist'));
    const res = await ask('/ui/executions');
    assert.equal(res.status, 503);
    assert.match(await res.text(), /npm run build/);
  });

  it('signs in with an API token into a signed HttpOnly SameSite=Lax cookie the API accepts', async (t) => {
    const { api, ask, signIn } = await open(t);
    await api.deploy({ hello: HELLO });
    assert.equal((await ask('/api/v1/executions/search')).status, 401, 'no cookie, no token');

    const bad = await signIn('osp_api_not-a-real-token');
    assert.equal(bad.res.status, 401);
    assert.equal(((await bad.res.json()) as { field: string }).field, 'token');
    assert.equal(bad.cookie, '');

    const noHeader = await ask('/ui/session', { method: 'POST', body: JSON.stringify({ token: api.token }) });
    assert.equal(noHeader.status, 403, 'sign-in needs the console header too');

    const good = await signIn(api.token);
    assert.equal(good.res.status, 200);
    const set = good.res.headers.get('set-cookie') ?? '';
    assert.match(set, /HttpOnly/);
    assert.match(set, /SameSite=Lax/);
    assert.match(set, /Path=\//);
    const cookie = { Cookie: good.cookie };
    assert.deepEqual(await (await ask('/ui/session', { headers: cookie })).json(), {
      signedIn: true,
      name: 'test',
      local: false,
      github: false,
      kind: 'token',
      admin: true,
    });
    assert.equal((await ask('/api/v1/executions/search', { headers: cookie })).status, 200);

    // CSRF: a change riding on the cookie needs the header, and the server's own origin.
    const startPath = '/api/v1/executions/company.team/hello';
    const refused = await ask(startPath, { method: 'POST', headers: cookie });
    assert.equal(refused.status, 403);
    assert.match(((await refused.json()) as { message: string }).message, /X-Osprey-Console/);
    const foreign = await ask(startPath, {
      method: 'POST',
      headers: { ...cookie, 'X-Osprey-Console': '1', Origin: 'https://evil.example' },
    });
    assert.equal(foreign.status, 403);
    const ok = await ask(startPath, {
      method: 'POST',
      headers: { ...cookie, 'X-Osprey-Console': '1', Origin: 'http://osprey.test' },
    });
    assert.equal(ok.status, 200);

    const [name, value] = good.cookie.split('=') as [string, string];
    const tampered = `${name}=${value.replace(/^osp_/, 'osx_')}`;
    assert.equal((await ask('/api/v1/executions/search', { headers: { Cookie: tampered } })).status, 401);

    const out = await ask('/ui/session', {
      method: 'DELETE',
      headers: { ...cookie, 'X-Osprey-Console': '1' },
    });
    assert.match(out.headers.get('set-cookie') ?? '', /Max-Age=0/);
  });

  it('a revoked token signs the console out', async (t) => {
    const { api, ask, signIn } = await open(t);
    const made = await api.tokens.createApiToken('laptop');
    const { cookie } = await signIn(made.token);
    assert.equal((await ask('/api/v1/executions/search', { headers: { Cookie: cookie } })).status, 200);
    await api.tokens.revokeToken(made.info.id);
    assert.equal((await ask('/api/v1/executions/search', { headers: { Cookie: cookie } })).status, 401);
  });
});
