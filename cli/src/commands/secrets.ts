/**
 * `osprey secrets ls|set|rm`: a server's secrets through its REST API. A value is never taken from
 * the command line, where it would stay in the shell history and show in `ps`: it comes from stdin,
 * a hidden prompt, or `--from-env VAR`.
 */
import { api, type ConnectionOptions, serverCommand } from '../api-command.ts';
import { Command, usageError } from '../program.ts';
import { printTable } from './kv.ts';

const path = (namespace: string, name?: string) =>
  `/namespaces/${encodeURIComponent(namespace)}/secrets${name === undefined ? '' : `/${encodeURIComponent(name)}`}`;

class UsageError extends Error {}

interface SecretsOptions extends ConnectionOptions {
  json?: boolean;
  fromEnv?: string;
  description?: string;
}

export function command(): Command {
  const secrets = new Command('secrets')
    .description(
      `Manages the secrets of an Osprey server. Values are never shown. \`set\` reads the value from stdin (one trailing newline dropped), from a hidden prompt when stdin is a terminal, or from the environment variable named by --from-env; never from the command line.

  printf %s "$TOKEN" | osprey secrets set company.team SLACK_TOKEN
  osprey secrets set company.team DB_PASSWORD --from-env DB_PASSWORD`,
    )
    .addHelpText('after', '\nExit code: 0 done, 1 refused (read-only backend, not found, ...), 2 bad usage.');
  serverCommand(secrets, 'ls', 'list the secrets of a namespace (names, never values)')
    .argument('<namespace>')
    .option('--json', 'print the listing as JSON')
    .action(
      api('secrets', async (client, ns: string, o: SecretsOptions) => {
        const listing = await client.request<{
          backend: string;
          readOnly: boolean;
          results: Array<{ key: string; backend: string; readOnly: boolean; description?: string }>;
        }>('GET', path(ns));
        if (o.json) {
          console.log(JSON.stringify(listing, null, 2));
          return;
        }
        console.error(
          `namespace ${ns}: ${listing.backend} backend${listing.readOnly ? ' (read-only: change secrets at the source)' : ''}`,
        );
        if (listing.results.length === 0) console.error('no secrets');
        else
          printTable(
            listing.results.map((s) => [
              s.key,
              s.backend,
              s.readOnly ? 'read-only' : 'read-write',
              s.description ?? '',
            ]),
            ['NAME', 'BACKEND', 'ACCESS', 'DESCRIPTION'],
          );
      }),
    );
  serverCommand(secrets, 'set', 'store a secret read from stdin, a hidden prompt or --from-env')
    .argument('<namespace>')
    .argument('<name>')
    .option('--from-env <VAR>', 'take the value from this environment variable')
    .option('--description <TEXT>', 'a note stored with the secret')
    // A value given after the name is refused with the reason, not as a mere extra argument.
    .allowExcessArguments()
    .action(
      api('secrets', async (client, ns: string, name: string, o: SecretsOptions, cmd: Command) => {
        if (cmd.args.length > 2)
          usageError(
            cmd,
            'secrets set takes no value on the command line (it would stay in your shell history); pipe it on stdin or use --from-env VAR',
          );
        let value: string;
        try {
          value = await readValue(o.fromEnv, name);
        } catch (e) {
          if (e instanceof UsageError) usageError(cmd, e.message);
          throw e;
        }
        const saved = await client.request<{ key: string; backend: string }>('PUT', path(ns, name), {
          headers: { 'Content-Type': o.description === undefined ? 'text/plain' : 'application/json' },
          body: o.description === undefined ? value : JSON.stringify({ value, description: o.description }),
        });
        console.log(`set secret ${saved.key} in namespace ${ns} (${saved.backend} backend)`);
      }),
    );
  serverCommand(secrets, 'rm', 'delete a secret')
    .argument('<namespace>')
    .argument('<name>')
    .action(
      api('secrets', async (client, ns: string, name: string) => {
        await client.request('DELETE', path(ns, name));
        console.log(`deleted secret ${name} from namespace ${ns}`);
      }),
    );
  return secrets;
}

async function readValue(fromEnv: string | undefined, name: string): Promise<string> {
  let value: string;
  if (fromEnv !== undefined) {
    const v = process.env[fromEnv];
    if (v === undefined || v === '')
      throw new UsageError(`--from-env ${fromEnv}: the variable is not set or empty`);
    value = v;
  } else if (process.stdin.isTTY) {
    value = await hiddenPrompt(`value of ${name} (not shown): `);
  } else {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    value = Buffer.concat(chunks)
      .toString('utf8')
      .replace(/\r?\n$/, '');
  }
  if (value === '')
    throw new UsageError(`the value of ${name} is empty; pipe it on stdin or use --from-env VAR`);
  return value;
}

/** Reads a line from the terminal without echoing it. */
function hiddenPrompt(question: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(question);
  stdin.setRawMode(true);
  stdin.setEncoding('utf8');
  stdin.resume();
  return new Promise((resolve, reject) => {
    let value = '';
    const finish = () => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') {
          finish();
          resolve(value);
          return;
        }
        if (ch === '\u0003') {
          finish();
          reject(new UsageError('cancelled'));
          return;
        }
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    stdin.on('data', onData);
  });
}
