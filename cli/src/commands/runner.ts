/**
 * `osprey runner --server URL --token T [--worker-group g] [--concurrency n]`: a remote runner.
 * This file declares the command line and handles signals; `runner/src/remote/` does the work.
 */

import { installedPlugins } from '../../../runner/src/plugins/installed.ts';
import { RemoteRunner } from '../../../runner/src/remote/remote-runner.ts';
import { runnerOptions } from '../../../runner/src/remote/runner-options.schema.ts';
import { Command, usageError } from '../program.ts';

interface RunnerFlagValues {
  server?: string;
  token?: string;
  workerGroup?: string;
  concurrency?: string;
  name?: string;
  stateDir?: string;
  grace?: string;
  gitCache?: string;
}

export function command(): Command {
  return new Command('runner')
    .usage('--server URL --token TOKEN [options]')
    .description(
      `Runs tasks for an Osprey server: registers with the registration token (once; the credential is saved in the state folder), long-polls the server for jobs, runs them here, streams their logs and posts their results. SIGTERM or Ctrl-C: stop claiming, let running tasks finish (--grace), exit 0.`,
    )
    .option('--server <URL>', 'the Osprey server (or OSPREY_SERVER)')
    .option('--token <TOKEN>', 'a registration token (or OSPREY_RUNNER_TOKEN); not needed once registered')
    .option(
      '--worker-group <KEY>',
      'run tasks with workerGroup.key KEY (default: tasks without a worker group)',
    )
    .option('--concurrency <N>', 'tasks run at once (default 4)')
    .option('--name <NAME>', "this runner's name (default: the host name)")
    .option('--state-dir <DIR>', 'where the credential is saved (default ~/.local/state/osprey/runner)')
    .option('--grace <SECONDS>', 'how long running tasks may finish after SIGTERM (default 30)')
    .option('--git-cache <DIR>', 'git mirrors for namespace files (default ~/.cache/osprey/git)')
    .addHelpText('after', '\nSee docs/runners.md.')
    .action(async (values: RunnerFlagValues, cmd: Command) => {
      let options: ReturnType<typeof runnerOptions>;
      try {
        options = runnerOptions({
          server: values.server,
          token: values.token,
          'worker-group': values.workerGroup,
          concurrency: values.concurrency,
          name: values.name,
          'state-dir': values.stateDir,
          grace: values.grace,
          'git-cache': values.gitCache,
        });
      } catch (e) {
        usageError(cmd, (e as Error).message);
      }
      process.exitCode = await run(options);
    });
}

async function run(options: ReturnType<typeof runnerOptions>): Promise<number> {
  const runner = new RemoteRunner({ ...options, plugins: installedPlugins() });
  try {
    await runner.start();
  } catch (e) {
    console.error(`osprey runner: ${(e as Error).message}`);
    return 1;
  }
  const group =
    options.workerGroup === undefined ? 'the default worker group' : `worker group ${options.workerGroup}`;
  console.log(
    `Osprey runner ${options.name} is taking jobs of ${group} from ${options.server} (${options.concurrency} at a time)`,
  );
  const onSignal = (signal: NodeJS.Signals) => {
    console.log(`osprey runner: ${signal}: no new jobs; finishing the running ones`);
    void runner.stop(options.graceMs);
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  try {
    await runner.finished();
    return 0;
  } catch (e) {
    console.error(`osprey runner: ${(e as Error).message}`);
    return 1;
  }
}
