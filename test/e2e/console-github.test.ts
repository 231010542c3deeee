/**
 * Signing in to the web console with GitHub, in a real browser (Debian's chromium through
 * playwright-core), against a real `osprey server` with the GitHub App configured (on PGlite, and on
 * Postgres when it answers) and the pinned GitHub emulator, whose `/login/oauth/authorize` and
 * `/login/oauth/access_token` are GitHub's OAuth web flow. The App deploys acme/flows (namespace
 * company.team) and acme/ops (company.ops); carol may read acme/flows only, bob may write to both.
 * Unsigned, nothing of the console or its API is served; carol sees company.team but no start or
 * kill controls, and the API refuses her a kill, a start and the audit log (403); bob may kill.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Browser, chromium, type Page } from 'playwright-core';
import { checkRuns } from './github/support/checks.ts';
import { deployFlows } from './github/support/deploy-flows.ts';
import { expectStatus, waitFor } from './github/support/emulator.ts';
import { simpleFlow } from './github/support/flows.ts';
import { type OspreyWithGitHub, startOspreyWithGitHub } from './github/support/osprey-processes.ts';
import { type BackendName, postgresReachable } from './server/support/processes.ts';

const CHROMIUM = '/usr/bin/chromium';
const skipBrowser = existsSync(CHROMIUM)
  ? false
  : `${CHROMIUM} is missing: apt-get install chromium to run the browser tests`;
const skipPostgres = await postgresReachable();
const shots =
  process.env['CONSOLE_SCREENSHOTS'] === 'docs'
    ? join(import.meta.dirname, '../../docs')
    : mkdtempSync(join(tmpdir(), 'osprey-console-shots-'));

/** Started by the push that deploys it: its execution check run carries the Details link. */
const ON_PUSH_FLOW = `id: on_push
namespace: company.team
tasks:
  - id: greet
    type: io.kestra.plugin.core.log.Log
    message: pushed
triggers:
  - id: push
    type: io.osprey.trigger.Git
    events: [push]
    branches: [main]
`;

const LONG_FLOW = `id: long
namespace: company.team
tasks:
  - id: wait
    type: io.kestra.plugin.core.flow.Sleep
    duration: PT60S
`;

