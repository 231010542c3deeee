/**
 * `osprey kv get|set|ls|rm`: a server's KV store through its REST API. A value on the command line
 * is read like a Kestra request body: JSON when it parses (`42`, `true`, `{"a":1}`, `'"quoted"'`),
 * else text; `--type` stores it as that type instead.
 */
import { api, type ConnectionOptions, serverCommand } from '../api-command.ts';
import { Command } from '../program.ts';

const path = (namespace: string, key?: string) =>
  `/namespaces/${encodeURIComponent(namespace)}/kv${key === undefined ? '' : `/${encodeURIComponent(key)}`}`;

interface KvOptions extends ConnectionOptions {
  json?: boolean;
  type?: string;
  ttl?: string;
  description?: string;
}

export function command(): Command {
  const kv = new Command('kv')
    .description(
      `Reads and writes the KV store of an Osprey server. A get reads exactly <namespace> (no inheritance from parent namespaces).`,
    )
    .addHelpText('after', '\nExit code: 0 done, 1 refused or not found, 2 bad usage.');
  serverCommand(kv, 'get', 'print a value')
    .argument('<namespace>')
    .argument('<key>')
    .option('--json', 'print { type, value }')
    .action(
      api('kv', async (client, ns: string, key: string, o: KvOptions) => {
        const entry = await client.request<{ type: string; value: unknown }>('GET', path(ns, key));
        if (o.json) console.log(JSON.stringify(entry, null, 2));
        else
          console.log(typeof entry.value === 'string' ? entry.value : JSON.stringify(entry.value, null, 2));
      }),
    );
  serverCommand(kv, 'set', 'store a value')
    .argument('<namespace>')
    .argument('<key>')
    .argument(
      '<value>',
      'JSON when it parses (42, true, {"a": 1}, \'"text"\'), else plain text; - reads stdin',
    )
    .option('--type <TYPE>', 'STRING, NUMBER, BOOLEAN, DATETIME, DATE, DURATION or JSON')
    .option('--ttl <DURATION>', 'expire after an ISO-8601 duration such as PT1H or P7D')
    .option('--description <TEXT>', 'a note stored with the value')
    .addHelpText(
      'after',
      '\nPut -- before a value that starts with a dash: osprey kv set company.team delta -- -5',
    )
    .action(
      api('kv', async (client, ns: string, key: string, value: string, o: KvOptions) => {
        const body = value === '-' ? await readStdin() : value;
        const saved = await client.request<{ key: string; type: string; expirationDate?: string }>(
          'PUT',
          path(ns, key),
          {
            headers: { 'Content-Type': 'text/plain' },
            query: { type: o.type, ttl: o.ttl, description: o.description },
            body,
          },
        );
        const expires = saved.expirationDate === undefined ? '' : `, expires ${saved.expirationDate}`;
        console.log(`set ${ns}/${saved.key} (${saved.type}${expires})`);
      }),
    );
  serverCommand(kv, 'ls', 'list the entries of a namespace')
    .argument('<namespace>')
    .option('--json', 'print the entries as JSON')
    .action(
      api('kv', async (client, ns: string, o: KvOptions) => {
        const entries = await client.request<
          Array<{ key: string; type: string; expirationDate?: string; description?: string }>
        >('GET', path(ns));
        if (o.json) console.log(JSON.stringify(entries, null, 2));
        else if (entries.length === 0) console.error(`no KV entries in namespace ${ns}`);
        else
          printTable(
            entries.map((e) => [e.key, e.type, e.expirationDate ?? '', e.description ?? '']),
            ['KEY', 'TYPE', 'EXPIRES', 'DESCRIPTION'],
          );
      }),
    );
  serverCommand(kv, 'rm', 'delete an entry')
    .argument('<namespace>')
    .argument('<key>')
    .action(
      api('kv', async (client, ns: string, key: string) => {
        await client.request('DELETE', path(ns, key));
        console.log(`deleted ${ns}/${key}`);
      }),
    );
  return kv;
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
