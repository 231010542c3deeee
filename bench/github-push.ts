/**
 * Push received → first task started, inside our server: the time from the emulator's `push`
 * delivery reaching the app's HTTP endpoint to the runner receiving the first task of the execution
 * that the flow's Git trigger starts at the pushed commit (real local execution service, embedded
 * runner). The deployment of the same push runs concurrently. 60 pushes, one at a time.
 * Run: node bench/github-push.ts
 */
import { join } from 'node:path';
import { createLocalExecutionService } from '../app/src/execution/local.ts';
import { FileKvStore } from '../app/src/local/file-kv-store.ts';
import { EnvSecretBackend } from '../app/src/secrets/env-secret-backend.ts';
import { LocalFolderStorage } from '../app/src/server/local-folder-storage.ts';
import type { JobRunner } from '../protocol/src/job.ts';
import { createEmbeddedRunner } from '../runner/src/embedded-runner.ts';
import { completedCheck } from '../test/e2e/github/support/checks.ts';
import { PUSH_BENCH_FLOW as FLOW } from '../test/e2e/github/support/flows.ts';
import { startHarness, tempDir, waitFor } from '../test/e2e/github/support/harness.ts';
import { MirroredRepo } from '../test/e2e/github/support/mirrored-repo.ts';

const PUSHES = 60;

const work = await tempDir('osprey-bench-push-');
const storage = new LocalFolderStorage(join(work, 'storage'));
const kv = new FileKvStore({ dir: join(work, 'kv') });
const received = new Map<string, number>();
const firstTask = new Map<string, number>();
const embedded = createEmbeddedRunner({ storage, kv });
const runner: JobRunner = {
  run(job, hooks) {
    const sha = job.source?.sha;
    if (sha !== undefined && !firstTask.has(sha)) firstTask.set(sha, performance.now());
    return embedded.run(job, hooks);
  },
};
const executions = createLocalExecutionService({
  runner,
  storage,
  kv,
  secrets: new EnvSecretBackend({ env: {} }),
  flows: { get: async () => undefined },
});
const h = await startHarness({
  executions,
  repos: ['bench'],
  reporterIntervalMs: 3000,
  onRequest: (request) => {
    const at = performance.now();
    if (request.headers.get('x-github-event') !== 'push') return;
    void request.json().then((body) => {
      const after = (body as { after?: string }).after;
      if (after && !received.has(after)) received.set(after, at);
    });
  },
});
try {
  const created = await MirroredRepo.create(h.alice, 'bench', { 'README.md': '# bench\n' });
  const repo = created.repo;
  let sha = await repo.commit('main', created.sha, { 'flows/on-push.yaml': FLOW }, 'flow');
  await waitFor(
    'first deployment',
    () => completedCheck(h.alice, repo.fullName, sha, 'Osprey / deploy'),
    30_000,
  );
  await waitFor('first execution', async () => (firstTask.has(sha) ? true : undefined), 30_000);
  const times: number[] = [];
  for (let i = 0; i < PUSHES; i++) {
    sha = await repo.commit('main', sha, { [`data/${i}.txt`]: `${i}\n` }, `push ${i}`);
    const target = sha;
    await waitFor(
      `first task of push ${i}`,
      async () => (firstTask.has(target) && received.has(target) ? true : undefined),
      30_000,
    );
    times.push((firstTask.get(target) ?? 0) - (received.get(target) ?? 0));
    await h.app.idle();
  }
  const sorted = [...times].sort((a, b) => a - b);
  const pct = (p: number) =>
    sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
  console.log(`github push: push received → first task started, inside the app (emulator, ${PUSHES} pushes)`);
  console.log(`  p50: ${pct(50).toFixed(1)} ms`);
  console.log(`  p99: ${pct(99).toFixed(1)} ms`);
  console.log(`  min / max: ${sorted[0]?.toFixed(1)} / ${sorted.at(-1)?.toFixed(1)} ms`);
} finally {
  await h.close();
}
