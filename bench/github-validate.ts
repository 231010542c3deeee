/**
 * A pull request touching 100 flows → the `Osprey / validate` check run completed, against the
 * GitHub emulator (emulate@0.12.2) in this process, with the app served over HTTP. Five pull
 * requests each modify the same 100 flows (new content every time, so nothing is cached).
 * Prints the time from the API call that opens the pull request (or the signed `synchronize`
 * delivery) to the completed check run, as a GitHub user would see it.
 * Run: node bench/github-validate.ts
 */
import { completedCheck } from '../test/e2e/github/support/checks.ts';
import { expectStatus, startHarness, waitFor } from '../test/e2e/github/support/harness.ts';
import { MirroredRepo } from '../test/e2e/github/support/mirrored-repo.ts';
import { pullRequestPayload } from '../test/e2e/github/support/payloads.ts';
import { FakeExecutionService } from '../test/unit/app/github/fakes/fake-execution-service.ts';

const FLOWS = 100;
const ROUNDS = 5;

const flow = (i: number, version: number) => `id: flow_${i}
namespace: bench.team
inputs:
  - id: day
    type: STRING
    defaults: "2024-01-01"
tasks:
  - id: start
    type: io.kestra.plugin.core.log.Log
    message: "v${version} {{ inputs.day }}"
  - id: fan
    type: io.kestra.plugin.core.flow.Parallel
    tasks:
      - id: left
        type: io.kestra.plugin.core.debug.Return
        format: "{{ outputs.start }}"
      - id: right
        type: io.kestra.plugin.core.log.Log
        message: right
triggers:
  - id: nightly
    type: io.kestra.plugin.core.trigger.Schedule
    cron: "${i % 60} 2 * * *"
`;
const files = (version: number) =>
  Object.fromEntries(
    Array.from({ length: FLOWS }, (_, i) => [`flows/bench/flow_${i}.yaml`, flow(i, version)]),
  );

const h = await startHarness({ executions: new FakeExecutionService(), repos: ['bench'] });
try {
  const created = await MirroredRepo.create(h.alice, 'bench', { 'README.md': '# bench\n' });
  const repo = created.repo;
  const main = await repo.commit('main', created.sha, files(0), '100 flows');
  await waitFor(
    'the first deployment',
    () => completedCheck(h.alice, repo.fullName, main, 'Osprey / deploy'),
    60_000,
  );

  const times: number[] = [];
  let pr = 0;
  let head = main;
  for (let round = 1; round <= ROUNDS; round++) {
    head = await repo.commit(
      'feature',
      round === 1 ? main : head,
      files(round),
      `round ${round}`,
      round !== 1,
    );
    let t0: number;
    if (round === 1) {
      await repo.moveBranch('feature', head);
      t0 = performance.now();
      pr = (
        await expectStatus(
          h.alice('POST', `/repos/${repo.fullName}/pulls`, { title: 'bench', head: 'feature', base: 'main' }),
          [201],
        )
      ).body.number;
    } else {
      t0 = performance.now();
      await h.deliver(
        'pull_request',
        pullRequestPayload('synchronize', repo.fullName, {
          number: pr,
          headRef: 'feature',
          headSha: head,
          baseRef: 'main',
          baseSha: main,
        }),
      );
    }
    const check = await waitFor(
      'validate',
      () => completedCheck(h.alice, repo.fullName, head, 'Osprey / validate'),
      60_000,
    );
    times.push(performance.now() - t0);
    if (check.conclusion !== 'success' || !(check.output.title ?? '').startsWith(`${FLOWS} flow changes`)) {
      throw new Error(
        `round ${round}: expected ${FLOWS} valid changes, got ${check.conclusion}: ${check.output.title}`,
      );
    }
  }
  const sorted = [...times].sort((a, b) => a - b);
  console.log(
    `github validate: pull request touching ${FLOWS} flows → 'Osprey / validate' completed (emulator, ${ROUNDS} rounds)`,
  );
  console.log(`  opened (round 1):  ${times[0]?.toFixed(0)} ms`);
  console.log(`  median:            ${sorted[Math.floor(ROUNDS / 2)]?.toFixed(0)} ms`);
  console.log(`  max:               ${sorted.at(-1)?.toFixed(0)} ms`);
  console.log(`  per flow (median): ${((sorted[Math.floor(ROUNDS / 2)] ?? 0) / FLOWS).toFixed(2)} ms`);
} finally {
  await h.close();
}
