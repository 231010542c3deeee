/**
 * `osprey server`: the API, engine workers and runner protocol of Osprey on one process; start as
 * many as needed on one Postgres. This file declares the command line, reads the configuration and handles signals;
 * `app/src/server/main.ts` builds the server.
 */

import { ConfigError, loadServerConfig } from '../../../app/src/config/server.schema.ts';
import { GitHubAppConfigError } from '../../../app/src/github/config.schema.ts';
import { createOspreyServer } from '../../../app/src/server/osprey-server.ts';
import { loadServerOptions } from '../../../app/src/server/server-options.schema.ts';
import { triggerPollers } from '../../../runner/src/tasks/trigger-pollers.ts';
import { Command, exitWith } from '../program.ts';

export function command(): Command {
  return new Command('server')
    .description(
      `Runs the Osprey server. Configuration comes from the environment (docs/configuration.md, docs/runners.md): DATABASE_URL selects Postgres, else the embedded database lives in OSPREY_DATA_DIR (default .osprey); OSPREY_RUNNER_TOKEN lets runners register. SIGTERM or Ctrl-C stops it; running executions continue when it starts again.`,
    )
    .option('--port <N>', 'listen on this port (default: PORT, else 8080)')
    .option('--host <address>', 'listen on this address (default: OSPREY_HOST, else 0.0.0.0)')
    .action(exitWith((values: { port?: string; host?: string }) => server(values)));
}

async function server(values: { port?: string; host?: string }): Promise<number> {
  const env = {
    ...process.env,
    ...(values.port === undefined ? {} : { PORT: values.port }),
    ...(values.host === undefined ? {} : { OSPREY_HOST: values.host }),
  };
  let config: ReturnType<typeof loadServerConfig>;
  let options: ReturnType<typeof loadServerOptions>;
  try {
    config = loadServerConfig(env);
    options = loadServerOptions(env);
  } catch (e) {
    console.error(`osprey server: ${e instanceof ConfigError ? e.message : (e as Error).message}`);
    return 2;
  }
  let running: Awaited<ReturnType<typeof createOspreyServer>>;
  try {
    running = await createOspreyServer(config, { ...options, triggerPollers }, env);
  } catch (e) {
    if (e instanceof GitHubAppConfigError) {
      console.error(`osprey server: ${e.message}`);
      return 2;
    }
    throw e;
  }
  const url = await running.start();
  console.log(`Osprey server listening on ${url}`);
  console.log(`  Web console ${url}/ui/ (sign in with an API token; docs/console.md)`);
  console.log(`  REST API ${url}/api/v1 (docs/api.md)   runners ${url}/api/v1/runners (docs/runners.md)`);
  console.log(
    running.github
      ? `  GitHub App ${config.publicUrl ?? url}/api/github/webhooks`
      : '  GitHub App not configured (APP_ID unset; docs/github-app.md)',
  );
  if (config.runnerToken === undefined)
    console.log('No OSPREY_RUNNER_TOKEN: runners can register only with tokens created with the CLI.');
  await new Promise<void>((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      console.log(`osprey server: ${signal}: stopping`);
      resolve();
    };
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
  });
  await running.stop();
  return 0;
}
