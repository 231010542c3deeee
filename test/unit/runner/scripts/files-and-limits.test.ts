/** Script tasks with input and output files, namespace files, timeouts and task runners. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TaskFailure } from '../../../../protocol/src/task-contract.ts';
import { pythonCommandsTask } from '../../../../runner/src/tasks/scripts/python/commands/index.ts';
import { shellCommandsTask } from '../../../../runner/src/tasks/scripts/shell/commands/index.ts';
import { testContext } from '../helpers.ts';

test('inputFiles from content and from a storage URI; outputFiles uploaded and readable from storage', async (t) => {
  const { ctx, storage, cleanup } = await testContext({});
  t.after(cleanup);
  const stored = await storage.put(
    { namespace: 'company.team', flowId: 'demo', executionId: 'exec1', taskId: 'write', taskRunId: 'w1' },
    'write.csv',
    'a,b\n1,2\n',
  );
  ctx.properties = {
    inputFiles: { 'in/data.csv': stored, 'note.txt': 'plain content' },
    outputFiles: ['out/*.txt', 'summary.json'],
    commands: [
      'mkdir -p out',
      'wc -l < in/data.csv | tr -d " " > out/lines.txt',
      'cat note.txt > out/note.txt',
      'echo \'{"ok": true}\' > summary.json',
      'echo ignored > other.log',
    ],
  };
  const result = await shellCommandsTask.run(ctx);
  const files = (result.outputs as { outputFiles: Record<string, string> }).outputFiles;
  assert.deepEqual(Object.keys(files).sort(), ['out/lines.txt', 'out/note.txt', 'summary.json']);
  assert.equal((await storage.get(files['out/lines.txt']!)).toString().trim(), '2');
  assert.equal((await storage.get(files['out/note.txt']!)).toString(), 'plain content');
  assert.match(
    files['summary.json']!,
    /^kestra:\/\/\/company\/team\/demo\/executions\/exec1\/tasks\/task1\/run1\/.+-summary\.json$/,
  );
});

test('a missing storage file in inputFiles fails without retry, naming the file', async (t) => {
  const { ctx, cleanup } = await testContext({
    inputFiles: { 'data.csv': 'kestra:///company/team/demo/executions/x/nothing.csv' },
    commands: ['cat data.csv'],
  });
  t.after(cleanup);
  await assert.rejects(shellCommandsTask.run(ctx), (e: TaskFailure) => {
    assert.equal(e.retryable, false);
    assert.match(
      e.message,
      /inputFiles: 'data.csv' comes from kestra:\/\/\/company\/team\/demo\/executions\/x\/nothing.csv, which is not in internal storage/,
    );
    return true;
  });
});

test('namespace files: laid down in order (later namespaces override), filtered by include/exclude', async (t) => {
  const files: Record<string, Record<string, string>> = {
    company: { 'main.py': 'print("company")', 'shared/util.py': 'X = 1', 'notes.md': 'n' },
    'company.team': { 'team.py': 'T = 1' },
    'company.team.myproject': { 'main.py': 'print("::{\\"outputs\\": {\\"from\\": \\"myproject\\"}}::")' },
  };
  const namespaceFiles = async (ns: string) =>
    new Map(Object.entries(files[ns] ?? {}).map(([k, v]) => [k, Buffer.from(v)]));
  const { ctx, cleanup } = await testContext(
    {
      namespaceFiles: {
        enabled: true,
        namespaces: ['company', 'company.team', 'company.team.myproject'],
        exclude: ['**/*.md'],
      },
      commands: ['test -f shared/util.py && test -f team.py && test ! -f notes.md', 'python3 main.py'],
    },
    { services: { namespaceFiles } },
  );
  t.after(cleanup);
  const result = await pythonCommandsTask.run(ctx);
  assert.deepEqual((result.outputs as { vars: unknown }).vars, { from: 'myproject' });

  const onlyTeam = await testContext(
    {
      namespaceFiles: { namespaces: ['company', 'company.team'], include: ['team.py'] },
      commands: ['ls -R . | grep -E "\\.py$" | tr "\\n" " "'],
    },
    { services: { namespaceFiles } },
  );
  t.after(onlyTeam.cleanup);
  await shellCommandsTask.run(onlyTeam.ctx);
  assert.deepEqual(
    onlyTeam.logs.filter((l) => l.level === 'INFO').map((l) => l.message.trim()),
    ['team.py'],
  );
});

