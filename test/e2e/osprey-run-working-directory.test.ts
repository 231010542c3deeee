/**
 * `osprey run` with a WorkingDirectory: real shell tasks share one folder holding the
 * WorkingDirectory's inputFiles and namespace files; the folder is gone after the run.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

const bin = join(import.meta.dirname, '../../bin/osprey.js');

test('children of a WorkingDirectory share files, inputFiles and namespace files', () => {
  const repo = mkdtempSync(join(tmpdir(), 'osprey-wd-run-'));
  mkdirSync(join(repo, 'flows'));
  mkdirSync(join(repo, 'namespaces/company.team/files/scripts'), { recursive: true });
  writeFileSync(join(repo, 'namespaces/company.team/files/scripts/greet.sh'), 'echo "greetings from $1"\n');
  writeFileSync(
    join(repo, 'flows/wd.yaml'),
    `id: wd
namespace: company.team
tasks:
  - id: dir
    type: io.kestra.plugin.core.flow.WorkingDirectory
    namespaceFiles:
      enabled: true
    inputFiles:
      config.txt: "{{ flow.id }}-config"
    tasks:
      - id: write
        type: io.kestra.plugin.scripts.shell.Commands
        commands:
          - sh scripts/greet.sh osprey > out.txt
          - cat config.txt >> out.txt
          - pwd > where.txt
      - id: read
        type: io.kestra.plugin.scripts.shell.Commands
        commands:
          - echo "::{\\"outputs\\":{\\"content\\":\\"$(tr '\\n' ' ' < out.txt)\\",\\"dir\\":\\"$(cat where.txt)\\"}}::"
`,
  );
  const r = spawnSync(process.execPath, [bin, 'run', 'flows/wd.yaml', '--json'], {
    cwd: repo,
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  const doc = JSON.parse(r.stdout);
  const read = doc.taskRunList.find((t: { taskId: string }) => t.taskId === 'read');
  assert.equal(read.outputs.vars.content.trim(), 'greetings from osprey wd-config');
  assert.equal(
    existsSync(read.outputs.vars.dir),
    false,
    'the shared folder is removed when the execution ends',
  );
});
