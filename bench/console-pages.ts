/**
 * The console's pages at scale, on Postgres (when reachable) and on PGlite: 100k executions and
 * 100k log lines of one execution are inserted, then
 * 1. executions-list pages (25 rows, the console's size) through `DatabaseExecutionSearch` — what
 *    `GET /api/v1/executions/search` calls — answer serialised to JSON, for the first page and for
 *    keyset pages deep in the list, unfiltered and with each of the console's filters;
 * 2. log pages (1,000 lines after a cursor, all levels and WARN and above) through `executionLogs`,
 *    the query the log API and its follow stream page with.
 * Prints p50/p95 per kind of page. Goal: p95 < 300 ms per page on Postgres.
 *
 *   npx node bench/console-pages.ts [--executions N] [--logs N] [--samples N]
 */
import { parseArgs } from 'node:util';
import type { ExecutionQuery } from '../app/src/api/deps.ts';
import { DatabaseExecutionSearch } from '../app/src/api/executions/database-execution-search.ts';
import { createExecution } from '../app/src/engine/index.ts';
import type { Database } from '../app/src/storage/database.ts';
import { table } from '../app/src/storage/identifiers.ts';
import { executionLogs } from '../app/src/storage/logs.ts';
import { migrate } from '../app/src/storage/migrate.ts';
import type { Flow } from '../flows-schema/src/schema/flow.ts';
import { onEachBackend } from './support/backends.ts';

const { values } = parseArgs({
  options: {
    executions: { type: 'string', default: '100000' },
    logs: { type: 'string', default: '100000' },
    samples: { type: 'string', default: '40' },
  },
});
const EXECUTIONS = Number(values.executions);
const LOGS = Number(values.logs);
const SAMPLES = Number(values.samples);
const POSTGRES_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const T0 = Date.parse('2026-01-01T00:00:00Z');

const FLOW = {
  id: 'etl',
  namespace: 'company.team',
  tasks: [
    { id: 'extract', type: 'io.kestra.plugin.core.log.Log', message: 'x' },
    { id: 'load', type: 'io.kestra.plugin.core.log.Log', message: 'y' },
  ],
} as unknown as Flow;

