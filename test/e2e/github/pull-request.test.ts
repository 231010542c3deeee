/**
 * Pull requests end to end: `Osprey / validate` fails with annotations on the PR's lines and a
 * summary (flows table, triggers, Mermaid diagrams); a synthetic `synchronize` re-validates the new
 * head (the emulator never moves a PR's head).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FakeExecutionService } from '../../unit/app/github/fakes/fake-execution-service.ts';
import { annotations, checkRuns, completedCheck } from './support/checks.ts';
import { BROKEN_FLOW, helloFlow, PIPELINE_FLOW } from './support/flows.ts';
import { expectStatus, type Harness, startHarness, waitFor } from './support/harness.ts';
import { MirroredRepo } from './support/mirrored-repo.ts';
import { pullRequestPayload } from './support/payloads.ts';

const VALIDATE = 'Osprey / validate';

describe('pull request validation', () => {
  let h: Harness;
  let repo: MirroredRepo;
  let mainSha: string;
  let prNumber: number;
  let head1: string;

  before(async () => {
    h = await startHarness({ executions: new FakeExecutionService(), repos: ['flows'] });
    const created = await MirroredRepo.create(h.alice, 'flows', { 'README.md': '# flows\n' });
    repo = created.repo;
    mainSha = await repo.commit(
      'main',
      created.sha,
      { 'flows/company/team/hello.yaml': helloFlow() },
      'hello',
    );
    await waitFor('first deploy', () => completedCheck(h.alice, repo.fullName, mainSha, 'Osprey / deploy'));
  });
  after(() => h.close());

  it('fails on an invalid flow with annotations at its lines, and summarises the changes', async () => {
    head1 = await repo.commit(
      'feature',
      mainSha,
      {
        'flows/company/team/broken.yaml': BROKEN_FLOW,
        'flows/company/team/pipeline.yaml': PIPELINE_FLOW,
        'flows/company/team/hello.yaml': null,
      },
      'work in progress',
      false,
    );
    await repo.moveBranch('feature', head1);
    const pr = await expectStatus(
      h.alice('POST', `/repos/${repo.fullName}/pulls`, {
        title: 'More flows',
        head: 'feature',
        base: 'main',
      }),
      [201],
    );
    prNumber = pr.body.number;
    const check = await waitFor('validate check on the PR head', () =>
      completedCheck(h.alice, repo.fullName, head1, VALIDATE),
    );
    assert.equal(check.conclusion, 'failure');
    assert.equal(check.output.title, '3 errors in 1 flow file');
    const summary = check.output.summary ?? '';
    assert.match(summary, new RegExp(`## Flows in pull request #${prNumber} at \`${head1.slice(0, 7)}\``));
    assert.match(
      summary,
      /\| added \| `company\.team\.pipeline` \| `flows\/company\/team\/pipeline\.yaml` \|/,
    );
    assert.match(summary, /\| removed \| `company\.team\.hello` \| `flows\/company\/team\/hello\.yaml` \|/);
    assert.match(
      summary,
      /\| `company\.team\.hello` \| `nightly` \| `io\.kestra\.plugin\.core\.trigger\.Schedule` \| will be removed \|/,
    );
    assert.match(
      summary,
      /### `company\.team\.pipeline` \(flows\/company\/team\/pipeline\.yaml\)\n\n```mermaid\nflowchart TD\n/,
    );
    assert.match(summary, /subgraph n\d+\["decide · If"\]/);
    assert.match(summary, /subgraph g\d+\["errors \(on failure\)"\]/);
    const notes = await annotations(h.alice, repo.fullName, check.id);
    assert.deepEqual(notes.map((a) => [a.path, a.start_line, a.annotation_level]).sort(), [
      ['flows/company/team/broken.yaml', 4, 'failure'],
      ['flows/company/team/broken.yaml', 6, 'failure'],
      ['flows/company/team/broken.yaml', 8, 'failure'],
    ]);
    const typo = notes.find((a) => a.start_line === 6);
    assert.match(typo?.message ?? '', /unknown property 'mesage'/);
  });

  it('re-validates the new head on synchronize', async () => {
    const head2 = await repo.commit(
      'feature',
      head1,
      { 'flows/company/team/broken.yaml': null },
      'drop the broken flow',
    );
    const branch = await expectStatus(h.alice('GET', `/repos/${repo.fullName}/branches/feature`), [200]);
    assert.equal(branch.body.commit.sha, head2);
    const response = await h.deliver(
      'pull_request',
      pullRequestPayload('synchronize', repo.fullName, {
        number: prNumber,
        headRef: 'feature',
        headSha: head2,
        baseRef: 'main',
        baseSha: mainSha,
      }),
    );
    assert.equal(response.status, 202);
    const check = await waitFor('validate check on the new head', () =>
      completedCheck(h.alice, repo.fullName, head2, VALIDATE),
    );
    assert.equal(check.conclusion, 'success');
    assert.equal(check.output.title, '2 flow changes, all valid');
    assert.equal(check.output.annotations_count, 0);
    assert.doesNotMatch(check.output.summary ?? '', /broken/);
  });

  it('validates again when the validate check run is re-requested', async () => {
    const first = await waitFor('validate check', () =>
      completedCheck(h.alice, repo.fullName, head1, VALIDATE),
    );
    await expectStatus(h.alice('POST', `/repos/${repo.fullName}/check-runs/${first.id}/rerequest`), [201]);
    const runs = await waitFor('a second validate check on the first head', async () => {
      const all = (await checkRuns(h.alice, repo.fullName, head1)).filter((r) => r.name === VALIDATE);
      return all.length === 2 && all[1]?.status === 'completed' ? all : undefined;
    });
    assert.equal(runs[1]?.conclusion, 'failure');
    assert.equal(runs[1]?.output.title, '3 errors in 1 flow file');
  });
});
