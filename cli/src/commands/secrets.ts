/**
 * `osprey secrets ls|set|rm`: a server's secrets through its REST API. A value is never taken from
 * the command line, where it would stay in the shell history and show in `ps`: it comes from stdin,
 * a hidden prompt, or `--from-env VAR`.
 */
import { parseArgs } from 'node:util';
import { ApiClient, ApiClientError, connection } from '../api-client.ts';
import { printTable } from './kv.ts';

const HELP = `Usage:
  osprey secrets ls <namespace> [--json]
  osprey secrets set <namespace> <name> [--from-env VAR] [--description TEXT]
  osprey secrets rm <namespace> <name>

Manages the secrets of an Osprey server. Values are never shown. \`set\` reads the value from
stdin (one trailing newline dropped), from a hidden prompt when stdin is a terminal, or from the
environment variable named by --from-env; never from the command line.

  printf %s "$TOKEN" | osprey secrets set company.team SLACK_TOKEN
  osprey secrets set company.team DB_PASSWORD --from-env DB_PASSWORD

Options:
  --from-env VAR       take the value from this environment variable
  --description TEXT   a note stored with the secret
  --json               print the listing as JSON
  --server URL         the server (default: OSPREY_SERVER, else http://localhost:8080)
  --token TOKEN        an API token (default: OSPREY_API_TOKEN)
  -h, --help           show this help

Exit code: 0 done, 1 refused (read-only backend, not found, ...), 2 bad usage.`;

const path = (namespace: string, name?: string) =>
  `/namespaces/${encodeURIComponent(namespace)}/secrets${name === undefined ? '' : `/${encodeURIComponent(name)}`}`;

class UsageError extends Error {}

export async function main(argv: string[]): Promise<number> {
  let args: ReturnType<typeof parse>;
  try {
    args = parse(argv);
  } catch (e) {
    return usage((e as Error).message);
  }
  if (args.values.help) {
    console.log(HELP);
    return 0;
  }
  const [action, namespace, name, ...extra] = args.positionals;
  if (action === 'set' && extra.length > 0) {
    return usage(
      'secrets set takes no value on the command line (it would stay in your shell history); pipe it on stdin or use --from-env VAR',
    );
  }
  const expected = { ls: 1, set: 2, rm: 2 } as const;
  if (action === undefined || !(action in expected)) {
    return usage(action === undefined ? 'which action? ls, set or rm' : `unknown action '${action}'`);
  }
  const wanted = expected[action as keyof typeof expected];
  const given = [namespace, name].filter((x) => x !== undefined).length + extra.length;
  if (given !== wanted)
    return usage(`secrets ${action} takes ${wanted} argument${wanted === 1 ? '' : 's'}, got ${given}`);
  try {
    const client = new ApiClient(connection(args.values));
    const ns = namespace as string;
    if (action === 'ls') {
      const listing = await client.request<{
        backend: string;
        readOnly: boolean;
        results: Array<{ key: string; backend: string; readOnly: boolean; description?: string }>;
      }>('GET', path(ns));
      if (args.values.json) {
        console.log(JSON.stringify(listing, null, 2));
        return 0;
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
      return 0;
    }
    if (action === 'set') {
      const value = await readValue(args.values['from-env'], name as string);
      const saved = await client.request<{ key: string; backend: string }>('PUT', path(ns, name), {
        headers: {
          'Content-Type': args.values.description === undefined ? 'text/plain' : 'application/json',
        },
        body:
          args.values.description === undefined
            ? value
            : JSON.stringify({ value, description: args.values.description }),
      });
      console.log(`set secret ${saved.key} in namespace ${ns} (${saved.backend} backend)`);
      return 0;
    }
    await client.request('DELETE', path(ns, name));
    console.log(`deleted secret ${name} from namespace ${ns}`);
    return 0;
  } catch (e) {
    if (e instanceof UsageError) return usage(e.message);
    if (e instanceof ApiClientError) {
      console.error(`osprey secrets: ${e.message}`);
      return e.code === 'usage' ? 2 : 1;
    }
    throw e;
  }
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

function usage(message: string): number {
  console.error(`osprey secrets: ${message}\n\n${HELP}`);
  return 2;
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'from-env': { type: 'string' },
      description: { type: 'string' },
      json: { type: 'boolean' },
      server: { type: 'string' },
      token: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
