/**
 * Registering the GitHub App in one step (GitHub's manifest flow): `GET /api/github/setup` shows a
 * button that posts `app.yml` (with this server's webhook URL) to GitHub; GitHub creates the app and
 * sends the browser to `GET /api/github/setup/callback?code=…`, where the code is exchanged for the
 * App ID, private key and webhook secret to put in the environment. Mount it only while APP_ID is
 * not configured: it shows secrets to whoever opens it.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';
import { parse } from 'yaml';
import { WEBHOOK_PATH } from './webhook-route.ts';

export const SETUP_PATH = '/api/github/setup';
export const APP_MANIFEST = fileURLToPath(new URL('../../../app.yml', import.meta.url));

export interface ManifestRoutesOptions {
  /** Where users and GitHub reach this server, e.g. https://osprey.example.com. */
  publicUrl: string;
  /** github.com or a GitHub Enterprise Server web URL (default https://github.com). */
  webUrl?: string;
  /** REST API base URL (default https://api.github.com). */
  apiUrl?: string;
  manifestPath?: string;
  fetch?: typeof fetch;
}

interface Conversion {
  id: number;
  slug: string;
  html_url: string;
  pem: string;
  webhook_secret: string;
  client_id?: string;
  client_secret?: string;
}

export function githubManifestRoutes(options: ManifestRoutesOptions): Hono {
  const publicUrl = options.publicUrl.replace(/\/+$/, '');
  const webUrl = (options.webUrl ?? 'https://github.com').replace(/\/+$/, '');
  const apiUrl = (options.apiUrl ?? 'https://api.github.com').replace(/\/+$/, '');
  const doFetch = options.fetch ?? fetch;
  const routes = new Hono();

  routes.get(SETUP_PATH, async (c) => {
    const manifest = parse(await readFile(options.manifestPath ?? APP_MANIFEST, 'utf8')) as Record<
      string,
      unknown
    >;
    const full: Record<string, unknown> = {
      ...manifest,
      hook_attributes: { url: `${publicUrl}${WEBHOOK_PATH}`, active: true },
      redirect_url: `${publicUrl}${SETUP_PATH}/callback`,
      // Sign-in to the console with GitHub (the App's OAuth web flow) comes back here.
      callback_urls: [`${publicUrl}/ui/auth/github/callback`],
    };
    const org = c.req.query('org');
    const target = org
      ? `${webUrl}/organizations/${encodeURIComponent(org)}/settings/apps/new`
      : `${webUrl}/settings/apps/new`;
    return c.html(
      page(
        'Register the Osprey GitHub App',
        `
<p>This creates a GitHub App named <b>${escapeHtml(String(full['name']))}</b> ${org ? `owned by <b>${escapeHtml(org)}</b>` : 'owned by your account'} that sends webhooks to <code>${escapeHtml(`${publicUrl}${WEBHOOK_PATH}`)}</code>.
For an organization, open <code>${escapeHtml(SETUP_PATH)}?org=&lt;name&gt;</code>.</p>
<form action="${escapeHtml(target)}" method="post">
  <input type="hidden" name="manifest" value="${escapeHtml(JSON.stringify(full))}">
  <button type="submit">Create the app on GitHub</button>
</form>`,
      ),
    );
  });

  routes.get(`${SETUP_PATH}/callback`, async (c) => {
    const code = c.req.query('code');
    if (!code || !/^[\w-]+$/.test(code))
      return c.html(
        page(
          'Registration failed',
          '<p>GitHub did not send a code back; start again from the setup page.</p>',
        ),
        400,
      );
    const response = await doFetch(`${apiUrl}/app-manifests/${code}/conversions`, {
      method: 'POST',
      headers: { accept: 'application/vnd.github+json' },
    });
    if (!response.ok) {
      return c.html(
        page(
          'Registration failed',
          `<p>GitHub answered ${response.status} when Osprey exchanged the code (codes expire after one hour and work once); start again from the setup page.</p>`,
        ),
        502,
      );
    }
    const app = (await response.json()) as Conversion;
    return c.html(
      page(
        'The Osprey GitHub App is registered',
        `
<p>Save these in the server's environment (the key in a file readable only by Osprey), restart it, then <a href="${escapeHtml(app.html_url)}/installations/new">install the app</a> on the repositories that hold flows.</p>
<pre>APP_ID=${app.id}
WEBHOOK_SECRET=${escapeHtml(app.webhook_secret)}
PRIVATE_KEY_PATH=/etc/osprey/${escapeHtml(app.slug)}.pem${
          app.client_id !== undefined && app.client_secret !== undefined
            ? `
GITHUB_CLIENT_ID=${escapeHtml(app.client_id)}
GITHUB_CLIENT_SECRET=${escapeHtml(app.client_secret)}`
            : ''
        }</pre>
<p>Contents of <code>${escapeHtml(app.slug)}.pem</code>:</p>
<pre>${escapeHtml(app.pem)}</pre>
<p>This page is shown once; GitHub will not show the key again (you can generate a new one in the app settings).</p>`,
      ),
    );
  });
  return routes;
}

function page(title: string, body: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
