/**
 * The web console in a real browser (Debian's chromium through playwright-core) against a real
 * `osprey dev` on PGlite and on Postgres (when it answers at DATABASE_URL or the local default): a
 * check run's Details link, the list's filters and keyset pages, starting a flow from the generated
 * form, live logs, 20,000 log lines, a flow's triggers, topology export and revisions, the Pause
 * task's onResume form, pause / resume / kill; and sign-in on `osprey server`.
 * `CONSOLE_SCREENSHOTS=docs` refreshes the screenshots in docs/console-*.png.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { type Browser, chromium, type Page } from 'playwright-core';
import { eventually } from '../support/eventually.ts';
import { freePort, type Proc, spawnNode } from './server/support/processes.ts';

const root = join(import.meta.dirname, '../..');
const bin = join(root, 'bin/osprey.js');
const CHROMIUM = '/usr/bin/chromium';
/** Screenshots go to docs/ with CONSOLE_SCREENSHOTS=docs (to refresh the committed ones), else to a temp folder. */
const shots =
  process.env['CONSOLE_SCREENSHOTS'] === 'docs'
    ? join(root, 'docs')
    : mkdtempSync(join(tmpdir(), 'osprey-console-shots-'));
const skip = existsSync(CHROMIUM)
  ? false
  : `${CHROMIUM} is missing: apt-get install chromium to run the browser tests`;

const INPUTS_FLOW = `id: console_inputs
namespace: company.team
inputs:
  - id: name
    type: STRING
    defaults: Ada
  - id: count
    type: INT
    min: 1
  - id: ratio
    type: FLOAT
    defaults: 0.5
  - id: loud
    type: BOOLEAN
    defaults: false
  - id: region
    type: SELECT
    values: [eu, us]
    defaults: eu
  - id: features
    type: MULTISELECT
    values: [a, b, c]
  - id: at
    type: DATETIME
    defaults: "2026-01-02T03:04:05Z"
  - id: data
    type: FILE
    required: false
tasks:
  - id: show
    type: io.kestra.plugin.core.log.Log
    message: "name={{ inputs.name }} count={{ inputs.count }} ratio={{ inputs.ratio }} loud={{ inputs.loud }} region={{ inputs.region }} features={{ inputs.features | join(',') }}"
`;

const TICKER_FLOW = `id: ticker
namespace: company.team
tasks:
  - id: tick1
    type: io.kestra.plugin.core.log.Log
    message: tick one
  - id: nap
    type: io.kestra.plugin.core.flow.Sleep
    duration: PT3S
  - id: tick2
    type: io.kestra.plugin.core.log.Log
    message: tick two
`;

const LONG_FLOW = `id: long
namespace: company.team
tasks:
  - id: started
    type: io.kestra.plugin.core.log.Log
    message: long flow started
  - id: wait
    type: io.kestra.plugin.core.flow.Sleep
    duration: PT60S
`;

const TOPOLOGY_FLOW = `id: shapes
namespace: company.team
tasks:
  - id: first
    type: io.kestra.plugin.core.log.Log
    message: one
  - id: fan
    type: io.kestra.plugin.core.flow.Parallel
    tasks:
      - id: left
        type: io.kestra.plugin.core.log.Log
        message: l
      - id: right
        type: io.kestra.plugin.core.log.Log
        message: r
  - id: check
    type: io.kestra.plugin.core.flow.If
    condition: "{{ true }}"
    then:
      - id: "yes"
        type: io.kestra.plugin.core.log.Log
        message: "y"
    else:
      - id: "no"
        type: io.kestra.plugin.core.log.Log
        message: "n"
errors:
  - id: alert
    type: io.kestra.plugin.core.log.Log
    message: failed
finally:
  - id: cleanup
    type: io.kestra.plugin.core.log.Log
    message: done
`;

