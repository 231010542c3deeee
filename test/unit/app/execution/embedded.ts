/**
 * The executor with the real embedded runner, on the system clock: what `osprey run` wires. KV and
 * storage are in memory; Slack webhooks go to a local HTTP stand-in.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LocalExecutionService } from '../../../../app/src/execution/local.ts';
import { createLocalExecutionService } from '../../../../app/src/execution/local.ts';
import type { KvStore } from '../../../../protocol/src/task-contract.ts';
import { createEmbeddedRunner } from '../../../../runner/src/embedded-runner.ts';
import { memoryStorage, parseFlow } from './harness.ts';

export function memoryKv(seed: Record<string, Record<string, unknown>> = {}): KvStore {
  const data = new Map(Object.entries(seed).map(([ns, m]) => [ns, new Map(Object.entries(m))]));
  const ns = (n: string) => data.get(n) ?? data.set(n, new Map()).get(n)!;
  return {
    get: async (n, key) => (data.get(n)?.has(key) ? { value: data.get(n)!.get(key) } : undefined),
    set: async (n, key, value) => void ns(n).set(key, value),
    delete: async (n, key) => data.get(n)?.delete(key) ?? false,
    keys: async (n) => [...(data.get(n)?.keys() ?? [])],
  };
}

export function embeddedService(kvSeed: Record<string, Record<string, unknown>> = {}): LocalExecutionService {
  const storage = memoryStorage();
  const kv = memoryKv(kvSeed);
  let service: LocalExecutionService | undefined;
  const runner = createEmbeddedRunner({
    storage,
    kv,
    render: (job, template) => service!.renderForJob(job, template),
    execution: (id) => service!.summary(id),
  });
  service = createLocalExecutionService({
    runner,
    storage,
    kv,
    secrets: { get: async () => undefined },
    flows: { get: async () => undefined },
  });
  return service;
}

/** A local HTTP server that records what is POSTed to it (the Slack stand-in). */
export async function webhookStandIn(): Promise<{ url: string; bodies: string[]; close(): Promise<void> }> {
  const bodies: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      bodies.push(body);
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/services/xxxxx`,
    bodies,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

export { parseFlow };
