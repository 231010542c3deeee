/**
 * Real processes for the end-to-end tests: an `osprey server` (server-entry.ts) on Postgres or on
 * PGlite in a temp data folder, and `osprey runner` processes (the real CLI) talking HTTP to it.
 * Processes can be killed (SIGKILL) and the server restarted on the same database and port.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const SERVER_ENTRY = join(ROOT, 'test/e2e/server/support/server-entry.ts');
const CLI = join(ROOT, 'cli/src/main.ts');
export const REGISTRATION_TOKEN = 'e2e-registration-token-0123456789abcdefghij';
export const POSTGRES_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface Proc {
  readonly child: ChildProcess;
  readonly output: () => string;
  /** Resolves with the exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  kill(signal: NodeJS.Signals): Promise<number | null>;
}

/**
 * Runs `node <args>` (from the project root, or `options.cwd`) with `env` added and the variables
 * of `options.unset` removed, capturing its output.
 */
export function spawnNode(
  args: string[],
  env: Record<string, string>,
  options: { cwd?: string; unset?: readonly string[] } = {},
): Proc {
  const merged: Record<string, string | undefined> = { ...process.env, ...env };
  for (const name of options.unset ?? []) delete merged[name];
  const child = spawn(process.execPath, args, {
    cwd: options.cwd ?? ROOT,
    env: merged,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const listeners = new Set<() => void>();
  const onData = (d: Buffer) => {
    out += d.toString();
    for (const l of listeners) l();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    output: () => out,
    exited,
    waitFor(pattern, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = pattern.exec(out);
          if (m === null) return false;
          cleanup();
          resolve(m);
          return true;
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`no ${pattern} within ${timeoutMs} ms; output:\n${out}`));
        }, timeoutMs);
        const onExit = () => {
          if (check()) return;
          cleanup();
          reject(new Error(`the process exited before printing ${pattern}; output:\n${out}`));
        };
        const cleanup = () => {
          clearTimeout(timer);
          listeners.delete(check);
          child.off('exit', onExit);
        };
        listeners.add(check);
        child.once('exit', onExit);
        check();
      });
    },
    async kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** A port free on 127.0.0.1 now (bound then released), for a server whose URL must be known first. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export type BackendName = 'postgres' | 'pglite';

/** Whether a Postgres server answers (the Postgres half is skipped otherwise). */
export async function postgresReachable(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    return undefined;
  } catch (e) {
    return `Postgres not reachable at ${POSTGRES_URL} (${(e as Error).message}); set DATABASE_URL to run these tests`;
  } finally {
    await client.end().catch(() => {});
  }
}

export interface Cluster {
  url: string;
  dataDir: string;
  server: Proc;
  /** Starts the server again on the same database, data folder and port. */
  restartServer(): Promise<Proc>;
  runner(name: string, extra?: string[]): Promise<Proc>;
  startExecution(
    yaml: string,
    extra?: { source?: { repository: string; sha: string }; inputs?: object },
  ): Promise<{ id: string }>;
  execution(id: string): Promise<{
    state: { current: string };
    taskRunList: Array<{ taskId: string; state: { current: string }; attempts: unknown[] }>;
  }>;
  logs(
    id: string,
  ): Promise<Array<{ taskId?: string; level: string; message: string; attemptNumber?: number }>>;
  jobs(id: string): Promise<{
    counts: Record<string, number>;
    jobs: Array<{ taskId: string; attempt: number; state: string; runnerName: string | null }>;
  }>;
  /** Waits until the execution is in one of `states`. */
  waitForState(
    id: string,
    states: readonly string[],
    timeoutMs?: number,
  ): Promise<Awaited<ReturnType<Cluster['execution']>>>;
  /** Files the execution's task `taskId` stored (one per run of a Write task). */
  storedFiles(executionId: string, flowPath: string, taskId: string): Promise<string[]>;
  stop(): Promise<void>;
}

