import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { githubManifestRoutes } from '../../../../app/src/github/manifest-routes.ts';

describe('manifest routes (register the app in one step)', () => {
  it('posts app.yml with this server’s webhook and callback URLs to GitHub', async () => {
    const routes = githubManifestRoutes({ publicUrl: 'https://osprey.example.com/' });
    const html = await (await routes.request('/api/github/setup?org=acme')).text();
    assert.match(html, /action="https:\/\/github\.com\/organizations\/acme\/settings\/apps\/new"/);
    const manifest = JSON.parse(
      (/name="manifest" value="([^"]*)"/.exec(html)?.[1] ?? '').replace(/&#(\d+);/g, (_, n: string) =>
        String.fromCharCode(Number(n)),
      ),
    ) as {
      hook_attributes: { url: string };
      redirect_url: string;
      default_permissions: unknown;
      default_events: unknown;
    };
    assert.equal(manifest.hook_attributes.url, 'https://osprey.example.com/api/github/webhooks');
    assert.equal(manifest.redirect_url, 'https://osprey.example.com/api/github/setup/callback');
    assert.deepEqual(manifest.default_permissions, {
      contents: 'read',
      checks: 'write',
      pull_requests: 'read',
      metadata: 'read',
      issues: 'write',
    });
    assert.deepEqual(manifest.default_events, [
      'push',
      'pull_request',
      'check_run',
      'check_suite',
      'issue_comment',
    ]);
  });

  it('exchanges the code for the app credentials and shows what to configure', async () => {
    const calls: string[] = [];
    const routes = githubManifestRoutes({
      publicUrl: 'https://osprey.example.com',
      fetch: (async (url: string) => {
        calls.push(url);
        return Response.json({
          id: 99,
          slug: 'osprey-acme',
          html_url: 'https://github.com/apps/osprey-acme',
          pem: '-----BEGIN RSA PRIVATE KEY-----\nX\n-----END RSA PRIVATE KEY-----',
          webhook_secret: 'w<s',
        });
      }) as typeof fetch,
    });
    const response = await routes.request('/api/github/setup/callback?code=abc123');
    const html = await response.text();
    assert.deepEqual(calls, ['https://api.github.com/app-manifests/abc123/conversions']);
    assert.match(html, /APP_ID=99\nWEBHOOK_SECRET=w&#60;s\nPRIVATE_KEY_PATH=\/etc\/osprey\/osprey-acme\.pem/);
    assert.match(html, /https:\/\/github\.com\/apps\/osprey-acme\/installations\/new/);
  });

  it('refuses a missing code and explains an expired one', async () => {
    const routes = githubManifestRoutes({
      publicUrl: 'https://o.example.com',
      fetch: (async () => new Response('gone', { status: 404 })) as unknown as typeof fetch,
    });
    assert.equal((await routes.request('/api/github/setup/callback')).status, 400);
    const expired = await routes.request('/api/github/setup/callback?code=old');
    assert.equal(expired.status, 502);
    assert.match(await expired.text(), /codes expire after one hour/);
  });
});
