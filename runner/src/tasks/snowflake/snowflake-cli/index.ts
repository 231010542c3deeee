/**
 * `io.kestra.plugin.jdbc.snowflake.SnowflakeCLI`: run `snow` commands through the shell process
 * runner, as Kestra does in its container: `account`, `username` and `password` are passed as
 * `SNOWFLAKE_ACCOUNT` / `SNOWFLAKE_USER` / `SNOWFLAKE_PASSWORD`, and a default connection is added
 * first (`snow connection add ... --default --no-interactive`). The CLI's config goes to a private
 * `SNOWFLAKE_HOME` per run, never the runner's home. The password is masked in every log line.
 * The `snow` CLI must be installed on the runner (`pip install snowflake-cli`).
 */
import { join } from 'node:path';
import { createMasker } from '../../../../../protocol/src/masking.ts';
import type { RunnableTask } from '../../../../../protocol/src/task-contract.ts';
import { runScriptTask, stringList } from '../../scripts/script-task.ts';
import { propertiesOf } from '../../support/properties.ts';

const TYPE = 'io.kestra.plugin.jdbc.snowflake.SnowflakeCLI';
const ADD_CONNECTION = 'snow connection add --connection-name=default-connection --default --no-interactive';

export const snowflakeCliTask: RunnableTask = {
  type: TYPE,
  run(ctx) {
    const p = propertiesOf(TYPE, ctx);
    const account = p.string('account');
    const username = p.string('username');
    const password = p.optionalString('password');
    const mask = createMasker(password === undefined ? [] : [password]);
    const commands = stringList(p.required('commands'), `task '${ctx.run.taskId}': commands`);
    return runScriptTask(ctx, {
      type: TYPE,
      logger: { log: (level, message) => ctx.logger.log(level, mask(message)) },
      // Kestra's SnowflakeCLI reports anything on stderr as a warning.
      warningOnStdErr: true,
      env: (workspace) => ({
        SNOWFLAKE_ACCOUNT: account,
        SNOWFLAKE_USER: username,
        ...(password === undefined ? {} : { SNOWFLAKE_PASSWORD: password }),
        SNOWFLAKE_HOME: join(workspace.scratch, 'snowflake'),
      }),
      commands: async () => ['mkdir -p "$SNOWFLAKE_HOME"', ADD_CONNECTION, ...commands],
      failureHint: (code) =>
        code === 127
          ? '; install the Snowflake CLI on the runner (pip install snowflake-cli) so `snow` is on PATH'
          : '',
    }).catch((e: Error) => {
      e.message = mask(e.message);
      throw e;
    });
  },
};
