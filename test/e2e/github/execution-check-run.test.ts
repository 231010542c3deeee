/**
 * App + runner end to end with the real local execution service: a push deploys, the flow's Git
 * trigger starts an execution pinned to the pushed SHA, the runner checks out the namespace files
 * at that SHA from a real git repository holding the same commits, and the execution check run
 * completes with the right conclusion and summary.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createLocalExecutionService } from '../../../app/src/execution/local.ts';
import { FileKvStore } from '../../../app/src/local/file-kv-store.ts';
import { EnvSecretBackend } from '../../../app/src/secrets/env-secret-backend.ts';
import { LocalFolderStorage } from '../../../app/src/server/local-folder-storage.ts';
import { type CheckoutRunner, checkoutRunner } from './support/checkout-runner.ts';
import { completedCheck } from './support/checks.ts';
import { GREET_FLOW } from './support/flows.ts';
import { type Harness, startHarness, tempDir, waitFor } from './support/harness.ts';
import { MirroredRepo } from './support/mirrored-repo.ts';

const CHECK = 'osprey: company.team.greet';
const FILE = 'namespaces/company.team/files/greeting.txt';

describe('execution check runs with the local execution service and a git checkout', () => {
  let h: Harness;
  let repo: MirroredRepo;
  let root: string;
  let runner: CheckoutRunner;

  before(async () => {
    const work = await tempDir('osprey-e2e-exec-');
    const storage = new LocalFolderStorage(join(work, 'storage'));
    const kv = new FileKvStore({ dir: join(work, 'kv') });
    runner = checkoutRunner(() => repo.bareDir, storage, kv, join(work, 'git-cache'));
    const executions = createLocalExecutionService({
      runner,
      storage,
      kv,
      secrets: new EnvSecretBackend({ env: {} }),
      flows: { get: async () => undefined },
    });
    h = await startHarness({ executions, repos: ['flows'] });
    const created = await MirroredRepo.create(h.alice, 'flows', { 'README.md': '# flows\n' });
    repo = created.repo;
    root = created.sha;
  });
  after(() => h.close());

  it('runs the triggered flow with the namespace files of the pushed commit and reports success', async () => {
    const sha = await repo.commit(
      'main',
      root,
      { 'flows/greet.yaml': GREET_FLOW, [FILE]: 'hello from v1\n' },
      'greet v1',
    );
    const deploy = await waitFor('deploy', () =>
      completedCheck(h.alice, repo.fullName, sha, 'Osprey / deploy'),
    );
    assert.equal(deploy.conclusion, 'success');
    const check = await waitFor('execution check run completed', () =>
      completedCheck(h.alice, repo.fullName, sha, CHECK),
    );
    assert.equal(check.conclusion, 'success', check.output.summary ?? '');
    assert.match(check.output.title ?? '', /^SUCCESS in /);
    const summary = check.output.summary ?? '';
    assert.match(summary, /## `company\.team\.greet`: SUCCESS/);
    assert.match(
      summary,
      new RegExp(
        `of \`flows/greet\\.yaml\` at \`${sha.slice(0, 7)}\`, started by \`on_push \\(io\\.osprey\\.trigger\\.Git\\)\``,
      ),
    );
    assert.match(summary, /\| `read` \| SUCCESS \| [\d.]+m?s \| 1 \|/);
    assert.match(summary, /"greeting": "hello from v1"/);
    assert.deepEqual(runner.checkouts, [sha]);
  });

  it('pins each execution to its commit: a new push reads the new file', async () => {
    const v1 = runner.checkouts[0] as string;
    const sha = await repo.commit('main', v1, { [FILE]: 'hello from v2\n' }, 'greet v2');
    const check = await waitFor('second execution', () => completedCheck(h.alice, repo.fullName, sha, CHECK));
    assert.equal(check.conclusion, 'success');
    assert.match(check.output.summary ?? '', /"greeting": "hello from v2"/);
    assert.deepEqual(runner.checkouts, [v1, sha]);
  });

  it('reports a failing execution as failure with its error logs', async () => {
    const previous = runner.checkouts.at(-1) as string;
    const sha = await repo.commit('main', previous, { [FILE]: null }, 'remove the greeting');
    const check = await waitFor('failed execution', () => completedCheck(h.alice, repo.fullName, sha, CHECK));
    assert.equal(check.conclusion, 'failure');
    assert.match(check.output.title ?? '', /^FAILED in /);
    const summary = check.output.summary ?? '';
    assert.match(summary, /\| `read` \| FAILED \|/);
    assert.match(
      summary,
      /### Error logs\n```\n.*\[read\] task 'read': the command exited with code 1: cat: greeting\.txt: No such file or directory/,
    );
  });
});