const NIGHTLY_FLOW = `id: nightly
namespace: company.team
tasks:
  - id: hello
    type: io.kestra.plugin.core.log.Log
    message: good morning
triggers:
  - id: every_morning
    type: io.kestra.plugin.core.trigger.Schedule
    cron: "0 9 * * *"
  - id: resting
    type: io.kestra.plugin.core.trigger.Schedule
    cron: "*/5 * * * *"
    disabled: true
`;

const APPROVAL_FLOW = `id: approval
namespace: company.team
tasks:
  - id: ask
    type: io.kestra.plugin.core.flow.Pause
    onResume:
      - id: reason
        type: STRING
        description: Why it may go on
      - id: decision
        type: SELECT
        values: [approve, reject]
        defaults: approve
      - id: copies
        type: INT
        min: 1
        defaults: 1
  - id: after
    type: io.kestra.plugin.core.log.Log
    message: "{{ outputs.ask.onResume.decision }} because {{ outputs.ask.onResume.reason }} x{{ outputs.ask.onResume.copies }}"
`;

const CHATTY_FLOW = `id: chatty
namespace: company.team
tasks:
  - id: talk
    type: io.kestra.plugin.scripts.shell.Commands
    commands:
      - seq -f 'line %g of the import' 1 20000
`;

const POSTGRES_URL = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** Whether Postgres answers; the osprey dev suite then runs on it too, in a schema of its own. */
async function postgresUp(): Promise<boolean> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

async function dropSchemas(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    await client.query(
      `DROP SCHEMA IF EXISTS "${schema}" CASCADE; DROP SCHEMA IF EXISTS "${schema}_pgboss" CASCADE`,
    );
  } finally {
    await client.end();
  }
}

const BACKENDS: Array<{ name: string; schema?: string; skip: string | false }> = [
  { name: 'PGlite', skip: false },
  {
    name: 'Postgres',
    schema: `console_e2e_${Date.now().toString(36)}`,
    skip: (await postgresUp())
      ? false
      : `Postgres does not answer at ${POSTGRES_URL}: set DATABASE_URL to run this suite on it`,
  },
];

