/**
 * Apps through the GitHub App: a pull request that adds an invalid app file gets a failing
 * `Osprey / validate` with annotations at the app file's lines and an Apps table in the summary; a
 * push of a valid app to the default branch deploys it (the app store on PGlite), and removing the
 * file removes the app.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PGlite } from '@electric-sql/pglite';
import { AppStore } from '../../../app/src/apps/app-store.ts';
import { migrate } from '../../../app/src/storage/migrate.ts';
import { wrapPglite } from '../../../app/src/storage/pglite-database.ts';
import { FakeExecutionService } from '../../unit/app/github/fakes/fake-execution-service.ts';
import { annotations, completedCheck } from './support/checks.ts';
import { helloFlow } from './support/flows.ts';
import { expectStatus, type Harness, startHarness, waitFor } from './support/harness.ts';
import { MirroredRepo } from './support/mirrored-repo.ts';

const APP = `id: hello_app
type: io.kestra.plugin.ee.apps.Execution
namespace: company.team
flowId: hello
access: PUBLIC
`;

const BROKEN_APP = `id: broken_app
type: io.kestra.plugin.ee.apps.Execution
namespace: company.team
flowId: hello
layout:
  - on: OPEN
    blocks:
      - type: io.kestra.plugin.ee.apps.execution.blocks.ResumeExecutionButton
`;

describe('apps through the GitHub App', () => {
  let h: Harness;
  let repo: MirroredRepo;
  let mainSha: string;
  let pglite: PGlite;
  let apps: AppStore;

  before(async () => {
    pglite = new PGlite();
    const db = wrapPglite(pglite, 'osprey');
    await migrate(db);
    apps = new AppStore(db);
    h = await startHarness({ executions: new FakeExecutionService(), repos: ['flows'], apps });
    const created = await MirroredRepo.create(h.alice, 'flows', { 'README.md': '# flows\n' });
    repo = created.repo;
    mainSha = await repo.commit(
      'main',
      created.sha,
      { 'flows/company/team/hello.yaml': helloFlow(), 'apps/hello_app.yaml': APP },
      'hello and its app',
    );
    await waitFor('first deploy', () => completedCheck(h.alice, repo.fullName, mainSha, 'Osprey / deploy'));
  });
  after(async () => {
    await h.close();
    await pglite.close();
  });

  it('deploys the apps of the default branch with its flows', async () => {
    const check = await completedCheck(h.alice, repo.fullName, mainSha, 'Osprey / deploy');
    assert.equal(check?.conclusion, 'success');
    assert.match(
      check?.output.summary ?? '',
      /\| `apps\/hello_app\.yaml` \| `company\.team\/hello_app` \| ✅ valid \|/,
    );
    const deployed = await apps.get('company.team', 'hello_app');
    assert.equal(deployed?.app.flowId, 'hello');
    assert.equal(deployed?.sha, mainSha);
  });

  it('fails a pull request that adds an invalid app, with an annotation at its line', async () => {
    const head = await repo.commit(
      'feature',
      mainSha,
      { 'apps/broken_app.yaml': BROKEN_APP },
      'broken app',
      false,
    );
    await repo.moveBranch('feature', head);
    await expectStatus(
      h.alice('POST', `/repos/${repo.fullName}/pulls`, { title: 'An app', head: 'feature', base: 'main' }),
      [201],
    );
    const check = await waitFor('validate check', () =>
      completedCheck(h.alice, repo.fullName, head, 'Osprey / validate'),
    );
    assert.equal(check.conclusion, 'failure');
    assert.match(check.output.title ?? '', /1 app file\(s\) invalid/);
    assert.match(check.output.summary ?? '', /\| `apps\/broken_app\.yaml` \| \| ❌ 1 error\(s\)/);
    const notes = await annotations(h.alice, repo.fullName, check.id);
    assert.deepEqual(
      notes.map((a) => [a.path, a.start_line, a.annotation_level]),
      [['apps/broken_app.yaml', 8, 'failure']],
    );
    assert.match(notes[0]?.message ?? '', /ResumeExecutionButton block has no meaning on stage OPEN/);
  });

  it('removes an app whose file is deleted from the default branch', async () => {
    const next = await repo.commit('main', mainSha, { 'apps/hello_app.yaml': null }, 'drop the app');
    await waitFor('deploy', () => completedCheck(h.alice, repo.fullName, next, 'Osprey / deploy'));
    assert.equal(await apps.get('company.team', 'hello_app'), undefined);
  });
});
