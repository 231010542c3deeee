/**
 * `osprey kv get|set|ls|rm`: a server's KV store through its REST API. A value on the command line
 * is read like a Kestra request body: JSON when it parses (`42`, `true`, `{"a":1}`, `'"quoted"'`),
 * else text; `--type` stores it as that type instead.
 */
import { parseArgs } from 'node:util';
import { ApiClient, ApiClientError, connection } from '../api-client.ts';

const HELP = `Usage:
  osprey kv get <namespace> <key> [--json]
  osprey kv set <namespace> <key> <value> [--type TYPE] [--ttl DURATION] [--description TEXT]
  osprey kv ls <namespace> [--json]
  osprey kv rm <namespace> <key>

Reads and writes the KV store of an Osprey server. A get reads exactly <namespace> (no
inheritance from parent namespaces).

<value> is JSON when it parses (42, true, {"a": 1}, '"text"'), else plain text; - reads it from stdin.
Put -- before a value that starts with a dash: osprey kv set company.team delta -- -5

Options:
  --type TYPE          STRING, NUMBER, BOOLEAN, DATETIME, DATE, DURATION or JSON
  --ttl DURATION       expire after an ISO-8601 duration such as PT1H or P7D
  --description TEXT   a note stored with the value
  --json               print JSON ({ type, value } for get, the entries for ls)
  --server URL         the server (default: OSPREY_SERVER, else http://localhost:8080)
  --token TOKEN        an API token (default: OSPREY_API_TOKEN)
  -h, --help           show this help

Exit code: 0 done, 1 refused or not found, 2 bad usage.`;

const path = (namespace: string, key?: string) =>
  `/namespaces/${encodeURIComponent(namespace)}/kv${key === undefined ? '' : `/${encodeURIComponent(key)}`}`;

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
  const [action, namespace, key, value, ...extra] = args.positionals;
  const expected = { get: 2, set: 3, ls: 1, rm: 2 } as const;
  if (action === undefined || !(action in expected)) {
    return usage(action === undefined ? 'which action? get, set, ls or rm' : `unknown action '${action}'`);
  }
  const wanted = expected[action as keyof typeof expected];
  const given = [namespace, key, value].filter((x) => x !== undefined).length + extra.length;
  if (given !== wanted) {
    return usage(`kv ${action} takes ${wanted} argument${wanted === 1 ? '' : 's'}, got ${given}`);
  }
  try {
    const client = new ApiClient(connection(args.values));
    const ns = namespace as string;
    switch (action) {
      case 'get': {
        const entry = await client.request<{ type: string; value: unknown }>('GET', path(ns, key));
        if (args.values.json) console.log(JSON.stringify(entry, null, 2));
        else
          console.log(typeof entry.value === 'string' ? entry.value : JSON.stringify(entry.value, null, 2));
        return 0;
      }
      case 'set': {
        const body = value === '-' ? await readStdin() : (value as string);
        const saved = await client.request<{ key: string; type: string; expirationDate?: string }>(
          'PUT',
          path(ns, key),
          {
            headers: { 'Content-Type': 'text/plain' },
            query: { type: args.values.type, ttl: args.values.ttl, description: args.values.description },
            body,
          },
        );
        const expires = saved.expirationDate === undefined ? '' : `, expires ${saved.expirationDate}`;
        console.log(`set ${ns}/${saved.key} (${saved.type}${expires})`);
        return 0;
      }
      case 'ls': {
        const entries = await client.request<
          Array<{ key: string; type: string; expirationDate?: string; description?: string }>
        >('GET', path(ns));
        if (args.values.json) console.log(JSON.stringify(entries, null, 2));
        else if (entries.length === 0) console.error(`no KV entries in namespace ${ns}`);
        else
          printTable(
            entries.map((e) => [e.key, e.type, e.expirationDate ?? '', e.description ?? '']),
            ['KEY', 'TYPE', 'EXPIRES', 'DESCRIPTION'],
          );
        return 0;
      }
      default: {
        await client.request('DELETE', path(ns, key));
        console.log(`deleted ${ns}/${key}`);
        return 0;
      }
    }
  } catch (e) {
    if (e instanceof ApiClientError) {
      console.error(`osprey kv: ${e.message}`);
      return e.code === 'usage' ? 2 : 1;
    }
    throw e;
  }
}

function usage(message: string): number {
  console.error(`osprey kv: ${message}\n\n${HELP}`);
  return 2;
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      type: { type: 'string' },
      ttl: { type: 'string' },
      description: { type: 'string' },
      json: { type: 'boolean' },
      server: { type: 'string' },
      token: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

export function printTable(rows: string[][], header: string[]): void {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  for (const r of all)
    console.log(
      r
        .map((c, i) => c.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    );
}