/** Width and height from a PNG's IHDR chunk, after checking the 8-byte signature. */
function pngSize(bytes: Buffer): { width: number; height: number } {
  assert.deepEqual(
    [...bytes.subarray(0, 8)],
    [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
    'PNG signature',
  );
  assert.equal(bytes.subarray(12, 16).toString('latin1'), 'IHDR');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

for (const backend of BACKENDS) {
  describe(`web console on osprey dev, ${backend.name} (browser)`, { skip: skip || backend.skip }, () => {
    let dev: Proc;
    let browser: Browser;
    let page: Page;
    let url = '';
    let token = '';
    let flowsDir = '';

    const start = async (flowId: string, wait = false) => {
      const res = await fetch(`${url}/api/v1/executions/company.team/${flowId}${wait ? '?wait=true' : ''}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
      });
      assert.equal(res.status, 200);
      return (await res.json()) as { id: string };
    };
    /** The screenshots come from the PGlite run (the pages look the same on Postgres). */
    const shot = async (name: string) => {
      if (backend.schema === undefined)
        await page.screenshot({ path: join(shots, `console-${name}.png`), fullPage: true });
    };
    const stateOf = (p: Page) => p.locator('.exec-head h1 .state');

    before(async () => {
      const repo = join(mkdtempSync(join(tmpdir(), 'osprey-console-e2e-')), 'flows-repo');
      assert.equal(spawnSync(process.execPath, [bin, 'init', repo]).status, 0);
      writeFileSync(join(repo, 'flows/company/team/console_inputs.yaml'), INPUTS_FLOW);
      writeFileSync(join(repo, 'flows/company/team/ticker.yaml'), TICKER_FLOW);
      writeFileSync(join(repo, 'flows/company/team/long.yaml'), LONG_FLOW);
      writeFileSync(join(repo, 'flows/company/team/shapes.yaml'), TOPOLOGY_FLOW);
      writeFileSync(join(repo, 'flows/company/team/chatty.yaml'), CHATTY_FLOW);
      writeFileSync(join(repo, 'flows/company/team/nightly.yaml'), NIGHTLY_FLOW);
      writeFileSync(join(repo, 'flows/company/team/approval.yaml'), APPROVAL_FLOW);
      flowsDir = join(repo, 'flows/company/team');
      dev = spawnNode(
        [bin, 'dev', '--port', '0'],
        backend.schema === undefined
          ? {}
          : { DATABASE_URL: POSTGRES_URL, OSPREY_DATABASE_SCHEMA: backend.schema },
        {
          cwd: repo,
          unset:
            backend.schema === undefined
              ? ['DATABASE_URL', 'OSPREY_API_TOKEN', 'PORT']
              : ['OSPREY_API_TOKEN', 'PORT'],
        },
      );
      // A loaded machine can take long to compile PGlite and migrate.
      url = (await dev.waitFor(/Osprey dev is running on (http:\/\/\S+)/, 180_000))[1] as string;
      token = (await dev.waitFor(/API token: (\S+)/, 60_000))[1] as string;
      browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--headless=new'] });
      page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
      page.setDefaultTimeout(15_000);
    });
    after(async () => {
      await browser?.close();
      await dev?.kill('SIGINT');
      if (backend.schema !== undefined) await dropSchemas(backend.schema);
    });

    it("opens a check run's Details link and shows the task runs, their states and the logs", async () => {
      const done = await start('hello_world', true);
      await page.goto(`${url}/ui/executions/company.team/hello_world/${done.id}`);
      await page.locator('.exec-head h1 .state[data-state="SUCCESS"]').waitFor();
      for (const task of ['greet', 'each_region', 'region_label', 'check', 'default_user', 'team_setting']) {
        await page.locator(`tr[data-task-id="${task}"]`).first().waitFor();
      }
      assert.equal(
        await page.locator('tr[data-task-id="region_label"]').count(),
        2,
        'one row per ForEach value',
      );
      assert.equal(await page.locator('tr[data-task-id="greet"] .state').textContent(), 'SUCCESS');
      await page.locator('.log-line', { hasText: 'Hello, Osprey!' }).waitFor();
      assert.match((await page.locator('.details').textContent()) ?? '', /regions.*region EU, region US/s);
      assert.match(
        (await page.locator('.source').textContent()) ?? '',
        /flows\/company\/team\/hello_world\.yaml/,
      );
      // The viewer filters on the next frame: wait for the rows it draws.
      const lines = (n: number, what: string) =>
        eventually(async () => (await page.locator('.log-line').count()) === n, 5000, what);
      await page.locator('input[name=search]').fill('motto');
      await lines(0, 'no line mentions "motto"');
      await page.locator('input[name=search]').fill('Inherited');
      await lines(1, 'one line mentions "Inherited"');
      await page.locator('input[name=search]').fill('');
      await shot('execution');

      await page.goto(`${url}/ui/executions?state=SUCCESS&flow=hello_world`);
      await page.locator(`tr[data-id="${done.id}"]`).waitFor();
      assert.equal(
        await page.locator('input[name=flow]').inputValue(),
        'hello_world',
        'the filter comes from the URL',
      );
      assert.ok(await page.locator('input[name=state][value=SUCCESS]').isChecked());
      await page.locator('input[name=state][value=FAILED]').check();
      await page.locator('input[name=state][value=SUCCESS]').uncheck();
      await page.locator('form.filters button[type=submit]').click();
      await page.waitForURL(/state=FAILED/);
      await page.locator('.results', { hasText: 'No execution matches.' }).waitFor();
      await page.goto(`${url}/ui/executions`);
      await page.locator(`tr[data-id="${done.id}"]`).waitFor();
      await shot('executions');
    });

    it('starts an execution from the form generated from the inputs; refusals show on the field', async () => {
      await page.goto(`${url}/ui/flows`);
      await page.locator('a', { hasText: 'console_inputs' }).click();
      await page.waitForURL(/\/ui\/flows\/company\.team\/console_inputs$/);
      assert.equal(await page.locator('#input-name').inputValue(), 'Ada', 'defaults are filled in');
      assert.equal(await page.locator('#input-region').inputValue(), 'eu');
      assert.match(await page.locator('#input-at').inputValue(), /^2026-01-0[12]T\d\d:04:05$/);
      await page.locator('#input-count').fill('0');
      await page.locator('form.start button[type=submit]').click();
      const problem = page.locator('.field-error[data-for="count"]');
      await problem.filter({ hasText: /at least 1/ }).waitFor();
      assert.match(
        (await page.locator('.field-error[data-for="features"]').textContent()) ?? '',
        /required|missing/i,
      );
      await shot('start');
      await page.locator('#input-count').fill('3');
      await page.locator('#input-loud').check();
      await page.locator('#input-region').selectOption('us');
      await page.locator('#input-features input[value=a]').check();
      await page.locator('#input-features input[value=c]').check();
      await page
        .locator('#input-data')
        .setInputFiles({ name: 'd.csv', mimeType: 'text/csv', buffer: Buffer.from('x\n') });
      await page.locator('#labels').fill('via:console');
      await page.locator('form.start button[type=submit]').click();
      await page.waitForURL(/\/ui\/executions\/company\.team\/console_inputs\/\w+$/);
      await page.locator('.exec-head h1 .state[data-state="SUCCESS"]').waitFor();
      await page
        .locator('.log-line', { hasText: 'name=Ada count=3 ratio=0.5 loud=true region=us features=a,c' })
        .waitFor();
      assert.match((await page.locator('.details').textContent()) ?? '', /via:console/);
      // The FILE input is a file of the execution: previewed in place, downloaded whole.
      const file = page.locator('.details li[data-key=data] .file');
      await file.locator('button.file-preview-toggle').click();
      await file.locator('pre.file-preview', { hasText: /^x\n$/ }).waitFor();
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        file.locator('a.file-download').click(),
      ]);
      assert.equal(readFileSync(await download.path()).toString(), 'x\n');
      const uri = (await file.getAttribute('data-uri')) as string;
      assert.equal(download.suggestedFilename(), uri.split('/').at(-1), 'named as stored');
    });

    it('filters the executions list by labels, time and commit, pages by keyset, all kept in the URL', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 27; i++) {
        const res = await fetch(
          `${url}/api/v1/executions/company.team/nightly?labels=batch:b7&labels=n:${i % 3}`,
          {
            method: 'POST',
            headers: { authorization: `Bearer ${token}` },
          },
        );
        ids.push(((await res.json()) as { id: string }).id);
      }
      await page.goto(`${url}/ui/executions?labels=batch:b7`);
      const rows = page.locator('table.executions tbody tr');
      await page.locator('.pager', { hasText: '27 executions match' }).waitFor();
      assert.equal(await rows.count(), 25);
      await page.locator('.pager a[rel=next]').click();
      await page.waitForURL(/labels=batch%3Ab7&after=/);
      await page.locator('.pager a[rel=first]').waitFor();
      assert.equal(await rows.count(), 2, 'the page after the first 25');
      const shown = await page
        .locator('table.executions tbody tr')
        .evaluateAll((trs) => trs.map((tr) => (tr as unknown as { dataset: { id: string } }).dataset.id));
      await page.reload();
      await page.locator('.pager a[rel=first]').waitFor();
      assert.deepEqual(
        await rows.evaluateAll((trs) =>
          trs.map((tr) => (tr as unknown as { dataset: { id: string } }).dataset.id),
        ),
        shown,
        'the URL is the page: a reload shows the same rows',
      );
      // Two labels, typed into the form: both must match.
      await page.goto(`${url}/ui/executions`);
      await page.locator('input[name=labels]').fill('batch:b7 n:1');
      await page.locator('form.filters button[type=submit]').click();
      await page.waitForURL(/labels=batch%3Ab7\+n%3A1/);
      await page.locator('.pager', { hasText: '9 executions match' }).waitFor();
      assert.equal(await page.locator('input[name=labels]').inputValue(), 'batch:b7 n:1');
      await page.goto(`${url}/ui/executions?labels=batch:b7&from=2099-01-01T00:00`);
      await page.locator('.results', { hasText: 'No execution matches.' }).waitFor();
      await page.goto(`${url}/ui/executions?sha=zz`);
      await page.locator('.results .error', { hasText: /sha: a commit is 4 to 40 hexadecimal/ }).waitFor();
    });

    it('shows log lines live, while the execution runs', async () => {
      const running = await start('ticker');
      await page.goto(`${url}/ui/executions/company.team/ticker/${running.id}`);
      await page.locator('.log-line', { hasText: 'tick one' }).waitFor();
      assert.equal(await stateOf(page).textContent(), 'RUNNING', 'the first line came while it ran');
      assert.equal(await page.locator('.log-line', { hasText: 'tick two' }).count(), 0);
      await page.locator('.log-line', { hasText: 'tick two' }).waitFor();
      await page.locator('.exec-head h1 .state[data-state="SUCCESS"]').waitFor();
      assert.equal(await page.locator('.log-line', { hasText: 'tick one' }).count(), 1, 'each line once');
    });

    it("draws a flow's topology with its groups and exports it as PNG, JPG and SVG", async () => {
      await page.goto(`${url}/ui/flows/company.team/shapes?tab=topology`);
      const svg = page.locator('.topology-view svg');
      await svg.waitFor();
      for (const task of ['first', 'left', 'right', 'yes', 'no', 'alert', 'cleanup']) {
        await svg.locator(`g.node[data-task-id="${task}"]`).waitFor();
      }
      assert.equal(await svg.locator('g.group-flowable').count(), 2, 'Parallel and If are groups');
      assert.equal(await svg.locator('g.group-branch').count(), 2, 'then and else');
      assert.equal(await svg.locator('g.group-errors', { hasText: 'errors (on failure)' }).count(), 1);
      assert.equal(await svg.locator('g.group-finally', { hasText: 'finally' }).count(), 1);
      assert.ok((await svg.locator('g.edges path').count()) >= 2, 'edges between the tasks');
      const width = Number(await svg.getAttribute('width'));
      const height = Number(await svg.getAttribute('height'));
      assert.ok(width > 200 && height > 100, `a drawing of some size (${width}x${height})`);
      await shot('topology');

      const exported = async (format: string) => {
        const [file] = await Promise.all([
          page.waitForEvent('download'),
          page.locator(`button[data-export=${format}]`).click(),
        ]);
        assert.equal(file.suggestedFilename(), `company.team.shapes.${format}`);
        return readFileSync(await file.path());
      };
      const png = pngSize(await exported('png'));
      assert.deepEqual(
        png,
        { width: width * 2, height: height * 2 },
        'the PNG is the drawing at twice its size',
      );
      const jpg = await exported('jpg');
      assert.deepEqual([...jpg.subarray(0, 3)], [0xff, 0xd8, 0xff], 'JPEG start-of-image marker');
      assert.ok(jpg.length > 1000);
      const svgText = (await exported('svg')).toString('utf8');
      assert.match(
        svgText,
        /^<\?xml version="1.0" encoding="UTF-8"\?>\n<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/,
      );
      assert.match(svgText, new RegExp(`width="${width}" height="${height}"`));
      assert.match(svgText, /cleanup · Log/);
      // The exported SVG stands alone: a fresh page renders it as an image of the same size.
      const check = await browser.newPage();
      await check.setContent(
        `<img id="i" src="data:image/svg+xml;base64,${Buffer.from(svgText).toString('base64')}">`,
      );
      const natural = await check.locator('#i').evaluate(async (el) => {
        const img = el as unknown as { decode(): Promise<void>; naturalWidth: number; naturalHeight: number };
        await img.decode();
        return { width: img.naturalWidth, height: img.naturalHeight };
      });
      assert.deepEqual(natural, { width, height });
      await check.close();
    });

    it("lists a flow's revisions and shows the diff between two", async () => {
      writeFileSync(
        join(flowsDir, 'shapes.yaml'),
        TOPOLOGY_FLOW.replace('message: one', 'message: one, changed'),
      );
      const revisions = async () => {
        const res = await fetch(`${url}/api/v1/flows/company.team/shapes/revisions`, {
          headers: { authorization: `Bearer ${token}` },
        });
        return ((await res.json()) as Array<{ revision: number }>).length;
      };
      for (let i = 0; (await revisions()) < 2; i++) {
        assert.ok(i < 100, 'osprey dev deploys the changed file as revision 2');
        await new Promise((r) => setTimeout(r, 100));
      }
      await page.goto(`${url}/ui/flows/company.team/shapes`);
      await page.locator('nav.tabs a[data-tab=revisions]').click();
      await page.waitForURL(/tab=revisions$/);
      await page.locator('table.revisions tr[data-revision="2"]').waitFor();
      assert.equal(await page.locator('table.revisions tbody tr').count(), 2);
      await page.locator('.diff h2', { hasText: 'Revision 1 → 2' }).waitFor();
      assert.deepEqual(await page.locator('table.diff-lines tr.del td.code').allTextContents(), [
        '-    message: one',
      ]);
      assert.deepEqual(await page.locator('table.diff-lines tr.add td.code').allTextContents(), [
        '+    message: one, changed',
      ]);
      await shot('revisions');
      // The same revision on both sides: nothing to show; the choice is kept in the URL.
      await page.locator('table.revisions tr[data-revision="2"] input[name=from]').check();
      await page.waitForURL(/from=2&to=2/);
      await page.locator('.diff', { hasText: 'The same revision' }).waitFor();
      await page.goto(`${url}/ui/flows/company.team/shapes?tab=revisions&from=2&to=1`);
      await page.locator('.diff h2', { hasText: 'Revision 2 → 1' }).waitFor();
      assert.deepEqual(await page.locator('table.diff-lines tr.add td.code').allTextContents(), [
        '+    message: one',
      ]);
    });

    it("shows a flow's triggers with their next fire time, its commit and its source", async () => {
      await page.goto(`${url}/ui/flows/company.team/nightly`);
      const morning = page.locator('tr[data-trigger=every_morning]');
      await morning.waitFor();
      const at = (await morning.locator('td.next').getAttribute('data-at')) as string;
      assert.match(at, /T09:00:00\.000Z$/, 'the next 09:00 UTC');
      assert.ok(Date.parse(at) > Date.now() && Date.parse(at) <= Date.now() + 86_400_000);
      assert.match((await morning.textContent()) ?? '', /cron 0 9 \* \* \*.*active/);
      assert.match((await page.locator('tr[data-trigger=resting]').textContent()) ?? '', /disabled$/);
      // The source in a read-only CodeMirror view, highlighted as YAML.
      const editor = page.locator('.source .yaml-view .cm-content');
      await editor.waitFor();
      assert.match((await editor.textContent()) ?? '', /id: every_morning/);
      assert.equal(await editor.getAttribute('contenteditable'), 'false');
      assert.ok((await page.locator('.source .yaml-view .cm-line span').count()) > 3, 'highlighted tokens');
      await shot('flow');
    });

    it('keeps 20,000 log lines smooth: only the rows in view are drawn; search and follow work on all', async () => {
      const done = await start('chatty', true);
      // The page shows the lines in the server's order (the runner may store batches out of order).
      const stored = (await (
        await fetch(`${url}/api/v1/logs/${done.id}`, { headers: { authorization: `Bearer ${token}` } })
      ).json()) as Array<{ message: string }>;
      assert.equal(stored.length, 20000);
      const firstLine = stored[0]?.message as string;
      const lastLine = stored.at(-1)?.message as string;
      await page.goto(`${url}/ui/executions/company.team/chatty/${done.id}`);
      const count = page.locator('.log-tools .muted');
      await count.filter({ hasText: /^20000 of 20000 lines$/ }).waitFor({ timeout: 60_000 });
      const drawn = await page.locator('.log-line').count();
      assert.ok(drawn > 5 && drawn < 200, `only the rows in view are in the page (${drawn})`);
      await page.locator('.log-line .msg', { hasText: lastLine }).waitFor();
      assert.ok(
        await page.locator('input[name=follow]').isChecked(),
        'following: the newest line is in view',
      );
      // Scrolling up leaves follow mode and shows the first lines.
      await page.locator('.log-lines').evaluate((el) => {
        el.scrollTop = 0;
      });
      await page.locator('.log-line .msg', { hasText: new RegExp(`^${firstLine}$`) }).waitFor();
      assert.equal(await page.locator('input[name=follow]').isChecked(), false);
      await page.locator('input[name=search]').fill('line 12345 of');
      await count.filter({ hasText: /^1 of 20000 lines$/ }).waitFor();
      assert.deepEqual(await page.locator('.log-line .msg').allTextContents(), ['line 12345 of the import']);
      await page.locator('select[name=level]').selectOption('WARN');
      await count.filter({ hasText: /^0 of 20000 lines$/ }).waitFor();
      await page.locator('select[name=level]').selectOption('INFO');
      await page.locator('input[name=search]').fill('');
      await page.locator('input[name=follow]').check();
      await page.locator('.log-line .msg', { hasText: lastLine }).waitFor();
    });

    it('resumes a Pause task with its onResume inputs form; refusals show on the field', async () => {
      const running = await start('approval');
      // The page opens on the paused execution (the form is drawn from a PAUSED task run).
      await eventually(async () => {
        const res = await fetch(`${url}/api/v1/executions/${running.id}`, {
          headers: { authorization: `Bearer ${token}` },
        });
        return ((await res.json()) as { state: { current: string } }).state.current === 'PAUSED';
      }, 15_000);
      await page.goto(`${url}/ui/executions/company.team/approval/${running.id}`);
      await page.locator('.exec-head h1 .state[data-state="PAUSED"]').waitFor();
      const form = page.locator('form.resume');
      await form.locator('h2', { hasText: 'ask' }).waitFor();
      assert.equal(await form.locator('#input-decision').inputValue(), 'approve', 'defaults are filled in');
      await form.locator('#input-copies').fill('0');
      await form.locator('button[type=submit]').click();
      await form.locator('.field-error[data-for="copies"]', { hasText: /at least 1/ }).waitFor();
      assert.match(
        (await form.locator('.field-error[data-for="reason"]').textContent()) ?? '',
        /required|missing/i,
      );
      assert.equal(await stateOf(page).textContent(), 'PAUSED', 'a refused resume changes nothing');
      await shot('resume');
      await form.locator('#input-reason').fill('the numbers add up');
      await form.locator('#input-decision').selectOption('reject');
      await form.locator('#input-copies').fill('2');
      // The answer to the resume arrives after the execution has finished and its streams have
      // ended (as on a loaded machine): the page must not show the lines twice.
      const resume = `**/api/v1/executions/${running.id}/resume`;
      let answered: () => void = () => {};
      const held = new Promise<void>((resolve) => (answered = resolve));
      await page.route(resume, async (route) => {
        const answer = await route.fetch();
        await eventually(async () => {
          const res = await fetch(`${url}/api/v1/executions/${running.id}`, {
            headers: { authorization: `Bearer ${token}` },
          });
          return ((await res.json()) as { state: { current: string } }).state.current === 'SUCCESS';
        }, 15_000);
        await page.locator('.exec-head h1 .state[data-state="SUCCESS"]').waitFor();
        await new Promise((r) => setTimeout(r, 500));
        await route.fulfill({ response: answer });
        answered();
      });
      await form.locator('button[type=submit]').click();
      await held;
      await page.unroute(resume);
      const line = page.locator('.log-line', { hasText: 'reject because the numbers add up x2' });
      await line.first().waitFor();
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(await line.count(), 1, 'each line once');
      assert.equal(await page.locator('form.resume').count(), 0, 'the form goes once resumed');
    });

    it('pauses, resumes and kills a running execution', async () => {
      const running = await start('long');
      await page.goto(`${url}/ui/executions/company.team/long/${running.id}`);
      await page.locator('.log-line', { hasText: 'long flow started' }).waitFor();
      await page.locator('.exec-head h1 .state[data-state="RUNNING"]').waitFor();
      await page.locator('button[data-action=pause]').click();
      await page.locator('.exec-head h1 .state[data-state="PAUSED"]').waitFor();
      assert.ok(await page.locator('button[data-action=pause]').isDisabled());
      await page.locator('button[data-action=resume]').click();
      await page.locator('.exec-head h1 .state[data-state="RUNNING"]').waitFor();
      await shot('running');
      await page.locator('button[data-action=kill]').click();
      await page.locator('.exec-head h1 .state[data-state="KILLED"]').waitFor();
      const res = await fetch(`${url}/api/v1/executions/${running.id}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      assert.equal(((await res.json()) as { state: { current: string } }).state.current, 'KILLED');
      assert.ok(await page.locator('button[data-action=kill]').isDisabled());
    });
  });
}

describe('web console on osprey server (browser)', { skip }, () => {
  let server: Proc;
  let browser: Browser;
  let url = '';
  const token = `osp_e2e_${'k'.repeat(40)}`;

  before(async () => {
    // osprey server takes no port 0: ask the system for a free one.
    const port = await freePort();
    server = spawnNode(
      [bin, 'server', '--port', String(port), '--host', '127.0.0.1'],
      { OSPREY_API_TOKEN: token, OSPREY_DATA_DIR: mkdtempSync(join(tmpdir(), 'osprey-console-server-')) },
      { unset: ['DATABASE_URL', 'PORT', 'APP_ID'] },
    );
    url = (await server.waitFor(/listening on (http:\/\/\S+)/, 180_000))[1] as string;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--headless=new'] });
  });
  after(async () => {
    await browser?.close();
    await server?.kill('SIGINT');
  });

  it('asks for an API token, even from this machine, then opens the page the link pointed at', async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 700 } });
    page.setDefaultTimeout(15_000);
    await page.goto(`${url}/ui/executions?state=FAILED`);
    await page.waitForURL(/\/ui\/sign-in\?next=/);
    await page.locator('#token').fill('osp_api_wrong');
    await page.locator('form.sign-in button[type=submit]').click();
    await page.locator('.field-error', { hasText: /invalid, revoked or expired/ }).waitFor();
    await page.locator('#token').fill(token);
    await page.screenshot({ path: join(shots, 'console-sign-in.png') });
    await page.locator('form.sign-in button[type=submit]').click();
    await page.waitForURL(/\/ui\/executions\?state=FAILED$/);
    await page.locator('.results', { hasText: 'No execution matches.' }).waitFor();
    await page.locator('#who', { hasText: 'signed in as admin' }).waitFor();
    const cookies = await page.context().cookies();
    const session = cookies.find((c) => c.name === 'osprey_console');
    assert.ok(session?.httpOnly, 'HttpOnly');
    assert.equal(session?.sameSite, 'Lax');
    await page.locator('#who button', { hasText: 'sign out' }).click();
    await page.waitForURL(/\/ui\/sign-in/);
    await page.goto(`${url}/ui/flows`);
    await page.waitForURL(/\/ui\/sign-in\?next=%2Fui%2Fflows/);
  });
});
