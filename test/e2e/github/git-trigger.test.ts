/**
 * The Git trigger end to end: a flow runs on push / pull_request events that pass its branch and
 * path filters, at the event's commit, with `trigger.*` variables and rendered inputs.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FakeExecutionService } from '../../unit/app/github/fakes/fake-execution-service.ts';
import { checkRuns, completedCheck } from './support/checks.ts';
import { GIT_TRIGGERED_FLOW } from './support/flows.ts';
import { expectStatus, type Harness, startHarness, waitFor } from './support/harness.ts';
import { MirroredRepo } from './support/mirrored-repo.ts';

describe('Git trigger', () => {
  const executions = new FakeExecutionService();
  let h: Harness;
  let repo: MirroredRepo;
  let c1: string;

  before(async () => {
    h = await startHarness({ executions, repos: ['flows'] });
    const created = await MirroredRepo.create(h.alice, 'flows', { 'README.md': '# flows\n' });
    repo = created.repo;
    c1 = await repo.commit(
      'main',
      created.sha,
      { 'flows/on-data.yaml': GIT_TRIGGERED_FLOW, 'data/a.csv': 'a\n' },
      'add flow and data',
    );
    await waitFor('deploy', () => completedCheck(h.alice, repo.fullName, c1, 'Osprey / deploy'));
    await h.app.idle();
  });
  after(() => h.close());

  it('runs on a push to main that changes data/, at the pushed commit', async () => {
    assert.equal(executions.started.length, 1);
    const run = executions.started[0];
    assert.equal(run?.source?.sha, c1);
    assert.equal(run?.source?.repository, 'acme/flows');
    assert.equal(run?.trigger?.type, 'io.osprey.trigger.Git');
    assert.equal(run?.trigger?.id, 'on_change');
    assert.deepEqual(run?.inputs, { ref: 'refs/heads/main' });
    const vars = run?.trigger?.variables ?? {};
    assert.deepEqual(
      {
        event: vars['event'],
        branch: vars['branch'],
        sha: vars['sha'],
        repository: vars['repository'],
        changedFiles: vars['changedFiles'],
      },
      {
        event: 'push',
        branch: 'main',
        sha: c1,
        repository: 'acme/flows',
        changedFiles: ['data/a.csv', 'flows/on-data.yaml'],
      },
    );
    const check = await waitFor('execution check run', async () =>
      (await checkRuns(h.alice, repo.fullName, c1)).find((r) => r.name === 'osprey: company.data.on-data'),
    );
    assert.equal(check.external_id, 'exec1');
  });

  it('does not run when only ignored or unmatched paths change', async () => {
    const c2 = await repo.commit(
      'main',
      c1,
      { 'data/notes.md': 'notes\n', 'README.md': '# changed\n' },
      'docs only',
    );
    await waitFor('deploy', () => completedCheck(h.alice, repo.fullName, c2, 'Osprey / deploy'));
    await h.app.idle();
    assert.equal(executions.started.length, 1);
  });

  it('does not run on a push to another branch', async () => {
    const side = await repo.commit('side', c1, { 'data/b.csv': 'b\n' }, 'side data', false);
    await repo.moveBranch('side', side);
    const more = await repo.commit('side', side, { 'data/c.csv': 'c\n' }, 'more side data');
    await h.app.idle();
    await new Promise((r) => setTimeout(r, 50));
    await h.app.idle();
    assert.equal(
      executions.started.length,
      1,
      `a push to side (${more.slice(0, 7)}) must not start the flow`,
    );
  });

  it('runs on a pull request into main that changes data/, at its head commit', async () => {
    const head = await repo.commit('feature', c1, { 'data/d.csv': 'd\n' }, 'pr data', false);
    await repo.moveBranch('feature', head);
    const pr = await expectStatus(
      h.alice('POST', `/repos/${repo.fullName}/pulls`, { title: 'data', head: 'feature', base: 'main' }),
      [201],
    );
    await waitFor('a pull_request execution', async () =>
      executions.started.length === 2 ? true : undefined,
    );
    const run = executions.started[1];
    assert.equal(run?.source?.sha, head);
    const vars = run?.trigger?.variables ?? {};
    assert.deepEqual(
      {
        event: vars['event'],
        action: vars['action'],
        number: vars['number'],
        baseBranch: vars['baseBranch'],
        headBranch: vars['headBranch'],
        changedFiles: vars['changedFiles'],
      },
      {
        event: 'pull_request',
        action: 'opened',
        number: pr.body.number,
        baseBranch: 'main',
        headBranch: 'feature',
        changedFiles: ['data/d.csv'],
      },
    );
    assert.deepEqual(run?.inputs, { ref: `refs/pull/${pr.body.number}/head` });
  });
});
