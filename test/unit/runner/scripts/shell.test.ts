/** Shell script tasks on real processes: outputs protocol, logs, env, beforeCommands, interpreter, exit codes. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TaskFailure } from '../../../../protocol/src/task-contract.ts';
import { shellCommandsTask } from '../../../../runner/src/tasks/scripts/shell/commands/index.ts';
import { shellScriptTask } from '../../../../runner/src/tasks/scripts/shell/script/index.ts';
import { testContext } from '../helpers.ts';

test('shell Commands: protocol lines set vars (merged), are not logged, and stdout/stderr are logged', async (t) => {
  const { ctx, logs, cleanup } = await testContext({
    commands: [
      `echo '::{"outputs": {"a": 1, "b": "x"}}::'`,
      'echo hello from stdout',
      'echo oops >&2',
      `echo '::{"outputs": {"b": "y", "nested": {"k": [1, 2]}}}::'`,
      `echo '::{"metrics": [{"name": "rows", "type": "counter", "value": 3}]}::'`,
      `echo '::{"logs": [{"level": "ERROR", "message": "from protocol"}]}::'`,
    ],
  });
  t.after(cleanup);
  const result = await shellCommandsTask.run(ctx);
  assert.equal(result.state, 'SUCCESS');
  assert.deepEqual(result.outputs, { vars: { a: 1, b: 'y', nested: { k: [1, 2] } }, exitCode: 0 });
  // stdout and stderr are two pipes: order within each is kept, not across them.
  const seen = logs.filter((l) => l.level !== 'DEBUG').map((l) => `${l.level} ${l.message}`);
  assert.deepEqual(seen.sort(), ['ERROR from protocol', 'INFO hello from stdout', 'WARN oops']);
  assert.ok(!logs.some((l) => l.message.includes('::{')), 'protocol lines are consumed');
});

test('shell Commands: env, beforeCommands in the same shell, and the runner’s secrets kept out', async (t) => {
  process.env['OSPREY_RUNNER_TOKEN'] = 'runner-token-value';
  process.env['SECRET_API'] = 'c2VjcmV0';
  t.after(() => {
    delete process.env['OSPREY_RUNNER_TOKEN'];
    delete process.env['SECRET_API'];
  });
  const { ctx, cleanup } = await testContext({
    env: { GREETING: 'hi', COUNT: 3 },
    beforeCommands: ['export FROM_BEFORE=before'],
    commands: [
      // biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansion, not a template
      'echo "::{\\"outputs\\": {\\"greeting\\": \\"$GREETING\\", \\"count\\": \\"$COUNT\\", \\"before\\": \\"$FROM_BEFORE\\", \\"token\\": \\"${OSPREY_RUNNER_TOKEN:-unset}\\", \\"secret\\": \\"${SECRET_API:-unset}\\", \\"home\\": \\"${HOME:+set}\\"}}::"',
    ],
  });
  t.after(cleanup);
  const result = await shellCommandsTask.run(ctx);
  assert.deepEqual((result.outputs as { vars: unknown }).vars, {
    greeting: 'hi',
    count: '3',
    before: 'before',
    token: 'unset',
    secret: 'unset',
    home: 'set',
  });
});

test('shell Commands: the interpreter runs the commands (bash syntax with /bin/bash)', async (t) => {
  const { ctx, cleanup } = await testContext({
    interpreter: ['/bin/bash', '-c'],
    commands: ['if [[ "$BASH_VERSION" == *.* ]]; then echo \'::{"outputs": {"bash": true}}::\'; fi'],
  });
  t.after(cleanup);
  const result = await shellCommandsTask.run(ctx);
  assert.deepEqual((result.outputs as { vars: unknown }).vars, { bash: true });
});

test('shell Commands: a non-zero exit fails with the code and the last stderr line; failFast stops at the first failure', async (t) => {
  const { ctx, logs, cleanup } = await testContext({
    commands: ['echo first >&2', 'echo "cannot open data.csv" >&2', 'exit 3'],
  });
  t.after(cleanup);
  await assert.rejects(shellCommandsTask.run(ctx), (e: TaskFailure) => {
    assert.ok(e instanceof TaskFailure);
    assert.equal(e.message, "task 'task1': the command exited with code 3: cannot open data.csv");
    return true;
  });
  assert.ok(logs.some((l) => l.message === 'first'));

  const failFast = await testContext({ commands: ['false', 'echo after'] });
  t.after(failFast.cleanup);
  await assert.rejects(shellCommandsTask.run(failFast.ctx), /exited with code 1/);
  assert.ok(!failFast.logs.some((l) => l.message === 'after'));

  const lenient = await testContext({ failFast: false, commands: ['false', 'echo after'] });
  t.after(lenient.cleanup);
  assert.equal((await shellCommandsTask.run(lenient.ctx)).state, 'SUCCESS');
  assert.ok(lenient.logs.some((l) => l.message === 'after'));
});

test('shell Commands: a missing command says so (exit 127)', async (t) => {
  const { ctx, cleanup } = await testContext({ commands: ['definitely-not-a-command-osprey'] });
  t.after(cleanup);
  await assert.rejects(
    shellCommandsTask.run(ctx),
    /exited with code 127 \(command not found: install it on the runner or fix PATH\): .*definitely-not-a-command-osprey/,
  );
});

test('shell Commands: warningOnStdErr turns stderr output into WARNING', async (t) => {
  const { ctx, cleanup } = await testContext({ warningOnStdErr: true, commands: ['echo careful >&2'] });
  t.after(cleanup);
  assert.equal((await shellCommandsTask.run(ctx)).state, 'WARNING');
  const quiet = await testContext({ warningOnStdErr: true, commands: ['echo fine'] });
  t.after(quiet.cleanup);
  assert.equal((await shellCommandsTask.run(quiet.ctx)).state, 'SUCCESS');
});

test('shell Script: the script is the shell body; beforeCommands run first', async (t) => {
  const { ctx, logs, cleanup } = await testContext({
    beforeCommands: 'NAME=osprey',
    script: 'for i in 1 2; do echo "line $i $NAME"; done\necho \'::{"outputs": {"done": true}}::\'',
  });
  t.after(cleanup);
  const result = await shellScriptTask.run(ctx);
  assert.deepEqual(result.outputs, { vars: { done: true }, exitCode: 0 });
  assert.deepEqual(
    logs.filter((l) => l.level === 'INFO').map((l) => l.message),
    ['line 1 osprey', 'line 2 osprey'],
  );
});