test('namespace files default to the execution namespace; without a provider the task says what to do', async (t) => {
  const asked: string[] = [];
  const { ctx, cleanup } = await testContext(
    { namespaceFiles: { enabled: true }, commands: ['cat hello.txt'] },
    {
      services: {
        namespaceFiles: async (ns) => {
          asked.push(ns);
          return new Map([['hello.txt', Buffer.from('hello')]]);
        },
      },
    },
  );
  t.after(cleanup);
  await shellCommandsTask.run(ctx);
  assert.deepEqual(asked, ['company.team']);

  const none = await testContext({ namespaceFiles: { enabled: true }, commands: ['true'] });
  t.after(none.cleanup);
  await assert.rejects(
    shellCommandsTask.run(none.ctx),
    /namespaceFiles is enabled but this runner has no namespace files/,
  );

  const disabled = await testContext({ namespaceFiles: { enabled: false }, commands: ['true'] });
  t.after(disabled.cleanup);
  assert.equal((await shellCommandsTask.run(disabled.ctx)).state, 'SUCCESS');
});

test('path traversal in inputFiles and outputFiles is refused with a clear message', async (t) => {
  const cases: Array<[Record<string, unknown>, RegExp]> = [
    [
      { inputFiles: { 'x/../../etc/passwd': 'owned' } },
      /inputFiles: 'x\/..\/..\/etc\/passwd' escapes the working directory; use a path inside it/,
    ],
    [{ inputFiles: { '/etc/passwd': 'owned' } }, /inputFiles: '\/etc\/passwd' is an absolute path/],
    [{ inputFiles: { 'a\u0000b': 'owned' } }, /inputFiles: 'a\\u0000b' contains a NUL byte/],
    [{ outputFiles: ['../*.txt'] }, /outputFiles: '..\/' escapes the working directory/],
  ];
  for (const [props, message] of cases) {
    const { ctx, cleanup } = await testContext({ ...props, commands: ['true'] });
    t.after(cleanup);
    await assert.rejects(shellCommandsTask.run(ctx), (e: TaskFailure) => {
      assert.equal(e.retryable, false);
      assert.match(e.message, message);
      return true;
    });
  }
});

test('an output file that is a symbolic link to outside the working directory is not uploaded', async (t) => {
  const { ctx, cleanup } = await testContext({
    outputFiles: ['*.txt'],
    commands: ['ln -s /etc/hostname leak.txt'],
  });
  t.after(cleanup);
  await assert.rejects(
    shellCommandsTask.run(ctx),
    /outputFiles: 'leak.txt' goes through a symbolic link to outside the working directory/,
  );
});

test('a kill (timeout) stops the whole process group promptly', async (t) => {
  const { ctx, logs, abort, cleanup } = await testContext({
    // A grandchild in the background: killing only the shell would leave it running.
    commands: ['sleep 31.25 & echo started; wait'],
  });
  t.after(cleanup);
  const running = shellCommandsTask.run(ctx);
  while (!logs.some((l) => l.message === 'started')) await sleep(10);
  const t0 = Date.now();
  abort.abort(new Error('task timed out'));
  await assert.rejects(running, /task timed out/);
  assert.ok(Date.now() - t0 < 1500, 'stopped within the grace period');
  const ps = await new Promise<string>((resolve) =>
    execFile('ps', ['-eo', 'args'], (_e, out) => resolve(out)),
  );
  assert.ok(!ps.split('\n').some((l) => l.trim() === 'sleep 31.25'), `no sleep 31.25 left:\n${ps}`);
});

test('a Docker taskRunner is refused (not retryable); containerImage alone is ignored with a DEBUG line', async (t) => {
  const docker = await testContext({
    taskRunner: { type: 'io.kestra.plugin.scripts.runner.docker.Docker' },
    commands: ['echo hi'],
  });
  t.after(docker.cleanup);
  await assert.rejects(shellCommandsTask.run(docker.ctx), (e: TaskFailure) => {
    assert.equal(e.retryable, false);
    assert.equal(
      e.message,
      "task 'task1': taskRunner io.kestra.plugin.scripts.runner.docker.Docker needs a container engine, which this runner does not have; use io.kestra.plugin.core.runner.Process or run on a runner with Docker",
    );
    return true;
  });
  const process = await testContext({
    taskRunner: { type: 'io.kestra.plugin.core.runner.Process' },
    containerImage: 'python:3.12-slim',
    commands: ['echo hi'],
  });
  t.after(process.cleanup);
  assert.equal((await shellCommandsTask.run(process.ctx)).state, 'SUCCESS');
  assert.ok(
    process.logs.some(
      (l) => l.level === 'DEBUG' && /containerImage 'python:3.12-slim' ignored/.test(l.message),
    ),
  );
  const batch = await testContext({
    taskRunner: { type: 'io.kestra.plugin.ee.aws.runner.Batch' },
    commands: ['true'],
  });
  t.after(batch.cleanup);
  await assert.rejects(
    shellCommandsTask.run(batch.ctx),
    /taskRunner io.kestra.plugin.ee.aws.runner.Batch cannot run here/,
  );
});