/** One engine document as a template; the database stamps id, namespace, flow and labels per row. */
async function seed(db: Database): Promise<string> {
  const template = createExecution(FLOW, { id: 'template', now: T0 });
  const started = performance.now();
  // 10 namespaces × 50 flows, 5 states, 20 teams, every 7th from a pull request on a branch.
  await db.query(
    `INSERT INTO ${table(db, 'executions')} (id, namespace, flow_id, state, repository, sha, document, created_at, updated_at)
     SELECT id, ns, flow, state, 'acme/flows', sha,
            $1::jsonb || jsonb_build_object(
              'id', id, 'namespace', ns, 'flowId', flow,
              'labels', jsonb_build_array(
                jsonb_build_object('key', 'team', 'value', 't' || (i % 20)),
                jsonb_build_object('key', 'env', 'value', CASE WHEN i % 2 = 0 THEN 'prod' ELSE 'dev' END)),
              'trigger', CASE WHEN i % 7 = 0
                THEN jsonb_build_object('id', 'pr', 'type', 'io.osprey.git.PullRequest',
                       'variables', jsonb_build_object('branch', 'feature/' || (i % 100), 'number', i % 1000))
                ELSE jsonb_build_object('id', 'push', 'type', 'io.osprey.git.Push',
                       'variables', jsonb_build_object('branch', 'main')) END),
            at, at
       FROM (SELECT i, 'x' || lpad(i::text, 7, '0') AS id, 'company.team' || (i % 10) AS ns, 'flow_' || (i % 50) AS flow,
                    (ARRAY['SUCCESS', 'FAILED', 'RUNNING', 'KILLED', 'WARNING'])[1 + i % 5] AS state,
                    md5((i / 10)::text) || 'abcdefgh' AS sha,
                    $2::timestamptz + i * interval '1 second' AS at
               FROM generate_series(1, $3::int) AS i) AS g`,
    [JSON.stringify(template), new Date(T0), EXECUTIONS],
  );
  const logged = 'x0000001';
  await db.query(
    `INSERT INTO ${table(db, 'logs')} (execution_id, task_run_id, task_id, attempt, level, message, ts)
     SELECT $1, 'tr' || (i % 3), (ARRAY['extract', 'transform', 'load'])[1 + i % 3], 1,
            (ARRAY['DEBUG', 'INFO', 'INFO', 'INFO', 'WARN', 'ERROR'])[1 + i % 6],
            'row ' || i || ' processed in batch ' || (i / 1000) || ' of the nightly import',
            $2::timestamptz + i * interval '1 millisecond'
       FROM generate_series(1, $3::int) AS i`,
    [logged, new Date(T0), LOGS],
  );
  await db.query(`ANALYZE ${table(db, 'executions')}`);
  await db.query(`ANALYZE ${table(db, 'logs')}`);
  console.log(
    `  seeded ${EXECUTIONS} executions and ${LOGS} log lines in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  return logged;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function measure(name: string, run: (i: number) => Promise<unknown>): Promise<number> {
  await run(0); // warm the plan and the cache
  const times: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const t = performance.now();
    const answer = await run(i);
    JSON.stringify(answer);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const p95 = percentile(times, 95);
  console.log(
    `  ${name.padEnd(52)} p50 ${percentile(times, 50).toFixed(1).padStart(7)} ms   p95 ${p95.toFixed(1).padStart(7)} ms`,
  );
  return p95;
}

await onEachBackend(POSTGRES_URL, async (db, label) => {
  console.log(`\n${label}`);
  await migrate(db);
  const logged = await seed(db);
  const search = new DatabaseExecutionSearch(db);
  const page = (q: Partial<ExecutionQuery>) => search.search({ page: 1, size: 25, ...q });
  // A cursor deep in the list: walk 40 pages once, then time the pages after it.
  let deep: string | undefined;
  for (let i = 0; i < 40; i++) deep = (await page(deep === undefined ? {} : { after: deep })).next;
  const worst: number[] = [];
  console.log('  executions list, 25 per page:');
  worst.push(await measure('first page, no filter', () => page({})));
  worst.push(await measure('page 41 (keyset), no filter', () => page({ after: deep as string })));
  worst.push(await measure('state FAILED', () => page({ states: ['FAILED'] })));
  worst.push(
    await measure('namespace + flow', (i) =>
      page({ namespace: `company.team${i % 10}`, flowId: `flow_${i % 10}` }),
    ),
  );
  worst.push(
    await measure('two labels', (i) =>
      page({
        labels: [
          { key: 'team', value: `t${i % 20}` },
          { key: 'env', value: 'prod' },
        ],
      }),
    ),
  );
  worst.push(
    await measure('time range (one day)', (i) =>
      page({ from: new Date(T0 + i * 3_600_000), to: new Date(T0 + i * 3_600_000 + 86_400_000) }),
    ),
  );
  worst.push(await measure('commit (SHA prefix)', () => page({ sha: 'c4ca4238' })));
  worst.push(await measure('branch', (i) => page({ branch: `feature/${(i * 7) % 100}` })));
  worst.push(await measure('pull request', (i) => page({ pullRequest: (i * 7) % 1000 })));
  worst.push(await measure('text in id, flow or labels', () => page({ text: 'flow_4' })));
  worst.push(
    await measure('state + labels + time range', (i) =>
      page({
        states: ['SUCCESS', 'FAILED'],
        labels: [{ key: 'env', value: 'dev' }],
        from: new Date(T0 + i * 60_000),
      }),
    ),
  );
  console.log('  log page, 1000 lines after a cursor:');
  worst.push(await measure('from the start', () => executionLogs(db, logged, { limit: 1000 })));
  worst.push(
    await measure('deep (after line 90,000)', (i) =>
      executionLogs(db, logged, { afterId: 90_000 + i, limit: 1000 }),
    ),
  );
  worst.push(
    await measure('WARN and above', (i) =>
      executionLogs(db, logged, { afterId: i * 1000, minLevel: 'WARN', limit: 1000 }),
    ),
  );
  const max = Math.max(...worst);
  console.log(
    label.startsWith('Postgres')
      ? `  worst p95 ${max.toFixed(1)} ms (goal < 300 ms on Postgres): ${max < 300 ? 'met' : 'NOT met'}`
      : `  worst p95 ${max.toFixed(1)} ms (the goal is set for Postgres)`,
  );
});
