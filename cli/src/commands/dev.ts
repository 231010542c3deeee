/**
 * `osprey dev [dir] [--port N]`: server + runner + embedded database on a local repository, its
 * flows deployed on start and on every change. This file declares the command line and handles signals;
 * `./dev/dev-session.ts` does the work.
 */
import { ConfigError } from '../../../app/src/config/server.schema.ts';
import { Command, exitWith, parsePort } from '../program.ts';
import { startDevSession } from './dev/dev-session.ts';

export function command(): Command {
  return new Command('dev')
    .description(
      `Runs Osprey on the repository containing dir (default: the current folder): the server with the embedded database in <repo>/.osprey, a runner in the same process, and the flows folder deployed now and on every change. Prints the URL and an API token. Ctrl-C stops it.`,
    )
    .argument('[dir]', 'a folder inside the repository')
    .option('--port <N>', 'listen on this port (default: PORT, else 8080; 0 picks a free one)', parsePort)
    .action(exitWith((dir: string | undefined, options: { port?: number }) => dev(dir, options.port)));
}

async function dev(dir: string | undefined, port: number | undefined): Promise<number> {
  let session: Awaited<ReturnType<typeof startDevSession>>;
  try {
    session = await startDevSession({
      print: (line) => console.log(line),
      ...(dir === undefined ? {} : { dir }),
      ...(port === undefined ? {} : { port }),
    });
  } catch (e) {
    console.error(`osprey dev: ${e instanceof ConfigError ? e.message : (e as Error).message}`);
    return 1;
  }
  console.log(`\nOsprey dev is running on ${session.url} for ${session.root}`);
  console.log(`  Web console: ${session.url}/ui/ (no sign-in from this machine)`);
  console.log(`  API token: ${session.apiToken}`);
  console.log(
    `  Start a flow: curl -X POST -H "Authorization: Bearer $OSPREY_API_TOKEN" ${session.url}/api/v1/executions/<namespace>/<flowId>`,
  );
  console.log(
    `  Or from another terminal: OSPREY_SERVER=${session.url} OSPREY_API_TOKEN=... npx osprey kv ls <namespace>`,
  );
  console.log('  Edit flows under the flows folder: they are redeployed on save. Ctrl-C stops.\n');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  console.log('osprey dev: stopping');
  await session.stop();
  return 0;
}
