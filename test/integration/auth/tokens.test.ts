/** Tokens and runner credentials on both drivers: hashed at rest, verified, revoked; 401s change nothing. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { Hono } from 'hono';
import { registerRunnerRoute } from '../../../app/src/auth/register-runner-route.ts';
import { type AuthVariables, requireToken } from '../../../app/src/auth/require-token.ts';
import { AuthError, TokenService } from '../../../app/src/auth/token-service.ts';
import { KvService } from '../../../app/src/kv/kv-service.ts';
import { describeBackends, type TestDatabase } from '../helpers/backends.ts';

const ADMIN = 'admin-token-from-env-0123456789abcdef';
const REGISTRATION = 'registration-token-from-env-0123456789';

/** Every column of every row of the credential tables, as text. */
async function storedText(opened: TestDatabase): Promise<string> {
  const rows = await opened.admin<{ t: string }>(
    `SELECT row_to_json(t)::text AS t FROM "${opened.schema}".api_tokens t
     UNION ALL SELECT row_to_json(r)::text FROM "${opened.schema}".runners r`,
  );
  return rows.map((r) => r.t).join('\n');
}

describeBackends('tokens', (backend) => {
  it('creates API tokens that verify, are stored hashed, and stop working when revoked', async (t) => {
    const opened = await backend.open();
    t.after(opened.cleanup);
    const tokens = new TokenService(opened.db, { adminToken: ADMIN });
    const { token, info } = await tokens.createApiToken('ci pipeline');
    assert.match(token, /^osp_api_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    assert.deepEqual(await tokens.verifyApiToken(token), { kind: 'api', id: info.id, name: 'ci pipeline' });
    assert.deepEqual(await tokens.verifyApiToken(ADMIN), {
      kind: 'admin',
      id: 'env',
      name: 'OSPREY_API_TOKEN',
    });
    const secretPart = token.split('_').slice(3).join('_');
    const stored = await storedText(opened);
    assert.ok(stored.includes(info.id), 'the row is there');
    assert.ok(!stored.includes(secretPart), 'the database holds the plaintext secret');
    assert.ok(
      !stored.includes(Buffer.from(secretPart).toString('hex')),
      'the database holds the secret as bytes',
    );
    // A forged secret with a real id fails.
    const forged = `${token.slice(0, -4)}AAAA`;
    assert.equal(await tokens.verifyApiToken(forged), undefined);
    await assert.rejects(
      tokens.createApiToken('ci pipeline'),
      (e: unknown) => e instanceof AuthError && e.code === 'NAME_TAKEN',
    );
    assert.equal(await tokens.revokeToken(info.id), true);
    assert.equal(await tokens.verifyApiToken(token), undefined);
    // Once revoked, the name is free again.
    await tokens.createApiToken('ci pipeline');
    assert.deepEqual(
      (await tokens.listTokens('api')).map((i) => [i.name, i.revokedAt !== undefined]),
      [
        ['ci pipeline', true],
        ['ci pipeline', false],
      ],
    );
  });

  it('refuses an expired token and a token of another kind', async (t) => {
    const opened = await backend.open();
    t.after(opened.cleanup);
    let now = Date.parse('2025-01-01T00:00:00Z');
    const tokens = new TokenService(opened.db, { now: () => now });
    const { token } = await tokens.createApiToken('short-lived', { expiresAt: new Date(now + 60_000) });
    const registration = await tokens.createRegistrationToken('rack 3');
    assert.ok((await tokens.verifyApiToken(token)) !== undefined);
    assert.equal(await tokens.verifyApiToken(registration.token), undefined);
    now += 60_000;
    assert.equal(await tokens.verifyApiToken(token), undefined);
  });

  it('exchanges a registration token for a runner credential, stored hashed', async (t) => {
    const opened = await backend.open();
    t.after(opened.cleanup);
    const tokens = new TokenService(opened.db, { registrationToken: REGISTRATION });
    const created = await tokens.createRegistrationToken('team-a runners');
    const viaEnv = await tokens.registerRunner(REGISTRATION, { name: 'box-1', labels: { os: 'linux' } });
    const viaCli = await tokens.registerRunner(created.token, { name: 'box-2' });
    assert.equal(viaEnv.runner.registeredWith, 'env');
    assert.equal(viaCli.runner.registeredWith, created.info.id);
    assert.match(viaEnv.credential, /^osp_run_/);
    assert.deepEqual((await tokens.verifyRunner(viaEnv.credential))?.labels, { os: 'linux' });
    const stored = await storedText(opened);
    for (const plaintext of [viaEnv.credential, viaCli.credential, created.token]) {
      assert.ok(
        !stored.includes(plaintext.split('_').slice(3).join('_')),
        'plaintext credential in the database',
      );
    }
    await assert.rejects(
      tokens.registerRunner('osp_reg_0000000000000000_' + 'A'.repeat(43), { name: 'intruder' }),
      (e: unknown) => e instanceof AuthError && e.code === 'UNAUTHORIZED',
    );
    assert.equal((await tokens.listRunners()).length, 2, 'a refused registration wrote a runner');
    await tokens.revokeRunner(viaEnv.runner.id);
    assert.equal(await tokens.verifyRunner(viaEnv.credential), undefined);
    await tokens.revokeToken(created.info.id);
    await assert.rejects(
      tokens.registerRunner(created.token, { name: 'box-3' }),
      /invalid, revoked or expired/,
    );
  });

  it('answers 401 with a JSON error and runs nothing when the token is missing or wrong', async (t) => {
    const opened = await backend.open();
    t.after(opened.cleanup);
    const tokens = new TokenService(opened.db, { adminToken: ADMIN, registrationToken: REGISTRATION });
    const kv = new KvService(opened.db);
    const app = new Hono<{ Variables: AuthVariables }>();
    let handled = 0;
    app.use('/api/*', requireToken(tokens, 'api'));
    app.put('/api/kv/:ns/:key', async (c) => {
      handled++;
      await kv.set(c.req.param('ns'), c.req.param('key'), await c.req.text());
      return c.json({ ok: true, by: c.var.principal.name });
    });
    app.use('/runner/*', requireToken(tokens, 'runner'));
    app.get('/runner/jobs', (c) => c.json({ runner: c.var.principal.id }));
    app.route('/runner-registration', registerRunnerRoute(tokens));

    const put = (headers: Record<string, string>) =>
      app.request('/api/kv/company/k', { method: 'PUT', body: 'v', headers });
    for (const headers of [
      {},
      { Authorization: 'Bearer nope' },
      { Authorization: `Basic ${Buffer.from(`x:${ADMIN}`).toString('base64')}` },
      { Authorization: `Bearer ${REGISTRATION}` },
    ]) {
      const res = await put(headers);
      assert.equal(res.status, 401, JSON.stringify(headers));
      assert.equal(res.headers.get('WWW-Authenticate'), 'Bearer realm="osprey"');
      const body = (await res.json()) as { error: string; message: string };
      assert.equal(body.error, 'unauthorized');
      assert.ok(body.message.length > 0);
    }
    assert.equal(handled, 0);
    assert.equal(await kv.get('company', 'k'), undefined);
    assert.equal((await put({ Authorization: `Bearer ${ADMIN}` })).status, 200);
    assert.deepEqual(await kv.get('company', 'k'), { value: 'v' });

    // The runner side: register, then call with the credential.
    const refused = await app.request('/runner-registration/register', {
      method: 'POST',
      headers: { Authorization: 'Bearer wrong', 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'box' }),
    });
    assert.equal(refused.status, 401);
    assert.equal((await tokens.listRunners()).length, 0);
    const registered = await app.request('/runner-registration/register', {
      method: 'POST',
      headers: { Authorization: `Bearer ${REGISTRATION}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'box', labels: { gpu: 'yes' } }),
    });
    assert.equal(registered.status, 201);
    const { credential, runner } = (await registered.json()) as {
      credential: string;
      runner: { id: string };
    };
    assert.equal(
      (await app.request('/runner/jobs', { headers: { Authorization: `Bearer ${ADMIN}` } })).status,
      401,
    );
    const jobs = await app.request('/runner/jobs', { headers: { Authorization: `Bearer ${credential}` } });
    assert.deepEqual(await jobs.json(), { runner: runner.id });
    const badBody = await app.request('/runner-registration/register', {
      method: 'POST',
      headers: { Authorization: `Bearer ${REGISTRATION}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ labels: {} }),
    });
    assert.equal(badBody.status, 400);
    assert.match(((await badBody.json()) as { message: string }).message, /name/);
  });
});
