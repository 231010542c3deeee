/**
 * Dispatch through `osprey server`, on Postgres (when reachable) and on PGlite, in one run:
 * 1. enqueue → task start latency: an execution is started while one runner waits in its HTTP
 *    long-poll; the time until the task's plugin begins (p50, p99);
 * 2. no-op executions per second (one task each), with 1 runner and with 2 runners;
 * 3. the floor, measured in the same run on the same database: a plain queue table consumed with
 *    `DELETE … WHERE id = (SELECT … FOR UPDATE SKIP LOCKED LIMIT 1)`, one connection.
 * Server and runners run in this process (runners over HTTP on localhost), so both clocks agree.
 * Goals: p50 ≤ 10 ms and p99 ≤ 50 ms on Postgres; throughput at least a third of the floor.
 *
 *   npx node bench/queue.ts [--executions N] [--latency N] [--concurrency C]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
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
    executions: { type: 'string', default: '2000' },
    latency: { type: 'string', default: '200' },
    concurrency: { type: 'string', default: '128' },
  },
});
const EXECUTIONS = Number(values.executions);
const LATENCY_SAMPLES = Number(values.latency);
const CONCURRENCY = Number(values.concurrency);
const POSTGRES_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const TOKEN = 'bench-registration-token-0123456789abcdefgh';
const RETURN = 'io.kestra.plugin.core.debug.Return';

// The no-op task: a Return whose plugin only notes when it began.
const began = new Map<string, number>();
const noop: RunnableTask = {
  type: RETURN,
  async run(ctx) {
    began.set(ctx.run.executionId, performance.now());
    return { state: 'SUCCESS' };
  },
};
const tasks = new Map(taskRegistry);
tasks.set(RETURN, noop);
const { flow } = validateFlowSource(`
id: noop
namespace: bench
tasks:
  - id: noop
    type: ${RETURN}
    format: x
`);
const FLOW = flow as Flow;

interface Figures {
  p50: number;
  p99: number;
  oneRunner: number;
  twoRunners: number;
  floor: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? Number.NaN;
}

async function runner(url: string, name: string): Promise<RemoteRunner> {
  const r = new RemoteRunner({
    server: url,
    name,
    registrationToken: TOKEN,
    concurrency: CONCURRENCY,
    tasks,
    log: () => {},
  });
  await r.start();
  return r;
}

async function latency(server: OspreyServer): Promise<{ p50: number; p99: number }> {
  const { executions } = server.services;
  const samples: number[] = [];
  for (let i = 0; i < LATENCY_SAMPLES + 20; i++) {
    const t0 = performance.now();
    const ex = await executions.start({ flow: FLOW });
    await executions.waitForTerminal(ex.id);
    // The first ones warm caches and connections up.
    if (i >= 20) samples.push((began.get(ex.id) ?? Number.NaN) - t0);
    began.delete(ex.id);
  }
  samples.sort((a, b) => a - b);
  return { p50: percentile(samples, 0.5), p99: percentile(samples, 0.99) };
}

/** Executions per second: `n` started at once, timed until the last one succeeded. */
async function throughput(server: OspreyServer, n: number): Promise<number> {
  const { executions } = server.services;
  let left = n;
  let done!: () => void;
  const all = new Promise<void>((resolve) => {
    done = resolve;
  });
  const mine = new Set<string>();
  const early = new Set<string>();
  const unsubscribe = executions.subscribe((e) => {
    if (e.execution.state.current !== 'SUCCESS') return;
    if (!mine.has(e.execution.id)) {
      early.add(e.execution.id);
      return;
    }
    mine.delete(e.execution.id);
    if (--left === 0) done();
  });
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: n }, async () => {
      const ex = await executions.start({ flow: FLOW });
      if (early.delete(ex.id)) {
        if (--left === 0) done();
      } else mine.add(ex.id);
    }),
  );
  await all;
  const seconds = (performance.now() - t0) / 1000;
  unsubscribe();
  return n / seconds;
}

