/**
 * Versioned plugins end to end with the real CLI: two versions of a Log plugin package installed
 * beside the built-in one (from a folder and from an `npm pack` tarball), tasks picking versions
 * with `version:` (exact, LATEST, OLDEST), flow and instance defaults, an unknown version refused
 * by `osprey validate` and `osprey run` naming the installed ones, and `osprey plugins remove`.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { CORE_VERSION } from '../../runner/src/plugins/catalog.ts';
import { osprey, stopChild } from './osprey-cli.ts';

const LOG = 'io.kestra.plugin.core.log.Log';
const BIN = fileURLToPath(new URL('../../bin/osprey.js', import.meta.url));

/** A plugin package folder whose Log says which version it is. */
async function logPlugin(root: string, version: string): Promise<string> {
  const dir = join(root, `acme-log-${version}`);
  await mkdir(dir, { recursive: true });
  await writeFile(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'acme-log', version, type: 'module', osprey: { tasks: { [LOG]: './log.js' } } }),
  );
  await writeFile(
    join(dir, 'log.js'),
    `export default {
  async run(ctx) {
    ctx.logger.log('INFO', 'acme ${version}: ' + ctx.properties.message);
    return { state: 'SUCCESS', outputs: { implementation: 'acme-log@${version}' } };
  },
};
`,
  );
  return dir;
}

