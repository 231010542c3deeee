/**
 * Deploy on push, end to end against the emulator: the `Osprey / deploy` check run (added / updated /
 * removed / refused, annotations at exact lines), invalid flows refused without blocking valid ones,
 * soft deletion, out-of-order pushes, and namespace ownership across two repositories of one
 * installation.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FakeExecutionService } from '../../unit/app/github/fakes/fake-execution-service.ts';
import { annotations, checkRuns, completedCheck } from './support/checks.ts';
import { BROKEN_FLOW, helloFlow, simpleFlow } from './support/flows.ts';
import { expectStatus, type Harness, startHarness, waitFor } from './support/harness.ts';
import { MirroredRepo } from './support/mirrored-repo.ts';
import { pushPayload } from './support/payloads.ts';

const DEPLOY = 'Osprey / deploy';

describe('deploy on push', () => {
  let h: Harness;
  let repo: MirroredRepo;
  let root: string;

  before(async () => {
    h = await startHarness({ executions: new FakeExecutionService(), repos: ['flows', 'other'] });
    ({ repo, sha: root } = await MirroredRepo.create(h.alice, 'flows', { 'README.md': '# flows\n' }));
  });
  after(() => h.close());

  const deployCheck = (sha: string) =>
    waitFor(`${DEPLOY} on ${sha}`, () => completedCheck(h.alice, repo.fullName, sha, DEPLOY));

  let c1: string;
  let c2: string;
  let c3: string;

  it('deploys valid flows and refuses an invalid one with annotations at its lines', async () => {
    c1 = await repo.commit(
      'main',
      root,
      { 'flows/company/team/hello.yaml': helloFlow(), 'flows/company/team/broken.yaml': BROKEN_FLOW },
      'add flows',
    );
    const check = await deployCheck(c1);
    assert.equal(check.conclusion, 'failure');
    assert.equal(check.output.title, 'Flows: 1 added, 1 refused');
    assert.match(
      check.output.summary ?? '',
      /### Added\n\| flow \| file \| revision \|\n\| --- \| --- \| ---: \|\n\| `company\.team\.hello` \| `flows\/company\/team\/hello\.yaml` \| 1 \|/,
    );
    assert.match(
      check.output.summary ?? '',
      /\| `flows\/company\/team\/broken\.yaml` \| company\.team\.broken \| line 4: task 'first': missing required property 'message' \| 3 \|/,
    );
    const notes = await annotations(h.alice, repo.fullName, check.id);
    const lines = notes.map((a) => `${a.path}:${a.start_line}:${a.annotation_level}`).sort();
    assert.deepEqual(lines, [
      'flows/company/team/broken.yaml:4:failure',
      'flows/company/team/broken.yaml:6:failure',
      'flows/company/team/broken.yaml:8:failure',
    ]);
    assert.match(notes.find((a) => a.start_line === 6)?.message ?? '', /mesage/);

    const hello = await h.ports.store.latest('company.team', 'hello');
    assert.deepEqual(
      [hello?.revision, hello?.sha, hello?.path, hello?.deleted],
      [1, c1, 'flows/company/team/hello.yaml', false],
    );
    assert.equal(await h.ports.store.latest('company.team', 'broken'), undefined);
    assert.deepEqual(
      h.ports.triggers.get('company.team', 'hello')?.triggers.map((t) => t.id),
      ['nightly'],
    );
    assert.equal(await h.ports.ownership.ownerOf('company.team'), 'acme/flows');
  });

  it('updates changed flows, adds fixed ones, reads only the files that changed', async () => {
    c2 = await repo.commit(
      'main',
      c1,
      {
        'flows/company/team/hello.yaml': helloFlow('hello again'),
        'flows/company/team/broken.yaml': simpleFlow('broken'),
        'flows/company/team/bye.yaml': simpleFlow('bye'),
      },
      'fix and add',
    );
    const check = await deployCheck(c2);
    assert.equal(check.conclusion, 'success');
    assert.equal(check.output.title, 'Flows: 2 added, 1 updated');
    assert.match(
      check.output.summary ?? '',
      /Only the flow files changed since the previous deployment were read/,
    );
    assert.match(
      check.output.summary ?? '',
      /### Updated\n.*\n.*\n\| `company\.team\.hello` \| `flows\/company\/team\/hello\.yaml` \| 2 \|/,
    );
    const hello = await h.ports.store.latest('company.team', 'hello');
    assert.deepEqual([hello?.revision, hello?.sha], [2, c2]);
    assert.match(hello?.source ?? '', /hello again/);
  });

  it('soft-deletes a flow removed from git and keeps its history', async () => {
    c3 = await repo.commit('main', c2, { 'flows/company/team/bye.yaml': null }, 'remove bye');
    const check = await deployCheck(c3);
    assert.equal(check.conclusion, 'success');
    assert.equal(check.output.title, 'Flows: 1 removed');
    assert.match(
      check.output.summary ?? '',
      /### Removed\n[^#]*\| `company\.team\.bye` \| `flows\/company\/team\/bye\.yaml` \|/,
    );
    const history = await h.ports.store.history('company.team', 'bye');
    assert.deepEqual(
      history.map((r) => [r.revision, r.deleted, r.sha]),
      [
        [1, false, c2],
        [2, true, c3],
      ],
    );
    assert.deepEqual(
      (await h.ports.store.liveFlows('acme/flows')).map((r) => r.flowId),
      ['broken', 'hello'],
    );
  });

  it('never lets an older push overwrite a newer deployment', async () => {
    const response = await h.deliver('push', pushPayload(repo.fullName, 'main', c1, c2));
    assert.equal(response.status, 202);
    await h.app.idle();
    const runs = await waitFor('a second deploy check on c2', async () => {
      const all = (await checkRuns(h.alice, repo.fullName, c2)).filter((r) => r.name === DEPLOY);
      return all.length === 2 && all[1]?.status === 'completed' ? all : undefined;
    });
    assert.equal(runs[1]?.conclusion, 'neutral');
    assert.match(
      runs[1]?.output.summary ?? '',
      /older than the deployed one \(.{7}\), so it is not deployed/,
    );
    assert.equal((await h.ports.store.latestDeployment('acme/flows', 'main'))?.sha, c3);
    assert.equal((await h.ports.store.latest('company.team', 'bye'))?.deleted, true);
    assert.equal((await h.ports.store.latest('company.team', 'hello'))?.revision, 2);
  });

  it('re-reads every flow file when the deploy check run is re-requested', async () => {
    const first = await deployCheck(c3);
    await expectStatus(h.alice('POST', `/repos/${repo.fullName}/check-runs/${first.id}/rerequest`), [201]);
    const runs = await waitFor('a re-run deploy check on c3', async () => {
      const all = (await checkRuns(h.alice, repo.fullName, c3)).filter((r) => r.name === DEPLOY);
      return all.length === 2 && all[1]?.status === 'completed' ? all : undefined;
    });
    assert.equal(runs[1]?.conclusion, 'success');
    assert.equal(runs[1]?.output.title, 'No flow changes');
    assert.match(runs[1]?.output.summary ?? '', /\| 0 \| 0 \| 0 \| 0 \| 2 \|/);
    assert.match(runs[1]?.output.summary ?? '', /Every flow file of the commit was read/);
    assert.equal((await h.ports.store.latest('company.team', 'hello'))?.revision, 2);
  });

  it('hands runners a clone URL with a fresh installation token', async () => {
    assert.match(await h.app.cloneUrl('acme/flows'), /^file:\/\/\/nowhere\/acme\/flows\?ghs_[\w-]+$/);
  });

  it('refuses flows in a namespace another repository owns, naming the owner; deploys the rest', async () => {
    const { repo: other, sha: otherRoot } = await MirroredRepo.create(h.alice, 'other', {
      'README.md': '# other\n',
    });
    const sha = await other.commit(
      'main',
      otherRoot,
      {
        'flows/intruder.yaml': simpleFlow('intruder', 'company.team'),
        'flows/mine.yaml': simpleFlow('mine', 'other.team'),
      },
      'flows of another repository',
    );
    const check = await waitFor('deploy check on acme/other', () =>
      completedCheck(h.alice, other.fullName, sha, DEPLOY),
    );
    assert.equal(check.conclusion, 'failure');
    assert.equal(check.output.title, 'Flows: 1 added, 1 refused');
    const notes = await annotations(h.alice, other.fullName, check.id);
    assert.equal(notes.length, 1);
    assert.equal(notes[0]?.path, 'flows/intruder.yaml');
    assert.equal(notes[0]?.start_line, 2);
    assert.match(notes[0]?.message ?? '', /namespace company\.team belongs to acme\/flows/);
    assert.equal((await h.ports.store.latest('other.team', 'mine'))?.repository, 'acme/other');
    assert.equal(await h.ports.store.latest('company.team', 'intruder'), undefined);
    assert.equal(await h.ports.ownership.ownerOf('other.team'), 'acme/other');
  });
});