/** Rows per second through a plain SKIP LOCKED queue on one connection. */
async function floor(query: (sql: string) => Promise<{ rowCount: number }>, rows: number): Promise<number> {
  await query('DROP TABLE IF EXISTS bench_floor');
  await query('CREATE TABLE bench_floor (id bigserial PRIMARY KEY, payload jsonb NOT NULL)');
  await query(
    `INSERT INTO bench_floor (payload) SELECT '{"task":"noop"}'::jsonb FROM generate_series(1, ${rows})`,
  );
  await query('ANALYZE bench_floor');
  let taken = 0;
  const t0 = performance.now();
  for (;;) {
    const r = await query(
      'DELETE FROM bench_floor WHERE id = (SELECT id FROM bench_floor ORDER BY id FOR UPDATE SKIP LOCKED LIMIT 1) RETURNING payload',
    );
    if (r.rowCount === 0) break;
    taken++;
  }
  const perSecond = taken / ((performance.now() - t0) / 1000);
  await query('DROP TABLE bench_floor');
  return perSecond;
}

async function measure(
  db: Database,
  floorQuery: (sql: string) => Promise<{ rowCount: number }>,
): Promise<Figures> {
  const dataDir = await mkdtemp(join(tmpdir(), 'osprey-bench-'));
  try {
    const config = loadServerConfig({ OSPREY_RUNNER_TOKEN: TOKEN, OSPREY_DATA_DIR: dataDir });
    const server = await createServer(config, { database: db, port: 0, host: '127.0.0.1', drainMs: 100 });
    const url = await server.start();
    const first = await runner(url, 'bench-1');
    await new Promise((r) => setTimeout(r, 200));
    const { p50, p99 } = await latency(server);
    const oneRunner = await throughput(server, EXECUTIONS);
    const second = await runner(url, 'bench-2');
    const twoRunners = await throughput(server, EXECUTIONS);
    await first.stop(1000);
    await second.stop(1000);
    await server.stop();
    return { p50, p99, oneRunner, twoRunners, floor: await floor(floorQuery, EXECUTIONS * 2) };
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

function report(name: string, f: Figures, latencyGoals: boolean): void {
  const ratio = (x: number) => `${(x / f.floor).toFixed(2)} of the floor`;
  const third = (x: number) => (x >= f.floor / 3 ? 'ok' : 'BELOW GOAL');
  const ms = (x: number) => `${x.toFixed(1)} ms`;
  console.log(`\n${name}`);
  console.log(
    `  enqueue → task start   p50 ${ms(f.p50)}${latencyGoals ? (f.p50 <= 10 ? ' (ok, goal ≤ 10 ms)' : ' (ABOVE GOAL 10 ms)') : ''}` +
      `   p99 ${ms(f.p99)}${latencyGoals ? (f.p99 <= 50 ? ' (ok, goal ≤ 50 ms)' : ' (ABOVE GOAL 50 ms)') : ''}`,
  );
  console.log(
    `  no-op executions/s     1 runner  ${f.oneRunner.toFixed(0).padStart(6)}  (${ratio(f.oneRunner)}, ${third(f.oneRunner)})`,
  );
  console.log(
    `                         2 runners ${f.twoRunners.toFixed(0).padStart(6)}  (${ratio(f.twoRunners)}, ${third(f.twoRunners)})`,
  );
  console.log(`  floor: SKIP LOCKED     1 connection ${f.floor.toFixed(0).padStart(6)} rows/s`);
}

console.log(
  `bench/queue.ts: ${EXECUTIONS} executions per throughput run, ${LATENCY_SAMPLES} latency samples, runner concurrency ${CONCURRENCY}`,
);

await onEachBackend(POSTGRES_URL, async (db, label, raw) => {
  // The floor's queue table, in the bench schema, on the same database.
  const figures = await measure(db, async (sql) => {
    const qualified = sql.replaceAll('bench_floor', `"${db.schema}".bench_floor`);
    const r = raw === undefined ? await db.query(qualified) : await raw.query(qualified);
    return { rowCount: r.rowCount ?? 0 };
  });
  report(label, figures, raw !== undefined);
});