for (const backend of ['pglite', 'postgres'] as BackendName[]) {
  describe(`web console: sign in with GitHub [${backend}]`, {
    skip: skipBrowser || (backend === 'postgres' ? skipPostgres : undefined),
  }, () => {
    let o: OspreyWithGitHub;
    let browser: Browser;
    let running = '';
    let pushed = '';

    /** A browser page signed in through GitHub's OAuth redirect as `login`. */
    const signIn = async (login: string): Promise<Page> => {
      const page = await (await browser.newContext({ viewport: { width: 1280, height: 760 } })).newPage();
      page.setDefaultTimeout(15_000);
      await page.goto(`${o.url}/ui/executions`);
      await page.waitForURL(/\/ui\/sign-in\?next=%2Fui%2Fexecutions/);
      const button = page.locator('a', { hasText: 'Sign in with GitHub' });
      await button.waitFor();
      if (backend === 'pglite' && login === 'carol') {
        await page.screenshot({ path: join(shots, 'console-sign-in-github.png') });
      }
      await button.click();
      // The emulator's authorize page: one button per user.
      await page.waitForURL((u) => u.pathname === '/login/oauth/authorize');
      await page.locator('button.user-btn', { hasText: login }).click();
      await page.waitForURL(/\/ui\/executions$/);
      await page.locator('#who', { hasText: `signed in as ${login}` }).waitFor();
      return page;
    };

    /** `fetch` from the signed-in page: the console's cookie and CSRF header, as the console sends them. */
    const fromPage = (page: Page, method: string, path: string) =>
      page.evaluate(
        async ([m, p]) => {
          const res = await fetch(p as string, { method: m as string, headers: { 'X-Osprey-Console': '1' } });
          return { status: res.status, body: await res.text() };
        },
        [method, path],
      );

    before(async () => {
      o = await startOspreyWithGitHub({
        backend,
        repos: ['flows', 'ops'],
        oauth: { clientId: 'Iv1.console0e2e', clientSecret: 'console-e2e-client-secret' },
        publicUrl: true,
      });
      await expectStatus(o.emulator.alice('DELETE', '/repos/acme/ops/collaborators/carol'), [204]);
      pushed = await deployFlows(o, 'flows', {
        'flows/long.yaml': LONG_FLOW,
        'flows/hello.yaml': simpleFlow('hello'),
        'flows/on_push.yaml': ON_PUSH_FLOW,
      });
      await deployFlows(o, 'ops', { 'flows/ops.yaml': simpleFlow('nightly', 'company.ops') });
      const started = await o.api<{ id: string }>('POST', '/api/v1/executions/company.team/long');
      assert.equal(started.status, 200, JSON.stringify(started.body));
      running = started.body.id;
      browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--headless=new'] });
    });
    after(async () => {
      await browser?.close();
      await o?.close();
    });

    it('serves nothing of the console or its API to someone not signed in', async () => {
      const page = await fetch(`${o.url}/ui/executions/company.team/long/${running}`, { redirect: 'manual' });
      assert.equal(page.status, 302);
      assert.match(page.headers.get('location') ?? '', /^\/ui\/sign-in\?next=/);
      const search = await fetch(`${o.url}/api/v1/executions/search`);
      assert.equal(search.status, 401);
      const signIn = await fetch(`${o.url}/ui/sign-in`);
      assert.equal(signIn.status, 200, 'the sign-in page itself is served');
    });

    it('a read-only user signs in through GitHub, sees their namespace but no start or kill, and the API refuses both', async () => {
      const page = await signIn('carol');
      await page.locator(`tr[data-id="${running}"]`).waitFor();
      const cookie = (await page.context().cookies()).find((c) => c.name === 'osprey_console');
      assert.ok(cookie?.httpOnly);
      assert.equal(cookie?.sameSite, 'Lax');
      assert.match(
        decodeURIComponent(cookie?.value ?? ''),
        /^osp_ses_/,
        'a console session, not a GitHub token',
      );

      // company.ops belongs to acme/ops, which carol cannot read.
      const flows = JSON.parse((await fromPage(page, 'GET', '/api/v1/flows/search')).body) as {
        results: Array<{ namespace: string }>;
      };
      assert.deepEqual([...new Set(flows.results.map((f) => f.namespace))], ['company.team']);
      assert.equal((await fromPage(page, 'GET', '/api/v1/flows/company.ops/nightly')).status, 403);

      await page.goto(`${o.url}/ui/executions/company.team/long/${running}`);
      await page.locator('.read-only').waitFor();
      assert.equal(await page.locator('button[data-action=kill]').isVisible(), false, 'no kill button');
      await page.goto(`${o.url}/ui/flows/company.team/hello`);
      await page.locator('.read-only').waitFor();
      assert.equal(await page.locator('form.start').isVisible(), false, 'no start form');

      const kill = await fromPage(page, 'DELETE', `/api/v1/executions/${running}/kill`);
      assert.equal(kill.status, 403, kill.body);
      assert.match(kill.body, /read access to namespace company\.team only/);
      const start = await fromPage(page, 'POST', '/api/v1/executions/company.team/hello');
      assert.equal(start.status, 403, start.body);
      // The audit log says who did what everywhere: admins only (she is not in OSPREY_ADMINS).
      const audit = await fromPage(page, 'GET', '/api/v1/audit-logs');
      assert.equal(audit.status, 403, audit.body);
      assert.match(audit.body, /may not read the audit log/);
      await page.context().close();
    });

    it("a check run's Details link on GitHub leads through sign-in to the execution page", async () => {
      // The push that deployed on_push started it, pinned to that commit, with a check run there.
      const check = await waitFor(
        'the execution check run of on_push',
        async () => {
          const run = (await checkRuns(o.emulator.alice, 'acme/flows', pushed)).find(
            (r) => r.name === 'osprey: company.team.on_push' && r.status === 'completed',
          );
          return run;
        },
        30_000,
        100,
      );
      assert.equal(check.conclusion, 'success', JSON.stringify(check.output));
      const details = check.details_url ?? '';
      assert.match(details, new RegExp(`^${o.url}/ui/executions/company\\.team/on_push/[A-Za-z0-9]+$`));
      // A person clicks it on GitHub, not signed in to Osprey yet: sign-in first, then the execution.
      const page = await (await browser.newContext({ viewport: { width: 1280, height: 760 } })).newPage();
      page.setDefaultTimeout(15_000);
      await page.goto(details);
      await page.waitForURL(/\/ui\/sign-in\?next=%2Fui%2Fexecutions%2Fcompany\.team%2Fon_push%2F/);
      await page.locator('a', { hasText: 'Sign in with GitHub' }).click();
      await page.waitForURL((u) => u.pathname === '/login/oauth/authorize');
      await page.locator('button.user-btn', { hasText: 'bob' }).click();
      await page.waitForURL(details);
      await page.locator('.exec-head h1 .state[data-state="SUCCESS"]').waitFor();
      await page.locator('tr[data-task-id="greet"]').waitFor();
      await page.locator('.log-line', { hasText: 'pushed' }).waitFor();
      // The commit it is pinned to is shown, linking to it on GitHub.
      assert.match(
        (await page.locator('.exec-head, .details').allTextContents()).join(' '),
        new RegExp(pushed.slice(0, 7)),
      );
      await page.context().close();
    });

    it('a user with write access may kill; API tokens keep working for machines', async () => {
      const page = await signIn('bob');
      await page.goto(`${o.url}/ui/executions/company.team/long/${running}`);
      await page.locator('button[data-action=kill]').click();
      await page.locator('.exec-head h1 .state[data-state="KILLED"]').waitFor();
      assert.equal(await page.locator('.read-only').count(), 0);
      const signedOut = await page.locator('#who button', { hasText: 'sign out' });
      await signedOut.click();
      await page.waitForURL(/\/ui\/sign-in/);
      assert.equal((await fromPage(page, 'GET', '/api/v1/executions/search')).status, 401);
      await page.context().close();
      const machine = await o.api<{ total: number }>('GET', '/api/v1/executions/search');
      assert.equal(machine.status, 200);
      assert.ok(machine.body.total >= 1);
    });
  });
}
