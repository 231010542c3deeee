/**
 * Push → first task started, through the real processes: `osprey server` (GitHub App configured,
 * PGlite, or Postgres with --postgres) and one `osprey runner`, against the in-process GitHub
 * emulator. The clock starts when the bench moves `main` (the local bare repository, then the
 * emulator, which delivers `push` to the server) and stops at the timestamp of the first log line of
 * the execution's first task, written by the remote runner as the task starts; the processes share
 * the machine's clock. The time is also split at the execution's creation (the server's clock).
 *
 * Between pushes the bench waits for the push's deploy and execution check runs to complete, so
 * pushes do not queue behind each other. The server runs as deployed, Octokit's throttling on:
 * check-run writes are spaced a second apart, so each push takes about two seconds to settle, but
 * that never delays a task start (the trigger only reads from GitHub). 30 pushes take about a
 * minute; the bench stops pushing after two minutes.
 *
 * Run: node bench/github-push-server.ts [--postgres] [--pushes N]
 */
import { parseArgs } from 'node:util';
import { completedCheck } from '../test/e2e/github/support/checks.ts';
import { waitFor } from '../test/e2e/github/support/emulator.ts';
import { PUSH_BENCH_FLOW as FLOW } from '../test/e2e/github/support/flows.ts';
import { MirroredRepo } from '../test/e2e/github/support/mirrored-repo.ts';
import { startOspreyWithGitHub } from '../test/e2e/github/support/osprey-processes.ts';
import { postgresReachable } from '../test/e2e/server/support/processes.ts';

const { values } = parseArgs({
  options: {
    postgres: { type: 'boolean' },
    pushes: { type: 'string', default: '30' },
  },
});
const PUSHES = Number(values.pushes);
const DEADLINE_MS = 120_000;

if (values.postgres) {
  const unreachable = await postgresReachable();
  if (unreachable !== undefined) throw new Error(unreachable);
}
const backend = values.postgres ? 'postgres' : 'pglite';
const o = await startOspreyWithGitHub({
  backend,
  repos: ['bench'],
  env: { LOG_LEVEL: 'warn' },
});
const alice = o.emulator.alice;

interface Page {
  results: Array<{ id: string; source?: { sha: string }; state: { current: string } }>;
}
interface LogLine {
  taskId?: string;
  timestamp: string;
}

interface Execution {
  state: { histories: Array<{ state: string; date: string }> };
}

/** The execution started at `sha`: when it was created, and when its first task logged its first line. */
async function firstTaskStarted(sha: string): Promise<{ created: number; at: number }> {
  const id = await waitFor(
    `the execution of ${sha.slice(0, 7)}`,
    async () => {
      const page = await o.api<Page>(
        'GET',
        '/api/v1/executions/search?namespace=bench.team&flowId=on-push&size=5',
      );
      return page.body.results.find((e) => e.source?.sha === sha)?.id;
    },
    30_000,
    5,
  );
  const at = await waitFor(
    `the first task of ${id}`,
    async () => {
      const logs = await o.api<LogLine[]>('GET', `/api/v1/logs/${id}?taskId=first`);
      const line = Array.isArray(logs.body) ? logs.body[0] : undefined;
      return line === undefined ? undefined : Date.parse(line.timestamp);
    },
    30_000,
    5,
  );
  const execution = await o.api<Execution>('GET', `/api/v1/executions/${id}`);
  const created = Date.parse(execution.body.state.histories[0]?.date ?? '');
  return { created, at };
}

const settled = (repo: MirroredRepo, sha: string) =>
  Promise.all(
    ['Osprey / deploy', 'osprey: bench.team.on-push'].map((name) =>
      waitFor(
        `${name} on ${sha.slice(0, 7)}`,
        () => completedCheck(alice, repo.fullName, sha, name),
        60_000,
        100,
      ),
    ),
  );

const started = Date.now();
try {
  const created = await MirroredRepo.create(
    alice,
    'bench',
    { 'README.md': '# bench\n' },
    {
      bareDir: o.bareDir('acme', 'bench'),
    },
  );
  const repo = created.repo;
  let sha = await repo.commit('main', created.sha, { 'flows/on-push.yaml': FLOW }, 'flow');
  await firstTaskStarted(sha);
  await settled(repo, sha);
  const times: number[] = [];
  const toCreated: number[] = [];
  const toTask: number[] = [];
  for (let i = 0; i < PUSHES && Date.now() - started < DEADLINE_MS; i++) {
    sha = await repo.commit('main', sha, { [`data/${i}.txt`]: `${i}\n` }, `push ${i}`, false);
    const pushed = Date.now();
    await repo.moveBranch('main', sha);
    const { created, at } = await firstTaskStarted(sha);
    times.push(at - pushed);
    toCreated.push(created - pushed);
    toTask.push(at - created);
    await settled(repo, sha);
  }
  const percentile = (values: number[], p: number) => {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
  };
  const sorted = [...times].sort((a, b) => a - b);
  const pct = (p: number) => percentile(times, p);
  console.log(
    `github push (${backend}): push → first task started on a remote runner, osprey server + osprey runner processes (emulator, ${times.length} pushes, ${((Date.now() - started) / 1000).toFixed(1)} s)`,
  );
  console.log(`  p50: ${pct(50).toFixed(0)} ms`);
  console.log(`  p99: ${pct(99).toFixed(0)} ms`);
  console.log(`  min / max: ${sorted[0]?.toFixed(0)} / ${sorted.at(-1)?.toFixed(0)} ms`);
  console.log(
    `  of which push → execution created p50 ${percentile(toCreated, 50)} ms, created → first task p50 ${percentile(toTask, 50)} ms`,
  );
  if (times.length < PUSHES)
    console.log(`  stopped after ${DEADLINE_MS / 1000} s: ${times.length} of ${PUSHES} pushes`);
} finally {
  await o.close();
}
