/** `osprey validate` as a user runs it: the real CLI in a temporary repository. */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

const root = join(import.meta.dirname, '../..');
const bin = join(root, 'bin/osprey.js');
const fixtures = join(root, 'test/fixtures/flows');

function osprey(args: string[], cwd: string, node = process.execPath) {
  const r = spawnSync(node, [bin, ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function repoWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'osprey-validate-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

test('validates the repository convention (flows/**) by default and exits 0', () => {
  const dir = repoWith({});
  cpSync(join(fixtures, 'seeds'), join(dir, 'flows/seeds'), { recursive: true });
  const r = osprey(['validate'], dir);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /13 flow files checked in \d+ ms: 13 valid, 0 invalid \(0 errors, 0 warnings\)/);
});

test('prints file:line:col: message for each problem and exits 1', () => {
  const dir = repoWith({});
  cpSync(join(fixtures, 'invalid/many-errors-collected.yaml'), join(dir, 'many.yaml'));
  const r = osprey(['validate', 'many.yaml'], dir);
  assert.equal(r.code, 1);
  const lines = r.stdout.trim().split('\n');
  assert.deepEqual(lines.slice(0, 3), [
    "many.yaml:9:5: task 'a': unknown property 'colour'. Known properties: message, level, id, type, description, runIf, allowFailure, allowWarning, retry, timeout, disabled, logLevel, logToFile, workerGroup, version. [unknown-property]",
    "many.yaml:11:9: task id 'a' is already used at tasks[0]; task ids must be unique in the whole flow [duplicate-task-id]",
    "many.yaml:13:12: task 'a': 'level' must be one of TRACE, DEBUG, INFO, WARN, ERROR; got the string 'LOUD'. [invalid-value]",
  ]);
  assert.match(lines.at(-1)!, /1 flow file checked in \d+ ms: 0 valid, 1 invalid \(3 errors, 0 warnings\)/);
});

test('--format json gives every issue with code, path, message and range', () => {
  const dir = repoWith({
    'flows/dup.yaml': readFixture('invalid/duplicate-task-id.yaml').replace('id: dup_task', 'id: dup'),
  });
  const r = osprey(['validate', '--format', 'json'], dir);
  assert.equal(r.code, 1);
  const report = JSON.parse(r.stdout);
  assert.equal(report.valid, false);
  assert.equal(report.files[0].file, join('flows', 'dup.yaml'));
  assert.deepEqual(report.files[0].issues[0], {
    code: 'duplicate-task-id',
    path: 'tasks[1].id',
    message: "task id 'hello' is already used at tasks[0]; task ids must be unique in the whole flow",
    range: { start: { line: 8, col: 9 }, end: { line: 8, col: 14 } },
    severity: 'error',
  });
});

test('a flow declared twice across files and a file named unlike its id are reported', () => {
  const flow =
    'id: same\nnamespace: company.team\ntasks:\n  - id: a\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n';
  const dir = repoWith({ 'flows/a/same.yaml': flow, 'flows/b/other.yaml': flow });
  const r = osprey(['validate'], dir);
  assert.equal(r.code, 1);
  assert.match(
    r.stdout,
    /flows\/b\/other\.yaml:1:5: flow company\.team\.same is also declared in flows\/a\/same\.yaml/,
  );
  assert.match(
    r.stdout,
    /flows\/b\/other\.yaml:1:5: warning: the file is named 'other' but declares flow id 'same'/,
  );
});

test('bad usage exits 2 with a message', () => {
  const dir = repoWith({});
  assert.equal(osprey(['validate', 'nope.yaml'], dir).code, 2);
  assert.equal(osprey(['validate', '--format', 'xml', '.'], dir).code, 2);
  const empty = osprey(['validate'], dir);
  assert.equal(empty.code, 2);
  assert.match(empty.stderr, /no flow file found: .*flows does not exist/);
});

test('started by an older system node, the CLI re-runs itself with the bundled Node 24', {
  skip: !existsSync('/usr/bin/node'),
}, () => {
  const version = execFileSync('/usr/bin/node', ['--version'], { encoding: 'utf8' });
  const dir = repoWith({ 'flows/ok.yaml': readFixture('seeds/fail.yaml').replace('id: fail', 'id: ok') });
  const r = osprey(['validate'], dir, '/usr/bin/node');
  assert.equal(r.code, 0, `${version} ${r.stderr}`);
});

function readFixture(path: string): string {
  return execFileSync('cat', [join(fixtures, path)], { encoding: 'utf8' });
}

test("osprey init creates a repository that validates and runs, without the demo's local state", () => {
  // `osprey dev templates/demo` leaves its database in templates/demo/.osprey: it must not be copied.
  const state = join(root, 'templates/demo/.osprey');
  const hadState = existsSync(state);
  mkdirSync(join(state, 'marker'), { recursive: true });
  const dir = join(mkdtempSync(join(tmpdir(), 'osprey-init-')), 'repo');
  const init = osprey(['init', dir], root);
  if (!hadState) rmSync(state, { recursive: true, force: true });
  else rmSync(join(state, 'marker'), { recursive: true, force: true });
  assert.equal(init.code, 0, init.stderr);
  assert.equal(existsSync(join(dir, '.osprey')), false, "the demo's .osprey folder is not copied");
  assert.equal(osprey(['validate'], dir).code, 0);
  const run = osprey(['run', 'flows/company/team/hello_world.yaml', '--json'], dir);
  assert.equal(run.code, 0, run.stderr);
  const execution = JSON.parse(run.stdout);
  assert.equal(execution.state.current, 'SUCCESS');
  assert.equal(execution.outputs.regions, 'region EU, region US');
  assert.ok(execution.logs.some((l: { message: string }) => l.message.includes('Ship small, ship often')));
  assert.equal(osprey(['init', dir], root).code, 2, 'a non-empty folder is refused');
});
