/** Test helpers: a real TaskContext over a temp storage folder and an in-memory KV, with captured logs. */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalFolderStorage } from '../../../app/src/server/local-folder-storage.ts';
import type { KvStore, LogLevel, TaskContext, TaskServices } from '../../../protocol/src/task-contract.ts';

export interface TestContext {
  ctx: TaskContext;
  logs: Array<{ level: LogLevel; message: string }>;
  storage: LocalFolderStorage;
  kv: MemoryKv;
  abort: AbortController;
  cleanup(): Promise<void>;
}

export class MemoryKv implements KvStore {
  readonly data = new Map<string, unknown>();
  async get(namespace: string, key: string) {
    const k = `${namespace}/${key}`;
    return this.data.has(k) ? { value: this.data.get(k) } : undefined;
  }
  async set(namespace: string, key: string, value: unknown) {
    this.data.set(`${namespace}/${key}`, value);
  }
  async delete(namespace: string, key: string) {
    return this.data.delete(`${namespace}/${key}`);
  }
  async keys(namespace: string, prefix?: string) {
    return [...this.data.keys()]
      .filter((k) => k.startsWith(`${namespace}/`))
      .map((k) => k.slice(namespace.length + 1))
      .filter((k) => prefix === undefined || k.startsWith(prefix));
  }
}

export async function tempDir(prefix = 'osprey-test-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

export async function testContext(
  properties: Record<string, unknown>,
  options: { taskId?: string; services?: Partial<TaskServices> } = {},
): Promise<TestContext> {
  const dir = await tempDir();
  const storage = new LocalFolderStorage(dir);
  const kv = new MemoryKv();
  const logs: TestContext['logs'] = [];
  const abort = new AbortController();
  const ctx: TaskContext = {
    properties,
    run: {
      executionId: 'exec1',
      namespace: 'company.team',
      flowId: 'demo',
      taskId: options.taskId ?? 'task1',
      taskRunId: 'run1',
      attempt: 1,
    },
    logger: { log: (level, message) => logs.push({ level, message }) },
    storage,
    services: { kv, render: async (t) => t, ...options.services },
    signal: abort.signal,
  };
  return { ctx, logs, storage, kv, abort, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export interface Received {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

/** A local HTTP stand-in: records every request and answers with `handler`. */
export async function standIn(
  handler: (req: Received, res: ServerResponse) => void = (_req, res) => res.end('ok'),
): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks),
      };
      received.push(r);
      handler(r, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