test('several plugin versions side by side; version: picks one, with flow and instance defaults', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'osprey-plugins-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  const repo = join(root, 'repo');
  await mkdir(join(repo, 'flows'), { recursive: true });
  const env = { OSPREY_PLUGINS_DIR: join(root, 'plugins') };

  const v1 = await logPlugin(root, '1.0.0');
  const v2 = await logPlugin(root, '2.0.0');
  const { stdout: packed } = await promisify(execFile)('npm', ['pack', '--pack-destination', root, v2], {
    cwd: root,
  });
  const tgz = join(root, packed.trim().split('\n').at(-1) as string);

  const a = await osprey(repo, ['plugins', 'install', v1], env);
  assert.equal(a.code, 0, a.stderr);
  assert.match(a.stdout, /installed acme-log@1\.0\.0 .*io\.kestra\.plugin\.core\.log\.Log/);
  const b = await osprey(repo, ['plugins', 'install', tgz], env);
  assert.equal(b.code, 0, b.stderr);
  const again = await osprey(repo, ['plugins', 'install', v1], env);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /acme-log@1\.0\.0 is already installed .*remove it first/);

  const list = await osprey(repo, ['plugins', 'list'], env);
  assert.equal(list.code, 0, list.stderr);
  assert.match(
    list.stdout,
    new RegExp(`${LOG}\\s+${CORE_VERSION} \\(osprey\\), 1\\.0\\.0 \\(acme-log\\), 2\\.0\\.0 \\(acme-log\\)`),
  );

  await writeFile(
    join(repo, 'flows', 'versions.yaml'),
    `id: versions
namespace: company.team
tasks:
  - id: exact
    type: ${LOG}
    version: 1.0.0
    message: hello
  - id: latest
    type: io.kestra.core.tasks.log.Log
    version: LATEST
    message: hello
  - id: oldest
    type: ${LOG}
    version: oldest
    message: hello
  - id: plain
    type: ${LOG}
    message: hello
`,
  );
  const run = await osprey(repo, ['run', 'flows/versions.yaml', '--json'], env);
  assert.equal(run.code, 0, run.stderr);
  const doc = JSON.parse(run.stdout) as {
    taskRunList: Array<{ taskId: string; outputs?: Record<string, unknown> }>;
    logs: Array<{ taskId?: string; message: string }>;
  };
  const impl = (id: string) => doc.taskRunList.find((r) => r.taskId === id)?.outputs?.['implementation'];
  assert.equal(impl('exact'), 'acme-log@1.0.0');
  assert.equal(impl('latest'), 'acme-log@2.0.0');
  assert.equal(impl('oldest'), undefined, 'OLDEST is the built-in Log, which has no outputs');
  assert.ok(doc.logs.some((l) => l.taskId === 'oldest' && l.message === 'hello'));
  assert.equal(impl('plain'), 'acme-log@2.0.0', 'no version: the instance default, LATEST');

  const instance = await osprey(repo, ['run', 'flows/versions.yaml', '--json'], {
    ...env,
    OSPREY_PLUGIN_VERSION: 'OLDEST',
  });
  assert.equal(instance.code, 0, instance.stderr);
  const plain = (JSON.parse(instance.stdout) as typeof doc).taskRunList.find((r) => r.taskId === 'plain');
  assert.equal(plain?.outputs?.['implementation'], undefined, 'OSPREY_PLUGIN_VERSION=OLDEST: the built-in');

  await writeFile(
    join(repo, 'flows', 'pinned.yaml'),
    `id: pinned
namespace: company.team
tasks:
  - id: plain
    type: ${LOG}
    message: hello
pluginDefaults:
  - type: io.kestra.plugin.core.log
    values:
      version: 1.0.0
`,
  );
  const pinned = await osprey(repo, ['run', 'flows/pinned.yaml', '--json'], env);
  assert.equal(pinned.code, 0, pinned.stderr);
  const pinnedRun = (JSON.parse(pinned.stdout) as typeof doc).taskRunList.find((r) => r.taskId === 'plain');
  assert.equal(pinnedRun?.outputs?.['implementation'], 'acme-log@1.0.0');

  await writeFile(
    join(repo, 'flows', 'unknown.yaml'),
    `id: unknown\nnamespace: company.team\ntasks:\n  - id: log\n    type: ${LOG}\n    version: 9.9.9\n    message: hello\n`,
  );
  const installed = `installed: ${CORE_VERSION} \\(osprey\\), 1\\.0\\.0 \\(acme-log\\), 2\\.0\\.0 \\(acme-log\\)`;
  const validate = await osprey(repo, ['validate', 'flows/unknown.yaml'], env);
  assert.equal(validate.code, 1, validate.stdout + validate.stderr);
  assert.match(
    validate.stdout + validate.stderr,
    new RegExp(`flows/unknown\\.yaml:6:\\d+.*task 'log': '${LOG}' has no version '9\\.9\\.9'; ${installed}`),
  );
  const refused = await osprey(repo, ['run', 'flows/unknown.yaml'], env);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /unknown-plugin-version|has no version '9\.9\.9'/);

  const removed = await osprey(repo, ['plugins', 'remove', 'acme-log@2.0.0'], env);
  assert.equal(removed.code, 0, removed.stderr);
  const after = await osprey(repo, ['plugins', 'list', '--json'], env);
  const listing = JSON.parse(after.stdout) as {
    plugins: Array<{ type: string; versions: Array<{ version: string }> }>;
  };
  assert.deepEqual(
    listing.plugins.find((p) => p.type === LOG)?.versions.map((v) => v.version),
    [CORE_VERSION, '1.0.0'],
  );
  const missing = await osprey(repo, ['plugins', 'remove', 'acme-log@2.0.0'], env);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /acme-log has no version 2\.0\.0 installed; installed: 1\.0\.0/);
});

