/**
 * Apps in a real browser (Debian's chromium through playwright-core) against a real `osprey dev`
 * on PGlite, with the apps committed beside the flows: a PRIVATE app sends a visitor to sign-in;
 * a PUBLIC approval app takes a request from its form, shows it paused, refuses the requester's own
 * approval, needs two other people (one of them with JavaScript disabled), then shows the outputs;
 * a rejection cancels a request. The audit log lists who did what from where.
 * `APPS_SCREENSHOTS=docs` refreshes docs/apps-*.png.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { type Proc, spawnNode } from './server/support/processes.ts';

const root = join(import.meta.dirname, '../..');
const bin = join(root, 'bin/osprey.js');
const CHROMIUM = '/usr/bin/chromium';
const shots =
  process.env['APPS_SCREENSHOTS'] === 'docs'
    ? join(root, 'docs')
    : mkdtempSync(join(tmpdir(), 'osprey-apps-shots-'));
const skip = existsSync(CHROMIUM)
  ? false
  : `${CHROMIUM} is missing: apt-get install chromium to run the browser tests`;

const FLOW = `id: request_vm
namespace: company.team
inputs:
  - id: requester
    type: STRING
    displayName: Your name
  - id: size
    type: SELECT
    values: [small, large]
    defaults: small
tasks:
  - id: validate
    type: io.kestra.plugin.core.log.Log
    message: "VM {{ inputs.size }} requested by {{ inputs.requester }}"
  - id: wait_for_approval
    type: io.kestra.plugin.core.flow.Pause
    onResume:
      - id: comment
        type: STRING
        defaults: approved
  - id: provision
    type: io.kestra.plugin.core.debug.Return
    format: "vm-{{ inputs.size }}-{{ outputs.wait_for_approval.onResume.comment }}"
outputs:
  - id: vm
    type: STRING
    value: "{{ outputs.provision.value }}"
`;

const APPROVAL_APP = `id: vm_request
type: io.kestra.plugin.ee.apps.Execution
displayName: Request a virtual machine
namespace: company.team
flowId: request_vm
access: PUBLIC
approvals:
  required: 2
layout:
  - on: OPEN
    blocks:
      - type: io.kestra.plugin.ee.apps.core.blocks.Markdown
        content: |
          ## Request a VM
          Fill in the form; **two** colleagues approve it.
      - type: io.kestra.plugin.ee.apps.execution.blocks.CreateExecutionForm
      - type: io.kestra.plugin.ee.apps.execution.blocks.CreateExecutionButton
        text: Submit request
        style: SUCCESS
  - on: RUNNING
    blocks:
      - type: io.kestra.plugin.ee.apps.core.blocks.Loading
      - type: io.kestra.plugin.ee.apps.execution.blocks.Logs
  - on: PAUSE
    blocks:
      - type: io.kestra.plugin.ee.apps.core.blocks.Markdown
        content: "## Review this request"
      - type: io.kestra.plugin.ee.apps.execution.blocks.Inputs
      - type: io.kestra.plugin.ee.apps.execution.blocks.ResumeExecutionForm
      - type: io.kestra.plugin.ee.apps.execution.blocks.ResumeExecutionButton
        text: Approve
        style: SUCCESS
      - type: io.kestra.plugin.ee.apps.execution.blocks.CancelExecutionButton
        text: Reject
        style: DANGER
  - on: SUCCESS
    blocks:
      - type: io.kestra.plugin.ee.apps.core.blocks.Alert
        style: SUCCESS
        showIcon: true
        content: Your VM is ready.
      - type: io.kestra.plugin.ee.apps.execution.blocks.Outputs
  - on: FAILURE
    blocks:
      - type: io.kestra.plugin.ee.apps.core.blocks.Alert
        style: ERROR
        content: The request was rejected.
`;

const PRIVATE_APP = `id: private_form
type: io.kestra.plugin.ee.apps.Execution
namespace: company.team
flowId: request_vm
access:
  type: PRIVATE
`;

describe('apps (browser)', { skip }, () => {
  let dev: Proc;
  let browser: Browser;
  let url = '';
  let admin = '';
  const tokens: Record<string, string> = {};

  before(async () => {
    const repo = join(mkdtempSync(join(tmpdir(), 'osprey-apps-e2e-')), 'flows-repo');
    assert.equal(spawnSync(process.execPath, [bin, 'init', repo]).status, 0);
    writeFileSync(join(repo, 'flows/company/team/request_vm.yaml'), FLOW);
    mkdirSync(join(repo, 'apps'));
    writeFileSync(join(repo, 'apps/vm_request.yaml'), APPROVAL_APP);
    writeFileSync(join(repo, 'apps/private_form.yaml'), PRIVATE_APP);
    // People's tokens, made before the server holds the embedded database.
    const env = { ...process.env, OSPREY_DATA_DIR: join(repo, '.osprey') };
    delete (env as Record<string, string | undefined>)['DATABASE_URL'];
    for (const name of ['alice', 'bob', 'carol']) {
      const made = spawnSync(process.execPath, [bin, 'tokens', 'create', name], { env, encoding: 'utf8' });
      assert.equal(made.status, 0, made.stderr);
      tokens[name] = made.stdout.trim();
    }
    dev = spawnNode(
      [bin, 'dev', '--port', '0'],
      {},
      { cwd: repo, unset: ['DATABASE_URL', 'OSPREY_API_TOKEN', 'PORT'] },
    );
    url = (await dev.waitFor(/Osprey dev is running on (http:\/\/\S+)/, 90_000))[1] as string;
    admin = (await dev.waitFor(/API token: (\S+)/, 60_000))[1] as string;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--headless=new'] });
  });
  after(async () => {
    await browser?.close();
    await dev?.kill('SIGINT');
  });

  const person = async (name: string, options: { javaScriptEnabled?: boolean } = {}) => {
    const context: BrowserContext = await browser.newContext({
      viewport: { width: 1100, height: 900 },
      ...options,
    });
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    await page.goto(`${url}/apps/sign-in?next=/apps/company.team/vm_request`);
    await page.locator('#token').fill(tokens[name] as string);
    await page.locator('button[type=submit]').click();
    await page.waitForURL(/\/apps\/company\.team\/vm_request$/);
    await page.locator('.who strong', { hasText: name }).waitFor();
    return page;
  };
  const stage = (page: Page, name: string) =>
    page.locator(`main[data-stage="${name}"]`).waitFor({ timeout: 30_000 });

  it('sends a visitor of a PRIVATE app to sign-in, and back to the app after it', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const res = await page.goto(`${url}/apps/company.team/private_form`);
    assert.match(page.url(), /\/apps\/sign-in\?next=%2Fapps%2Fcompany\.team%2Fprivate_form$/);
    assert.equal(res?.status(), 200);
    await page.locator('#token').fill('osp_not_a_token');
    await page.locator('button[type=submit]').click();
    await page.locator('.notice.error', { hasText: 'not valid' }).waitFor();
    await page.locator('#token').fill(tokens['alice'] as string);
    await page.locator('button[type=submit]').click();
    await page.waitForURL(/\/apps\/company\.team\/private_form$/);
    await page.locator('#input-requester').waitFor();
    await context.close();
  });

  it('takes a request from the form, shows it paused, needs two approvers other than the requester, then shows the outputs', async () => {
    const alice = await person('alice');
    assert.match((await alice.locator('.markdown').textContent()) ?? '', /two colleagues approve/);
    assert.equal(await alice.locator('#input-size').inputValue(), 'small', 'defaults are filled in');
    await alice.locator('#input-size').selectOption('large');
    await alice.locator('button[data-action=create]').click();
    await alice
      .locator('.field-error[data-for="requester"]')
      .or(alice.locator('#input-requester:invalid'))
      .first()
      .waitFor();
    await alice.locator('#input-requester').fill('Ada');
    await alice.screenshot({ path: join(shots, 'apps-form.png'), fullPage: true });
    await alice.locator('button[data-action=create]').click();
    await alice.waitForURL(/\/executions\/\w+$/);
    const requestUrl = alice.url();
    await stage(alice, 'PAUSE');
    assert.equal(await alice.locator('.inputs tr[data-key="requester"] td').textContent(), 'Ada');
    assert.match((await alice.locator('.approvals').textContent()) ?? '', /0 of 2/);

    await alice.locator('button[data-action=approve]').click();
    await alice.locator('.notice.error', { hasText: 'someone else has to approve' }).waitFor();
    assert.match(
      (await alice.locator('.approvals').textContent()) ?? '',
      /0 of 2/,
      'the requester is not counted',
    );

    // Bob browses without JavaScript: plain forms and meta refresh do everything.
    const bob = await person('bob', { javaScriptEnabled: false });
    await bob.goto(requestUrl);
    await stage(bob, 'PAUSE');
    await bob.locator('#input-comment').fill('ok by bob');
    await bob.locator('button[data-action=approve]').click();
    await bob.locator('.notice.info', { hasText: '1 more needed' }).waitFor();
    assert.match((await bob.locator('.approvals').textContent()) ?? '', /1 of 2 \(bob\)/);
    await bob.locator('.done', { hasText: 'You approved' }).waitFor();
    await bob.screenshot({ path: join(shots, 'apps-approval.png'), fullPage: true });

    const carol = await person('carol');
    await carol.goto(requestUrl);
    await stage(carol, 'PAUSE');
    await carol.locator('#input-comment').fill('ok by carol');
    await carol.locator('button[data-action=approve]').click();
    await carol.locator('.notice.info', { hasText: 'Approved' }).waitFor();
    await stage(carol, 'SUCCESS');
    assert.equal(await carol.locator('.outputs tr[data-key="vm"] td').textContent(), 'vm-large-ok by carol');
    await bob.reload();
    await stage(bob, 'SUCCESS');
    await carol.screenshot({ path: join(shots, 'apps-success.png'), fullPage: true });

    // Who did what, from where.
    const res = await fetch(`${url}/api/v1/audit-logs?resourceType=EXECUTION&size=100`, {
      headers: { authorization: `Bearer ${admin}` },
    });
    assert.equal(res.status, 200);
    const { results } = (await res.json()) as {
      results: Array<{
        action: string;
        actorName?: string;
        ip?: string;
        userAgent?: string;
        details?: { reason?: string };
      }>;
    };
    const did = (action: string, who: string) =>
      results.find((r) => r.action === action && r.actorName === who);
    assert.ok(did('CREATE', 'alice'));
    assert.equal(did('REFUSED', 'alice')?.details?.reason, 'self-approval');
    for (const who of ['bob', 'carol']) {
      const entry = did('APPROVE', who);
      assert.ok(entry, `${who} approved`);
      assert.equal(entry.ip, '127.0.0.1');
      assert.match(entry.userAgent ?? '', /Chrome/);
    }
    const made = await fetch(`${url}/api/v1/audit-logs?resourceType=TOKEN&action=CREATE`, {
      headers: { authorization: `Bearer ${admin}` },
    });
    const tokenEntries = (
      (await made.json()) as { results: Array<{ actorKind: string; details?: { name?: string } }> }
    ).results;
    assert.deepEqual(
      tokenEntries.map((e) => e.details?.name).sort(),
      ['alice', 'bob', 'carol'],
      'osprey tokens create is recorded',
    );
    assert.ok(tokenEntries.every((e) => e.actorKind === 'cli'));
    await Promise.all([alice, bob, carol].map((p) => p.context().close()));
  });

  it('cancels a request one person rejects', async () => {
    const bob = await person('bob', { javaScriptEnabled: false });
    await bob.locator('#input-requester').fill('Grace');
    await bob.locator('button[data-action=create]').click();
    await bob.waitForURL(/\/executions\/\w+$/);
    const requestUrl = bob.url();
    const carol = await person('carol');
    await carol.goto(requestUrl);
    await stage(carol, 'PAUSE');
    await carol.locator('button[data-action=reject]').click();
    await carol.locator('.notice.info', { hasText: 'You rejected' }).waitFor();
    await stage(carol, 'FAILURE');
    await carol.locator('.alert', { hasText: 'rejected' }).waitFor();
    await Promise.all([bob, carol].map((p) => p.context().close()));
  });
});
