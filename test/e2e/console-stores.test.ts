/**
 * The console's KV, secrets, triggers, namespaces, announcements and audit-log pages in a real
 * browser (Debian's chromium through playwright-core) against a real `osprey server` on PGlite and on Postgres with the
 * GitHub App (the pinned emulator) deploying acme/flows (company.team, a Schedule) and acme/ops
 * (company.ops, whose secrets come from the read-only environment backend). Signed in with the
 * admin API token. `CONSOLE_SCREENSHOTS=docs` refreshes docs/console-{kv,secrets,triggers,
 * namespaces,namespace,announcements,audit}.png (from the PGlite run).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Browser, chromium, type Page } from 'playwright-core';
import { deployFlows } from './github/support/deploy-flows.ts';
import { waitFor } from './github/support/emulator.ts';
import { simpleFlow } from './github/support/flows.ts';
import {
  API_TOKEN,
  type OspreyWithGitHub,
  startOspreyWithGitHub,
} from './github/support/osprey-processes.ts';
import { type BackendName, postgresReachable } from './server/support/processes.ts';

const CHROMIUM = '/usr/bin/chromium';
const skip = existsSync(CHROMIUM)
  ? false
  : `${CHROMIUM} is missing: apt-get install chromium to run the browser tests`;
const skipPostgres = await postgresReachable();
const root = join(import.meta.dirname, '../..');
const docShots =
  process.env['CONSOLE_SCREENSHOTS'] === 'docs'
    ? join(root, 'docs')
    : mkdtempSync(join(tmpdir(), 'osprey-console-shots-'));

const SCHEDULED_FLOW = `id: nightly
namespace: company.team
tasks:
  - id: hello
    type: io.kestra.plugin.core.log.Log
    message: "run for {{ trigger.date }}"
triggers:
  - id: every_minute
    type: io.kestra.plugin.core.trigger.Schedule
    cron: "* * * * *"
`;

for (const backend of ['pglite', 'postgres'] as BackendName[]) {
  describe(`web console: KV, secrets, triggers, namespaces, announcements, audit log [${backend}]`, {
    skip: skip || (backend === 'postgres' ? skipPostgres : undefined),
  }, () => {
    // The docs' screenshots come from one run; the other's go to a temp folder.
    const shots = backend === 'pglite' ? docShots : mkdtempSync(join(tmpdir(), 'osprey-console-shots-'));
    let o: OspreyWithGitHub;
    let browser: Browser;
    let page: Page;
    const shot = (name: string) =>
      page.screenshot({ path: join(shots, `console-${name}.png`), fullPage: true });
    const api = async <T>(
      method: string,
      path: string,
      body?: unknown,
    ): Promise<{ status: number; body: T }> => {
      const res = await fetch(`${o.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${API_TOKEN}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: res.status, body: (await res.json()) as T };
    };

    before(async () => {
      o = await startOspreyWithGitHub({
        backend,
        repos: ['flows', 'ops'],
        env: {
          OSPREY_SECRETS_KEY: Buffer.alloc(32, 7).toString('base64'),
          OSPREY_SECRETS_BACKENDS: '{"company.ops": {"type": "env"}}',
          SECRET_OPS_TOKEN: Buffer.from('ops-token-value').toString('base64'),
        },
      });
      await deployFlows(o, 'flows', {
        'flows/nightly.yaml': SCHEDULED_FLOW,
        'flows/hello.yaml': simpleFlow('hello'),
        'namespaces/company.team/files/queries/daily.sql': 'SELECT 1 AS answer;\n',
      });
      await deployFlows(o, 'ops', { 'flows/ops.yaml': simpleFlow('cleanup', 'company.ops') });
      assert.equal((await api('PUT', '/api/v1/namespaces/company/kv/region', 'eu')).status, 200);
      browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--headless=new'] });
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: o.url });
      page = await context.newPage();
      page.setDefaultTimeout(15_000);
      await page.goto(`${o.url}/ui/kv`);
      await page.waitForURL(/\/ui\/sign-in/);
      await page.locator('#token').fill(API_TOKEN);
      await page.locator('form.sign-in button[type=submit]').click();
      await page.waitForURL(/\/ui\/kv$/);
    });
    after(async () => {
      await browser?.close();
      await o?.close();
    });

    it('KV: adds, copies, edits and deletes an entry', async () => {
      const team = page.locator('section[data-namespace="company.team"]');
      await team.locator('form.kv-add input[name=key]').fill('greeting');
      await team.locator('form.kv-add textarea[name=value]').fill('hello');
      await team.locator('form.kv-add input[name=ttl]').fill('P7D');
      await team.locator('form.kv-add button[type=submit]').click();
      const row = team.locator('tr[data-key="greeting"]');
      await row.waitFor();
      assert.match((await row.textContent()) ?? '', /STRING/);
      assert.doesNotMatch((await row.textContent()) ?? '', /never/, 'it expires');
      await row.locator('button.copy').click();
      assert.equal(await page.evaluate('navigator.clipboard.readText()'), "{{ kv('greeting') }}");

      await row.locator('button[data-action=edit]').click();
      const edit = team.locator('form.kv-edit');
      assert.equal(await edit.locator('textarea[name=value]').inputValue(), 'hello');
      await edit.locator('select[name=type]').selectOption('JSON');
      await edit.locator('textarea[name=value]').fill('{"who": "world"}');
      await edit.locator('button[type=submit]').click();
      await team.locator('tr[data-key="greeting"]', { hasText: 'JSON' }).waitFor();
      const stored = await api<{ type: string; value: unknown }>(
        'GET',
        '/api/v1/namespaces/company.team/kv/greeting',
      );
      assert.deepEqual(stored.body, { type: 'JSON', value: { who: 'world' } });
      // The parent namespace's entry is listed under it.
      await page.locator('section[data-namespace="company"] tr[data-key="region"]').waitFor();
      await shot('kv');

      page.once('dialog', (d) => void d.accept());
      await team.locator('tr[data-key="greeting"] button[data-action=delete]').click();
      await team.locator('tr[data-key="greeting"]').waitFor({ state: 'detached' });
      assert.equal((await api('GET', '/api/v1/namespaces/company.team/kv/greeting')).status, 404);
    });

    it('secrets: names only, a lock and no controls on the read-only environment backend', async () => {
      await page.goto(`${o.url}/ui/secrets`);
      const ops = page.locator('section[data-namespace="company.ops"]');
      await ops.locator('tr[data-name="OPS_TOKEN"]').waitFor();
      assert.equal(await ops.locator('h2 .lock').count(), 1, 'a lock on the read-only backend');
      assert.equal(await ops.locator('form.secret-add').count(), 0, 'no add form');
      assert.equal(await ops.locator('button[data-action=delete]').count(), 0, 'no delete');

      const team = page.locator('section[data-namespace="company.team"]');
      assert.equal(await team.locator('.lock').count(), 0);
      await team.locator('form.secret-add input[name=name]').fill('DB_PASSWORD');
      await team.locator('form.secret-add input[name=value]').fill('s3cr3t-value');
      await team.locator('form.secret-add button[type=submit]').click();
      await team.locator('tr[data-name="DB_PASSWORD"]').waitFor();
      await team.locator('tr[data-name="DB_PASSWORD"] button.copy').click();
      assert.equal(await page.evaluate('navigator.clipboard.readText()'), "{{ secret('DB_PASSWORD') }}");
      const text = (await page.locator('main').textContent()) ?? '';
      assert.ok(!text.includes('s3cr3t-value') && !text.includes('ops-token-value'), 'no value on the page');
      await shot('secrets');
    });

    it("namespaces: a child sees its parents' KV entries and secrets", async () => {
      await page.goto(`${o.url}/ui/namespaces`);
      await page.locator('tr[data-namespace="company.team"]').waitFor();
      await shot('namespaces');
      await page.locator('tr[data-namespace="company.team"] a', { hasText: 'company.team' }).click();
      await page.waitForURL(/\/ui\/namespaces\/company\.team$/);
      const region = page.locator('.ns-kv tr[data-key="region"]');
      await region.waitFor();
      assert.match((await region.textContent()) ?? '', /from company/);
      await page.locator('.ns-secrets tr[data-name="DB_PASSWORD"]', { hasText: 'own' }).waitFor();
      // Its files, read from acme/flows at the deployed commit.
      await page.locator('.ns-files tr[data-file="queries/daily.sql"] button').click();
      await page.locator('.ns-files pre.file-view', { hasText: 'SELECT 1 AS answer;' }).waitFor();
      assert.match(
        (await page.locator('.ns-files').textContent()) ?? '',
        /namespaces\/company\.team\/files\/ in acme\/flows at/,
      );
      await shot('namespace');
    });

    it('triggers: shows last and next dates, disables and enables, backfills a schedule', async () => {
      await page.goto(`${o.url}/ui/triggers`);
      const row = page.locator('tr[data-trigger="company.team.nightly.every_minute"]');
      await row.waitFor();
      assert.equal(await row.getAttribute('data-status'), 'on');
      await row.locator('button[data-action=disable]').click();
      await page.locator('tr[data-trigger="company.team.nightly.every_minute"][data-status="off"]').waitFor();
      const off = await api<{
        results: Array<{ triggerId: string; stopped: boolean; nextExecutionDate?: string }>;
      }>('GET', '/api/v1/triggers/search?namespace=company.team');
      assert.equal(off.body.results[0]?.stopped, true);
      assert.equal(off.body.results[0]?.nextExecutionDate, undefined);
      await row.locator('button[data-action=enable]').click();
      await page.locator('tr[data-trigger="company.team.nightly.every_minute"][data-status="on"]').waitFor();

      // Backfill the three minutes that ended two minutes ago.
      const minute = 60_000;
      const end = Math.floor(Date.now() / minute) * minute - 2 * minute;
      const local = (ms: number) =>
        new Date(ms - new Date(ms).getTimezoneOffset() * minute).toISOString().slice(0, 19);
      await page
        .locator('tr[data-trigger="company.team.nightly.every_minute"] button[data-action=backfill]')
        .click();
      const form = page.locator('form.backfill');
      await form.locator('input[name=start]').fill(local(end - 3 * minute + 1000));
      await form.locator('input[name=end]').fill(local(end));
      await form.locator('input[name=labels]').fill('run:backfill');
      await shot('triggers');
      await form.locator('button[type=submit]').click();
      const backfilled = await waitFor(
        'three backfill executions',
        async () => {
          const r = await api<{
            total: number;
            results: Array<{ trigger?: { variables?: { date?: string } } }>;
          }>('GET', '/api/v1/executions/search?q=run:backfill');
          return r.body.total >= 3 ? r.body : undefined;
        },
        30_000,
        250,
      );
      assert.equal(backfilled.total, 3, 'one per minute in the window');
    });

    it('announcements: an admin sets one, every page shows it in its time window', async () => {
      await page.goto(`${o.url}/ui/announcements`);
      await page
        .locator('#announcement-message')
        .fill('Maintenance tonight at 22:00 UTC: runs pause for 10 minutes.');
      await page.locator('#announcement-type').selectOption('WARNING');
      await page.locator('form.announce button[type=submit]').click();
      await page
        .locator('#announcements .announcement.type-warning', { hasText: 'Maintenance tonight' })
        .waitFor();
      await shot('announcements');
      // One that starts tomorrow is not shown yet.
      const tomorrow = Date.now() + 24 * 3_600_000;
      const later = await api('POST', '/api/v1/announcements', {
        message: 'Not yet',
        type: 'ERROR',
        startDate: new Date(tomorrow).toISOString(),
        endDate: new Date(tomorrow + 3_600_000).toISOString(),
      });
      assert.equal(later.status, 200);
      await page.goto(`${o.url}/ui/flows`);
      await page.locator('#announcements .announcement', { hasText: 'Maintenance tonight' }).waitFor();
      assert.equal(await page.locator('#announcements .announcement', { hasText: 'Not yet' }).count(), 0);
      const bad = await api<{ message: string }>('POST', '/api/v1/announcements', {
        message: 'x',
        type: 'LOUD',
        endDate: new Date().toISOString(),
      });
      assert.equal(bad.status, 400);
      assert.match(bad.body.message, /type/);
    });
    it('audit log: an admin sees who did what, filters it, and the filter is in the URL', async () => {
      // What this suite did through the console and the API is there, newest first.
      await page.goto(`${o.url}/ui/kv`);
      const link = page.locator('nav a[data-nav=audit]');
      await link.waitFor();
      await link.click();
      await page.waitForURL(/\/ui\/audit$/);
      await page.locator('tr.audit-entry').first().waitFor();
      const rows = await page.locator('tr.audit-entry').allTextContents();
      assert.ok(
        rows.some((r) => /DELETE/.test(r) && /KV company\.team/.test(r)),
        `the KV entry deleted above is in the log: ${rows.slice(0, 5).join(' | ')}`,
      );
      await page.locator('input[name=resourceType]').fill('KV');
      await page.locator('input[name=action]').fill('DELETE');
      await page.locator('form.filters button[type=submit]').click();
      await page.waitForURL(/\/ui\/audit\?.*resourceType=KV/);
      assert.match(page.url(), /action=DELETE/);
      await page.locator('tr.audit-entry').first().waitFor();
      const filtered = await page.locator('tr.audit-entry').allTextContents();
      assert.ok(
        filtered.length >= 1 && filtered.every((r) => /DELETE/.test(r) && /KV/.test(r)),
        filtered.join(' | '),
      );
      await shot('audit');
      // The same list from the API, which is what the page shows.
      const api_ = await api<{ total: number }>('GET', '/api/v1/audit-logs?resourceType=KV&action=DELETE');
      assert.equal(api_.status, 200);
      assert.match(
        (await page.locator('.pager').textContent()) ?? '',
        new RegExp(`^${api_.body.total} entr`),
      );
      // A bad filter is refused with a message naming it, shown on the page.
      await page.goto(`${o.url}/ui/audit?action=${encodeURIComponent('no such!')}`);
      await page.locator('.results .error', { hasText: 'action' }).waitFor();
    });
  });
}
