/** `command: validate` of the Action bundle, started the way the Actions runner starts it. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { annotations, inputVariable, ROOT, runStep, workspaceWith } from './action-support.ts';

const fixture = (name: string) => readFileSync(join(ROOT, 'test/fixtures/flows', name), 'utf8');
const flow = (id: string, extra = '') =>
  `id: ${id}\nnamespace: company.team\ntasks:\n  - id: hello\n    type: io.kestra.plugin.core.log.Log\n    message: hi${extra}\n`;

test('the runner names inputs INPUT_<NAME>: spaces to _, upper case, dashes kept', () => {
  assert.equal(inputVariable('command'), 'INPUT_COMMAND');
  assert.equal(inputVariable('my input-name'), 'INPUT_MY_INPUT-NAME');
});

test('a valid repository: exit 0, counts as outputs, a summary with the flows and their task graphs', async () => {
  const ws = workspaceWith({
    'flows/company/team/a.yaml': flow('a'),
    'flows/company/team/b.yaml': flow('b'),
  });
  const r = await runStep(ws, { command: 'validate' });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.deepEqual(annotations(r.stdout), []);
  assert.equal(r.outputs['errors'], '0');
  assert.equal(r.outputs['warnings'], '0');
  assert.match(r.summary, /✅ 2 flow files checked in \d+ ms: 2 valid, 0 invalid/);
  assert.match(
    r.summary,
    /\| `company\.team\.a` \| \[`flows\/company\/team\/a\.yaml`\]\(https:\/\/github\.com\/acme\/flows\/blob\/0123456789abcdef0123456789abcdef01234567\/flows\/company\/team\/a\.yaml\) \| 0 \| 0 \|/,
  );
  assert.match(r.summary, /```mermaid\nflowchart TD\n {2}n0\["hello · Log"\]\n```/);
});

test('a failing validate: an annotation at each problem line and column, the step fails', async () => {
  const ws = workspaceWith({
    'flows/company/team/many.yaml': fixture('invalid/many-errors-collected.yaml'),
    'flows/company/team/ok.yaml': flow('ok'),
  });
  const r = await runStep(ws, { command: 'validate' });
  assert.equal(r.code, 1, r.stdout);
  const shown = annotations(r.stdout).filter((a) => a.props['file'] !== undefined);
  assert.deepEqual(
    shown.map((a) => [a.level, a.props['file'], a.props['line'], a.props['col'], a.props['title']]),
    [
      ['error', 'flows/company/team/many.yaml', '9', '5', 'unknown-property'],
      ['error', 'flows/company/team/many.yaml', '11', '9', 'duplicate-task-id'],
      ['error', 'flows/company/team/many.yaml', '13', '12', 'invalid-value'],
    ],
  );
  assert.match(
    r.stdout,
    /^::error title=unknown-property,file=flows\/company\/team\/many\.yaml,line=9,endLine=9,col=5,endColumn=\d+::task 'a': unknown property 'colour'/m,
  );
  assert.match(
    r.stdout,
    /^::error::3 errors in 1 flow file; the annotations and the job summary show where$/m,
  );
  assert.equal(r.outputs['errors'], '3');
  assert.match(r.summary, /❌ 2 flow files checked in \d+ ms: 1 valid, 1 invalid \(3 errors/);
  assert.match(
    r.summary,
    /\| \[`flows\/company\/team\/many\.yaml:11:9`\]\([^)]+#L11\) \| error \| task id 'a' is already used at tasks\[0\]/,
  );
});

test('past GitHub’s 10 errors per step, the rest are listed in the summary and the log', async () => {
  const files: Record<string, string> = {};
  for (let i = 0; i < 13; i++)
    files[`flows/company/team/f${String(i).padStart(2, '0')}.yaml`] = flow(
      `f${String(i).padStart(2, '0')}`,
      `\n    colour: red`,
    );
  const r = await runStep(workspaceWith(files), { command: 'validate' });
  assert.equal(r.code, 1);
  const errors = annotations(r.stdout).filter((a) => a.props['title'] === 'unknown-property');
  assert.equal(errors.length, 10);
  assert.match(r.summary, /### Not shown as annotations/);
  assert.match(r.summary, /these 3 more \(3 errors, 0 warnings\)/);
  for (const i of [10, 11, 12]) {
    assert.match(
      r.summary,
      new RegExp(
        `\\| \`flows/company/team/f${i}\\.yaml:7:5\` \\| error \\| task 'hello': unknown property 'colour'`,
      ),
    );
    assert.match(
      r.stdout,
      new RegExp(`^flows/company/team/f${i}\\.yaml:7:5: task 'hello': unknown property 'colour'`, 'm'),
    );
  }
});

test('bad inputs and an empty repository fail with what to do', async () => {
  const ws = workspaceWith({ 'README.md': 'no flows' });
  const bad = await runStep(ws, { command: 'deploy' });
  assert.equal(bad.code, 1);
  assert.match(
    bad.stdout,
    /::error::input 'command' must be one of validate, run, trigger, test; got 'deploy'/,
  );
  const empty = await runStep(ws, { command: 'validate' });
  assert.equal(empty.code, 1);
  assert.match(empty.stdout, /::error::no flow file \(\*\.yaml, \*\.yml\) in flows: set the input 'path'/);
  const nested = workspaceWith({ 'osprey/flows/company/team/a.yaml': flow('a') });
  const ok = await runStep(nested, { command: 'validate', path: 'osprey' });
  assert.equal(ok.code, 0, ok.stdout);
  assert.match(ok.summary, /`osprey\/flows\/company\/team\/a\.yaml`/);
});

test('osprey init writes a workflow that validates with this Action, pinned to this version', async () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'osprey-init-action-')), 'repo');
  const init = spawnSync(process.execPath, [join(ROOT, 'bin/osprey.js'), 'init', dir], { encoding: 'utf8' });
  assert.equal(init.status, 0, init.stderr);
  const workflow = parse(readFileSync(join(dir, '.github/workflows/osprey.yml'), 'utf8'));
  const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const steps = workflow.jobs.validate.steps as Array<{ uses?: string; with?: Record<string, string> }>;
  const step = steps.find((s) => s.uses?.startsWith('osprey-dev/osprey@'));
  assert.equal(step?.uses, `osprey-dev/osprey@v${version}`);
  assert.ok(Object.hasOwn(workflow.on, 'pull_request'));
  assert.match(readFileSync(join(dir, 'README.md'), 'utf8'), /install the Osprey GitHub App/);
  const r = await runStep(dir, step.with ?? {});
  assert.equal(r.code, 0, r.stdout);
  assert.match(r.summary, /✅ 1 flow file checked/);
});
