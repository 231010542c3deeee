/** GraalVM python Eval (run with CPython) and the Snowflake CLI with a stand-in `snow`. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { graalvmPythonEvalTask } from '../../../../runner/src/tasks/graalvm/python/eval/index.ts';
import { snowflakeCliTask } from '../../../../runner/src/tasks/snowflake/snowflake-cli/index.ts';
import { testContext } from '../helpers.ts';
import { snowStandIn } from './stand-ins.ts';

test('Eval: JSON rendered into the source works (true/false/null), listed variables become outputs', async (t) => {
  const { ctx, logs, cleanup } = await testContext({
    outputs: ['data', 'flags', 'missing'],
    script: [
      'data = {"month": "4", "safe_title": "x", "news": "", "link": null, "ok": true, "bad": false}',
      'data["next_month"] = int(data["month"]) + 1',
      'flags = {1, 2}',
      'logger.info("next month is {}", data["next_month"])',
      'print("plain print")',
    ].join('\n'),
  });
  t.after(cleanup);
  const result = await graalvmPythonEvalTask.run(ctx);
  assert.deepEqual(result.outputs, {
    outputs: {
      data: { month: '4', safe_title: 'x', news: '', link: null, ok: true, bad: false, next_month: 5 },
      flags: [1, 2],
      missing: null,
    },
  });
  assert.ok(logs.some((l) => l.level === 'INFO' && l.message === 'next month is 5'));
  assert.ok(logs.some((l) => l.level === 'INFO' && l.message === 'plain print'));
  assert.ok(
    logs.some(
      (l) => l.level === 'WARN' && /outputs lists 'missing' but the script never set it/.test(l.message),
    ),
  );
});

test('Eval: inputFiles are importable and readable; an exception fails the task with its message', async (t) => {
  const { ctx, cleanup } = await testContext({
    inputFiles: { 'helpers.py': 'def shout(s):\n    return s.upper()\n', 'name.txt': 'osprey' },
    outputs: ['greeting'],
    script: 'from helpers import shout\ngreeting = shout(open("name.txt").read())\n',
  });
  t.after(cleanup);
  assert.deepEqual((await graalvmPythonEvalTask.run(ctx)).outputs, { outputs: { greeting: 'OSPREY' } });

  const broken = await testContext({ outputs: ['x'], script: 'x = 1\ny = undefined_name\n' });
  t.after(broken.cleanup);
  await assert.rejects(
    graalvmPythonEvalTask.run(broken.ctx),
    /^TaskFailure: task 'task1': the Python script failed: NameError: name 'undefined_name' is not defined$/,
  );
  const badName = await testContext({ outputs: ['not-a-name'], script: 'pass' });
  t.after(badName.cleanup);
  await assert.rejects(
    graalvmPythonEvalTask.run(badName.ctx),
    /property 'outputs' lists 'not-a-name', which is not a Python variable name/,
  );
});

test('SnowflakeCLI: credentials as SNOWFLAKE_* variables, a default connection first, the password masked', async (t) => {
  const bin = await snowStandIn(t);
  const { ctx, logs, cleanup } = await testContext({
    account: 'acme-xy12345',
    username: 'robot',
    password: 's3cr3t-pass',
    env: { PATH: `${bin}:/usr/bin:/bin` },
    commands: ['snow --info', 'snow snowpark execute function "process_data()"'],
  });
  t.after(cleanup);
  const result = await snowflakeCliTask.run(ctx);
  assert.equal(result.state, 'SUCCESS');
  const info = logs.filter((l) => l.level === 'INFO').map((l) => l.message);
  assert.deepEqual(info, [
    'snow connection add --connection-name=default-connection --default --no-interactive',
    'account=acme-xy12345 user=robot password=present home=set',
    'snow --info',
    'account=acme-xy12345 user=robot password=present home=set',
    'password is ******',
    'snow snowpark execute function process_data()',
    'account=acme-xy12345 user=robot password=present home=set',
  ]);
  assert.ok(!logs.some((l) => l.message.includes('s3cr3t-pass')));

  const failing = await testContext({
    account: 'a',
    username: 'u',
    password: 's3cr3t-pass',
    env: { PATH: `${bin}:/usr/bin:/bin` },
    commands: ['snow fail s3cr3t-pass'],
  });
  t.after(failing.cleanup);
  await assert.rejects(
    snowflakeCliTask.run(failing.ctx),
    /^TaskFailure: task 'task1': the command exited with code 2: connection refused$/,
  );

  const noCli = await testContext({
    account: 'a',
    username: 'u',
    env: { PATH: '/usr/bin:/bin' },
    commands: ['snow --info'],
  });
  t.after(noCli.cleanup);
  await assert.rejects(
    snowflakeCliTask.run(noCli.ctx),
    /code 127 .*install the Snowflake CLI on the runner \(pip install snowflake-cli\)/,
  );
});
