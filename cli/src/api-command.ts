/**
 * What the commands that talk to a server's REST API share (`osprey kv`, `osprey secrets`):
 * the `--server`/`--token` options and one translation of the client's errors into exit codes.
 */
import { ApiClient, ApiClientError, connection } from './api-client.ts';
import type { Command } from './program.ts';

export interface ConnectionOptions {
  server?: string;
  token?: string;
}

/** A sub-command of `parent` with the connection options. */
export function serverCommand(parent: Command, name: string, summary: string): Command {
  return parent
    .command(name)
    .description(summary)
    .option('--server <URL>', 'the server (default: OSPREY_SERVER, else http://localhost:8080)')
    .option('--token <TOKEN>', 'an API token (default: OSPREY_API_TOKEN)');
}

/**
 * An action on the API: commander's arguments (positionals, then options, then the command) with a
 * client made from the options. A refusal prints the server's message: exit 1, or 2 for bad usage.
 */
export function api<Args extends unknown[]>(
  command: string,
  run: (client: ApiClient, ...args: Args) => Promise<void>,
): (...args: Args) => Promise<void> {
  return async (...args) => {
    const options = args.at(-2) as ConnectionOptions;
    try {
      const client = new ApiClient(connection(options));
      await run(client, ...args);
      process.exitCode = 0;
    } catch (e) {
      if (!(e instanceof ApiClientError)) throw e;
      console.error(`osprey ${command}: ${e.message}`);
      process.exitCode = e.code === 'usage' ? 2 : 1;
    }
  };
}
