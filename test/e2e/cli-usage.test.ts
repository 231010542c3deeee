/** The command line's usage rules, as a user meets them: help, version, unknown commands and flags. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import pkg from '../../package.json' with { type: 'json' };

const bin = join(import.meta.dirname, '../../bin/osprey.js');
const cwd = mkdtempSync(join(tmpdir(), 'osprey-usage-'));

function osprey(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('--help lists every command and exits 0; no command prints the same and exits 2', () => {
  const help = osprey('--help');
  assert.equal(help.code, 0);
  for (const name of ['init', 'validate', 'dev', 'run', 'server', 'runner', 'kv', 'secrets', 'tokens'])
    assert.match(help.stdout, new RegExp(`^  ${name} `, 'm'));
  const none = osprey();
  assert.equal(none.code, 2);
  assert.equal(none.stdout, help.stdout);
  assert.equal(osprey('--version').stdout, `${pkg.version}\n`);
});

test("each command's help shows its arguments, options and exit codes", () => {
  const run = osprey('run', '--help');
  assert.equal(run.code, 0);
  assert.match(run.stdout, /^Usage: osprey run \[options\] <flow\.yaml>/);
  assert.match(run.stdout, /--inputs-file <file>/);
  assert.match(run.stdout, /Exit code: 0 SUCCESS/);
  const kvSet = osprey('help', 'kv');
  assert.equal(kvSet.code, 0);
  assert.match(kvSet.stdout, /set \[options\] <namespace> <key> <value>/);
  assert.match(osprey('tokens', 'create', '--help').stdout, /--expires-in <DURATION>/);
});

test('an unknown command, flag or value is named, with where to look, and exits 2', () => {
  const cases: Array<[string[], RegExp]> = [
    [['deploy'], /^osprey: unknown command 'deploy'/],
    [['run', 'flow.yaml', '--bogus'], /^osprey run: unknown option '--bogus'/],
    [['kv', 'get', 'ns', 'key', '--nope'], /^osprey kv get: unknown option '--nope'/],
    [['kv', 'drop', 'ns'], /^osprey kv: unknown command 'drop'/],
    [
      ['validate', '--format', 'xml'],
      /^osprey validate: .*'xml' is invalid\. Allowed choices are text, json/,
    ],
    [['dev', '--port', 'abc'], /^osprey dev: .*a port number, got 'abc'/],
    [['init', 'a', 'b'], /^osprey init: too many arguments/],
    [['runner'], /^osprey runner: --server is required/],
  ];
  for (const [args, message] of cases) {
    const r = osprey(...args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.match(r.stderr, /Run `osprey[a-z ]* --help` for the usage\./);
    assert.equal(r.stdout, '');
  }
});
