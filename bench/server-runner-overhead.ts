/**
 * Per-task overhead through `osprey server` and one remote runner over HTTP, like the public
 * orchestrator benchmark: one flow of 40 sequential light tasks (Log, run on the runner: the
 * server runs only `execution.Resume` itself), N executions one after the other, then N again with
 * several in flight. Per execution:
 *
 *   overhead per task = (execution wall time − Σ task plugin run times) / 40
 *
 * wall time from `executions.start` to the terminal event; plugin run times measured inside the
 * runner around the real Log plugin. On Postgres (DATABASE_URL, else 127.0.0.1:5432 when it
 * answers) and on PGlite. Server and runner share this process (the runner speaks HTTP), so both
 * clocks agree. Goal: p50 ≤ 10 ms per task on Postgres.
 *
 * `--trace` also prints where a task's time goes: the runner's HTTP requests by route (each one's
 * time includes the server's work for it, same process), per task.
 *
 *   npx node bench/server-runner-overhead.ts [--executions N] [--parallel P] [--tasks T] [--type log|return] [--trace]
 *     [--backend both|postgres|pglite]
 */
import diagnostics from 'node:diagnostics_channel';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { loadServerConfig } from '../app/src/config/server.schema.ts';
import { createServer, type OspreyServer } from '../app/src/server/main.ts';
import type { Database } from '../app/src/storage/database.ts';
import type { Flow } from '../flows-schema/src/schema/flow.ts';
import { validateFlowSource } from '../flows-schema/src/validate/validate-flow.ts';
import type { RunnableTask } from '../protocol/src/task-contract.ts';
import { RemoteRunner } from '../runner/src/remote/remote-runner.ts';
import { taskRegistry } from '../runner/src/tasks/registry.ts';
import { onEachBackend } from './support/backends.ts';

const { values } = parseArgs({
  options: {
    executions: { type: 'string', default: '20' },
    parallel: { type: 'string', default: '4' },
    tasks: { type: 'string', default: '40' },
    type: { type: 'string', default: 'log' },
    warmup: { type: 'string', default: '3' },
    trace: { type: 'boolean', default: false },
    backend: { type: 'string', default: 'both' },
  },
});
const EXECUTIONS = Number(values.executions);
const PARALLEL = Number(values.parallel);
const TASKS = Number(values.tasks);
const WARMUP = Number(values.warmup);
const GOAL_MS = 10;
const TYPES: Record<string, { type: string; props: (i: number) => string }> = {
  log: {
    type: 'io.kestra.plugin.core.log.Log',
    props: (i) => `    message: "task ${i} of {{ execution.id }}"`,
  },
  return: { type: 'io.kestra.plugin.core.debug.Return', props: (i) => `    format: "task ${i}"` },
};
const KIND = TYPES[values.type];
if (KIND === undefined || !Number.isInteger(EXECUTIONS) || EXECUTIONS < 1 || !(PARALLEL >= 1)) {
  console.error('bench/server-runner-overhead.ts: --type is log or return; --executions and --parallel ≥ 1');
  process.exit(2);
}
const POSTGRES_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const TOKEN = 'bench-registration-token-0123456789abcdefgh';

// The real plugin, timed: Σ run time per execution.
const pluginMs = new Map<string, number>();
const real = taskRegistry.get(KIND.type);
if (real === undefined) throw new Error(`${KIND.type} is not in runner/src/tasks/registry.ts`);
const timed: RunnableTask = {
  ...real,
  async run(ctx) {
    const t0 = performance.now();
    try {
      return await real.run(ctx);
    } finally {
      const id = ctx.run.executionId;
      pluginMs.set(id, (pluginMs.get(id) ?? 0) + performance.now() - t0);
    }
  },
};
const tasks = new Map(taskRegistry);
tasks.set(KIND.type, timed);

