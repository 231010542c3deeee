/** Python and Node.js script tasks on real interpreters. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nodeCommandsTask } from '../../../../runner/src/tasks/scripts/node/commands/index.ts';
import { nodeScriptTask } from '../../../../runner/src/tasks/scripts/node/script/index.ts';
import { pythonCommandsTask } from '../../../../runner/src/tasks/scripts/python/commands/index.ts';
import { pythonScriptTask } from '../../../../runner/src/tasks/scripts/python/script/index.ts';
import { testContext } from '../helpers.ts';

test('python Commands: `python` runs even where only python3 is installed', async (t) => {
  const { ctx, cleanup } = await testContext({
    // /usr/bin has python3 but no python on this machine; the shim makes `python` work.
    env: { PATH: '/usr/bin:/bin' },
    inputFiles: {
      'main.py':
        'import json, sys\nprint("::" + json.dumps({"outputs": {"major": sys.version_info[0]}}) + "::")\n',
    },
    commands: ['command -v python3 >/dev/null', 'python main.py'],
  });
  t.after(cleanup);
  const result = await pythonCommandsTask.run(ctx);
  assert.deepEqual(result.outputs, { vars: { major: 3 }, exitCode: 0 });
});

test('python Script: runs in the working directory, imports its files, reports a traceback line on failure', async (t) => {
  const { ctx, logs, cleanup } = await testContext({
    inputFiles: { 'helper.py': 'def double(x):\n    return 2 * x\n' },
    script:
      'from helper import double\nprint("double is", double(21))\nprint(\'::{"outputs": {"answer": %d}}::\' % double(21))\n',
  });
  t.after(cleanup);
  const result = await pythonScriptTask.run(ctx);
  assert.deepEqual(result.outputs, { vars: { answer: 42 }, exitCode: 0 });
  assert.ok(logs.some((l) => l.level === 'INFO' && l.message === 'double is 42'));

  const broken = await testContext({ script: 'x = 1\nraise ValueError("bad input file")\n' });
  t.after(broken.cleanup);
  await assert.rejects(pythonScriptTask.run(broken.ctx), /exited with code 1: ValueError: bad input file/);
});

test('node Commands and Script: console output, protocol outputs, exit codes', async (t) => {
  const commands = await testContext({
    inputFiles: { 'main.js': 'console.log("::" + JSON.stringify({ outputs: { sum: 1 + 2 } }) + "::");\n' },
    commands: ['node main.js'],
  });
  t.after(commands.cleanup);
  assert.deepEqual((await nodeCommandsTask.run(commands.ctx)).outputs, { vars: { sum: 3 }, exitCode: 0 });

  const script = await testContext({
    inputFiles: { 'lib.js': 'module.exports = { name: "lib" };\n' },
    script:
      'const { name } = require("./lib.js");\nconsole.log("loaded " + name);\nconsole.error("careful");\nprocess.exit(4);\n',
  });
  t.after(script.cleanup);
  await assert.rejects(
    nodeScriptTask.run(script.ctx),
    /task 'task1': the command exited with code 4: careful/,
  );
  assert.ok(script.logs.some((l) => l.message === 'loaded lib'));
});