test('a namespace default version from .osprey.yml: osprey validate, osprey run and osprey dev (re-read on save)', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'osprey-plugins-ns-'));
  let dev: ChildProcess | undefined;
  t.after(async () => {
    await stopChild(dev);
    await rm(root, { recursive: true, force: true });
  });
  const repo = join(root, 'repo');
  await mkdir(join(repo, 'flows'), { recursive: true });
  const env = { OSPREY_PLUGINS_DIR: join(root, 'plugins') };
  for (const version of ['1.0.0', '2.0.0']) {
    const installed = await osprey(repo, ['plugins', 'install', await logPlugin(root, version)], env);
    assert.equal(installed.code, 0, installed.stderr);
  }
  const config = (version: string) =>
    `pluginDefaults:\n  company:\n    - type: io.kestra.plugin.core.log\n      values:\n        version: ${version}\n`;
  await writeFile(join(repo, '.osprey.yml'), config('1.0.0'));
  await writeFile(
    join(repo, 'flows', 'versions.yaml'),
    `id: versions
namespace: company.team
tasks:
  - id: plain
    type: ${LOG}
    message: hello
  - id: own
    type: ${LOG}
    version: 2.0.0
    message: hello
`,
  );
  await writeFile(
    join(repo, 'flows', 'elsewhere.yaml'),
    `id: elsewhere\nnamespace: other\ntasks:\n  - id: plain\n    type: ${LOG}\n    message: hello\n`,
  );
  type Doc = { taskRunList: Array<{ taskId: string; outputs?: Record<string, unknown> }> };
  const impl = (doc: Doc, id: string) =>
    doc.taskRunList.find((r) => r.taskId === id)?.outputs?.['implementation'];

  const run = await osprey(repo, ['run', 'flows/versions.yaml', '--json'], env);
  assert.equal(run.code, 0, run.stderr);
  const doc = JSON.parse(run.stdout) as Doc;
  assert.equal(impl(doc, 'plain'), 'acme-log@1.0.0', "company's default applies to company.team");
  assert.equal(impl(doc, 'own'), 'acme-log@2.0.0', "the task's own version wins");
  const other = await osprey(repo, ['run', 'flows/elsewhere.yaml', '--json'], env);
  assert.equal(impl(JSON.parse(other.stdout) as Doc, 'plain'), 'acme-log@2.0.0', 'other namespace: LATEST');

  await writeFile(join(repo, '.osprey.yml'), config('9.9.9'));
  const validate = await osprey(repo, ['validate'], env);
  assert.equal(validate.code, 1, validate.stdout + validate.stderr);
  assert.match(
    validate.stdout,
    /flows\/versions\.yaml:4:\d+: task 'plain': .*has no version '9\.9\.9'.*\(the version comes from pluginDefaults: the flow's, or its namespace's in \.osprey\.yml\) \[unknown-plugin-version\]/,
  );
  assert.doesNotMatch(validate.stdout, /task 'own'/, "the task's own version is checked, not the default");

  // osprey dev: deploys with the namespace default and deploys again when .osprey.yml changes.
  await writeFile(join(repo, '.osprey.yml'), config('1.0.0'));
  const child = spawn(process.execPath, [BIN, 'dev', '--port', '0'], {
    cwd: repo,
    env: {
      ...process.env,
      ...env,
      DATABASE_URL: '',
      OSPREY_API_TOKEN: 'osp_dev_test_0123456789abcdefghijklmn',
    },
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  dev = child;
  const waitFor = async (pattern: RegExp, from = 0) => {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const m = output.slice(from).match(pattern);
      if (m) return m;
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`no ${pattern} in:\n${output}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const url = (await waitFor(/Osprey dev is running on (http:\/\/\S+)/))[1] as string;
  const start = async () => {
    const res = await fetch(`${url}/api/v1/executions/company.team/versions?wait=true`, {
      method: 'POST',
      headers: { authorization: 'Bearer osp_dev_test_0123456789abcdefghijklmn' },
    });
    const body = (await res.json()) as Doc & { flowRevision: number };
    assert.equal(res.status, 200, JSON.stringify(body));
    return body;
  };
  const before = await start();
  assert.equal(impl(before, 'plain'), 'acme-log@1.0.0');
  const mark = output.length;
  await writeFile(join(repo, '.osprey.yml'), config('2.0.0'));
  await waitFor(/~ company\.team\.versions/, mark);
  const afterSave = await start();
  assert.equal(afterSave.flowRevision, before.flowRevision + 1);
  assert.equal(impl(afterSave, 'plain'), 'acme-log@2.0.0');
});