// --trace: the runner's requests by route (ids folded), total time and count (node's HTTP client
// publishes each request's start and its response's end).
const routes = new Map<string, { ms: number; n: number }>();
if (values.trace) {
  const started = new WeakMap<object, number>();
  diagnostics.subscribe('http.client.request.start', (m) => {
    started.set((m as { request: object }).request, performance.now());
  });
  diagnostics.subscribe('http.client.response.finish', (m) => {
    const { request } = m as { request: { method: string; path: string } };
    const t0 = started.get(request);
    if (t0 === undefined) return;
    const route = `${request.method} ${request.path.replace(/\/jobs\/[^/]+/, '/jobs/:id')}`;
    const r = routes.get(route) ?? { ms: 0, n: 0 };
    r.ms += performance.now() - t0;
    r.n++;
    routes.set(route, r);
  });
}

// --trace: Postgres statements by kind (first words), counted.
const statements = new Map<string, number>();
if (values.trace) {
  const proto = pg.Client.prototype as unknown as { query: (...a: unknown[]) => unknown };
  const plainQuery = proto.query;
  proto.query = function (this: unknown, ...args: unknown[]) {
    const q = args[0];
    const text = typeof q === 'string' ? q : ((q as { text?: string } | undefined)?.text ?? '');
    const kind = text.trim().replace(/\s+/g, ' ').slice(0, 60);
    statements.set(kind, (statements.get(kind) ?? 0) + 1);
    return plainQuery.apply(this, args);
  };
}

const source = `id: overhead
namespace: bench
tasks:
${Array.from({ length: TASKS }, (_, i) => `  - id: t${i}\n    type: ${KIND.type}\n${KIND.props(i)}`).join('\n')}
`;
const { flow, issues } = validateFlowSource(source);
if (flow === undefined) throw new Error(issues.map((i) => i.message).join('; '));
const FLOW = flow as Flow;

interface Sample {
  wallMs: number;
  pluginMs: number;
  perTaskMs: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? Number.NaN;
}

async function one(server: OspreyServer): Promise<Sample> {
  const { executions } = server.services;
  const t0 = performance.now();
  const ex = await executions.start({ flow: FLOW });
  const done = await executions.waitForTerminal(ex.id);
  const wallMs = performance.now() - t0;
  if (done.state.current !== 'SUCCESS') throw new Error(`execution ${ex.id} ended ${done.state.current}`);
  const ran = done.taskRunList.length;
  if (ran !== TASKS) throw new Error(`execution ${ex.id} ran ${ran} tasks, not ${TASKS}`);
  const plugin = pluginMs.get(ex.id) ?? 0;
  pluginMs.delete(ex.id);
  return { wallMs, pluginMs: plugin, perTaskMs: (wallMs - plugin) / TASKS };
}

async function runMany(server: OspreyServer, n: number, inFlight: number): Promise<Sample[]> {
  const samples: Sample[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < n) {
        next++;
        samples.push(await one(server));
      }
    }),
  );
  return samples;
}

interface Figures {
  sequential: Sample[];
  parallel: Sample[];
  parallelSeconds: number;
  /** CPU of this process (server + runner) per task, sequential run; beside the wall time per task. */
  cpuPerTask: number;
  wallPerTask: number;
}