export async function startCluster(
  backend: BackendName,
  options: { leaseTtlMs?: number } = {},
): Promise<Cluster> {
  const dataDir = await mkdtemp(join(tmpdir(), 'osprey-e2e-'));
  const schema = `e2e_${randomBytes(5).toString('hex')}`;
  const port = await freePort();
  const env: Record<string, string> = {
    OSPREY_DATA_DIR: dataDir,
    OSPREY_RUNNER_TOKEN: REGISTRATION_TOKEN,
    OSPREY_HOST: '127.0.0.1',
    PORT: String(port),
    OSPREY_LEASE_TTL_MS: String(options.leaseTtlMs ?? 1500),
    OSPREY_CLAIM_WAIT_MS: '3000',
    ...(backend === 'postgres'
      ? { DATABASE_URL: POSTGRES_URL, OSPREY_DATABASE_SCHEMA: schema }
      : { DATABASE_URL: '' }),
  };
  const runners: Proc[] = [];
  const launch = async () => {
    const proc = spawnNode([SERVER_ENTRY], env);
    await proc.waitFor(/Osprey server listening on (http:\/\/\S+)/, 60_000);
    return proc;
  };
  const cluster: Cluster = {
    url: `http://127.0.0.1:${port}`,
    dataDir,
    server: await launch(),
    async restartServer() {
      cluster.server = await launch();
      return cluster.server;
    },
    async runner(name, extra = []) {
      const proc = spawnNode(
        [
          CLI,
          'runner',
          '--server',
          cluster.url,
          '--token',
          REGISTRATION_TOKEN,
          '--name',
          name,
          '--state-dir',
          join(dataDir, `runner-${name}`),
          '--concurrency',
          '2',
          ...extra,
        ],
        { XDG_CACHE_HOME: join(dataDir, 'cache') },
      );
      runners.push(proc);
      await proc.waitFor(/is taking jobs/, 30_000);
      return proc;
    },
    async startExecution(yaml, extra = {}) {
      return post(`${cluster.url}/test/executions`, { yaml, ...extra });
    },
    execution: (id) => get(`${cluster.url}/test/executions/${id}`),
    logs: (id) => get(`${cluster.url}/test/executions/${id}/logs`),
    jobs: (id) => get(`${cluster.url}/test/executions/${id}/jobs`),
    async waitForState(id, states, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      let last: Awaited<ReturnType<Cluster['execution']>> | undefined;
      while (Date.now() < deadline) {
        last = await cluster.execution(id).catch(() => undefined);
        if (last !== undefined && last !== null && states.includes(last.state.current)) return last;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(
        `execution ${id} is not ${states.join(' or ')} after ${timeoutMs} ms: ${JSON.stringify(last?.taskRunList.map((r) => [r.taskId, r.state.current]))}\nserver:\n${cluster.server.output()}\nrunners:\n${runners.map((r) => r.output()).join('\n---\n')}`,
      );
    },
    async storedFiles(executionId, flowPath, taskId) {
      const dir = join(dataDir, 'storage', flowPath, 'executions', executionId, 'tasks', taskId);
      const runs = await readdir(dir).catch(() => [] as string[]);
      const files: string[] = [];
      for (const run of runs) for (const f of await readdir(join(dir, run))) files.push(`${run}/${f}`);
      return files;
    },
    async stop() {
      await Promise.all(runners.map((r) => r.kill('SIGKILL')));
      await cluster.server.kill('SIGKILL');
      if (backend === 'postgres') {
        const client = new pg.Client({ connectionString: POSTGRES_URL });
        await client.connect();
        await client.query(
          `DROP SCHEMA IF EXISTS "${schema}" CASCADE; DROP SCHEMA IF EXISTS "${schema}_pgboss" CASCADE`,
        );
        await client.end();
      }
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  return cluster;
}

async function post<T>(url: string, body: unknown): Promise<T> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`POST ${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

async function get<T>(url: string): Promise<T> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`GET ${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}
