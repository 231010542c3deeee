/**
 * `io.kestra.plugin.graalvm.python.Eval`: GraalVM is not part of Osprey, so the script runs under
 * CPython (`python3`) in a working directory with `inputFiles`; the variables listed in `outputs`
 * come back as `outputs.<task>.outputs.<name>` (JSON values), as in Kestra. See harness.ts for what
 * the script can use besides plain Python.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type RunnableTask, TaskFailure } from '../../../../../../protocol/src/task-contract.ts';
import { prepareWorkspace } from '../../../../workspace/working-directory.ts';
import { processEnv } from '../../../scripts/process-env.ts';
import { runProcess } from '../../../scripts/process-runner.ts';
import { stringList } from '../../../scripts/script-task.ts';
import { propertiesOf } from '../../../support/properties.ts';
import { HARNESS } from './harness.ts';

const TYPE = 'io.kestra.plugin.graalvm.python.Eval';

export const graalvmPythonEvalTask: RunnableTask = {
  type: TYPE,
  async run(ctx) {
    const p = propertiesOf(TYPE, ctx);
    const what = `task '${ctx.run.taskId}'`;
    const script = p.string('script');
    const names = stringList(p.raw('outputs'), `${what}: outputs`);
    for (const name of names) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
        p.fail('outputs', `lists '${name}', which is not a Python variable name`);
      }
    }
    const workspace = await prepareWorkspace(ctx, { inputFiles: p.raw('inputFiles') });
    try {
      const harness = join(workspace.scratch, 'harness.py');
      const scriptFile = join(workspace.scratch, 'script.py');
      const outputsFile = join(workspace.scratch, 'outputs.json');
      await writeFile(harness, HARNESS);
      await writeFile(scriptFile, script);
      const result = await runProcess({
        command: 'python3',
        args: [harness, scriptFile, outputsFile, JSON.stringify(names)],
        cwd: workspace.path,
        env: processEnv({ PYTHONUNBUFFERED: '1', PYTHONIOENCODING: 'utf-8' }),
        logger: ctx.logger,
        signal: ctx.signal,
        what: `${what} (GraalVM Eval runs with CPython here)`,
      });
      if (result.exitCode !== 0) {
        throw new TaskFailure(
          `${what}: the Python script failed${result.lastStderr === undefined ? ` with exit code ${result.exitCode}` : `: ${result.lastStderr}`}`,
        );
      }
      const written = JSON.parse(await readFile(outputsFile, 'utf8')) as {
        values: Record<string, unknown>;
        missing: string[];
      };
      for (const name of written.missing) {
        ctx.logger.log('WARN', `outputs lists '${name}' but the script never set it; its output is null`);
      }
      return { state: 'SUCCESS', outputs: { outputs: written.values } };
    } finally {
      await workspace.dispose();
    }
  },
};