async function measure(db: Database): Promise<Figures> {
  const dataDir = await mkdtemp(join(tmpdir(), 'osprey-bench-'));
  try {
    const config = loadServerConfig({ OSPREY_RUNNER_TOKEN: TOKEN, OSPREY_DATA_DIR: dataDir });
    const server = await createServer(config, { database: db, port: 0, host: '127.0.0.1', drainMs: 100 });
    const url = await server.start();
    const runner = new RemoteRunner({
      server: url,
      name: 'bench-overhead',
      registrationToken: TOKEN,
      concurrency: Math.max(4, PARALLEL),
      tasks,
      log: () => {},
    });
    await runner.start();
    try {
      await runMany(server, WARMUP, 1);
      routes.clear();
      statements.clear();
      const cpu0 = process.cpuUsage();
      const wall0 = performance.now();
      const sequential = await runMany(server, EXECUTIONS, 1);
      const cpu = process.cpuUsage(cpu0);
      const cpuPerTask = (cpu.user + cpu.system) / 1000 / (EXECUTIONS * TASKS);
      const wallPerTask = (performance.now() - wall0) / (EXECUTIONS * TASKS);
      if (values.trace) {
        const n = EXECUTIONS * TASKS;
        console.log(`\n  sequential: the runner's requests per task (a claim includes its long-poll wait)`);
        for (const [route, r] of [...routes].sort((a, b) => b[1].ms - a[1].ms))
          console.log(
            `    ${route.padEnd(40)} ${(r.ms / n).toFixed(2).padStart(7)} ms/task  ${(r.n / n).toFixed(2)} calls/task  ${(r.ms / r.n).toFixed(2)} ms/call`,
          );
        const all = [...statements.values()].reduce((a, b) => a + b, 0);
        console.log(`  Postgres statements per task: ${(all / n).toFixed(1)}; the most frequent:`);
        for (const [kind, c] of [...statements].sort((a, b) => b[1] - a[1]).slice(0, 20))
          console.log(`    ${(c / n).toFixed(2).padStart(6)}  ${kind}`);
      }
      const t0 = performance.now();
      const parallel = PARALLEL > 1 ? await runMany(server, EXECUTIONS, PARALLEL) : [];
      return {
        sequential,
        parallel,
        parallelSeconds: (performance.now() - t0) / 1000,
        cpuPerTask,
        wallPerTask,
      };
    } finally {
      await runner.stop(1000);
      await server.stop();
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

function report(name: string, f: Figures, goal: boolean): void {
  const ms = (x: number) => `${x.toFixed(2)} ms`;
  const line = (label: string, samples: Sample[]) => {
    const per = samples.map((s) => s.perTaskMs).sort((a, b) => a - b);
    const wall = samples.map((s) => s.wallMs).sort((a, b) => a - b);
    const plugin = samples.reduce((a, s) => a + s.pluginMs, 0) / samples.length / TASKS;
    const p50 = percentile(per, 0.5);
    const verdict = goal
      ? p50 <= GOAL_MS
        ? `  (ok, goal ≤ ${GOAL_MS} ms)`
        : `  (ABOVE GOAL ${GOAL_MS} ms)`
      : '';
    console.log(
      `  ${label.padEnd(24)} overhead/task p50 ${ms(p50)}  p95 ${ms(percentile(per, 0.95))}${verdict}` +
        `   execution p50 ${ms(percentile(wall, 0.5))}   plugin/task ${ms(plugin)}`,
    );
  };
  console.log(`\n${name}`);
  line(`sequential (${f.sequential.length})`, f.sequential);
  console.log(
    `  ${''.padEnd(24)} CPU of server + runner ${ms(f.cpuPerTask)} per task of ${ms(f.wallPerTask)} wall (${((100 * f.cpuPerTask) / f.wallPerTask).toFixed(0)}% busy)`,
  );
  if (f.parallel.length > 0) {
    line(`${PARALLEL} in flight (${f.parallel.length})`, f.parallel);
    console.log(
      `  ${''.padEnd(24)} ${((f.parallel.length * TASKS) / f.parallelSeconds).toFixed(0)} tasks/s with ${PARALLEL} in flight`,
    );
  }
}

console.log(
  `bench/server-runner-overhead.ts: ${TASKS} sequential ${KIND.type} tasks (run on the remote runner), ` +
    `${EXECUTIONS} executions sequentially and ${PARALLEL > 1 ? `${EXECUTIONS} with ${PARALLEL} in flight` : 'none in parallel'}; ` +
    `goal: overhead ≤ ${GOAL_MS} ms per task`,
);

await onEachBackend(POSTGRES_URL, async (db, label) => report(label, await measure(db), true), {
  postgres: values.backend !== 'pglite',
  pglite: values.backend !== 'postgres',
});
