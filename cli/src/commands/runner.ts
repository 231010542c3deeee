/**
 * `osprey runner --server URL --token T [--worker-group g] [--concurrency n]`: a remote runner.
 * This file parses the command line and handles signals; `runner/src/remote/` does the work.
 */

import { parseArgs } from 'node:util';
import { installedPlugins } from '../../../runner/src/plugins/installed.ts';
import { RemoteRunner } from '../../../runner/src/remote/remote-runner.ts';
import { runnerOptions } from '../../../runner/src/remote/runner-options.schema.ts';

const HELP = `Usage: osprey runner --server URL --token TOKEN [options]

Runs tasks for an Osprey server: registers with the registration token (once; the credential is
saved in the state folder), long-polls the server for jobs, runs them here, streams their logs and
posts their results. SIGTERM or Ctrl-C: stop claiming, let running tasks finish (--grace), exit 0.

Options:
  --server URL          the Osprey server (or OSPREY_SERVER)
  --token TOKEN         a registration token (or OSPREY_RUNNER_TOKEN); not needed once registered
  --worker-group KEY    run tasks with workerGroup.key KEY (default: tasks without a worker group)
  --concurrency N       tasks run at once (default 4)
  --name NAME           this runner's name (default: the host name)
  --state-dir DIR       where the credential is saved (default ~/.local/state/osprey/runner)
  --grace SECONDS       how long running tasks may finish after SIGTERM (default 30)
  --git-cache DIR       git mirrors for namespace files (default ~/.cache/osprey/git)
  -h, --help            show this help

See docs/runners.md.`;

export async function main(argv: string[]): Promise<number> {
  let options: ReturnType<typeof runnerOptions>;
  try {
    const { values } = parseArgs({
      args: argv,
      options: {
        server: { type: 'string' },
        token: { type: 'string' },
        'worker-group': { type: 'string' },
        concurrency: { type: 'string' },
        name: { type: 'string' },
        'state-dir': { type: 'string' },
        grace: { type: 'string' },
        'git-cache': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      console.log(HELP);
      return 0;
    }
    const { help: _help, ...flags } = values;
    options = runnerOptions(flags);
  } catch (e) {
    console.error(`osprey runner: ${(e as Error).message}\n\n${HELP}`);
    return 2;
  }
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
