/**
 * Webhook safety over real HTTP: a forged or unsigned delivery gets 401 and changes nothing; an
 * oversized one 413; a delivery id seen before is processed once (GitHub redelivers).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sign } from '@octokit/webhooks-methods';
import { FakeExecutionService } from '../../unit/app/github/fakes/fake-execution-service.ts';
import { checkRuns, completedCheck } from './support/checks.ts';
import { helloFlow, simpleFlow } from './support/flows.ts';
import { type Harness, startHarness, waitFor } from './support/harness.ts';
import { MirroredRepo } from './support/mirrored-repo.ts';
import { pushPayload } from './support/payloads.ts';

describe('webhook safety', () => {
  let h: Harness;
  let repo: MirroredRepo;
  let c1: string;
  let c2: string;

  before(async () => {
    h = await startHarness({ executions: new FakeExecutionService(), repos: ['flows'] });
    const created = await MirroredRepo.create(h.alice, 'flows', { 'README.md': '# flows\n' });
    repo = created.repo;
    c1 = await repo.commit('main', created.sha, { 'flows/company/team/hello.yaml': helloFlow() }, 'hello');
    await waitFor('deploy c1', () => completedCheck(h.alice, repo.fullName, c1, 'Osprey / deploy'));
    // A commit the app has not been told about: only forged or duplicate deliveries mention it.
    c2 = await repo.commit(
      'side',
      c1,
      { 'flows/company/team/extra.yaml': simpleFlow('extra') },
      'side commit',
    );
  });
  after(() => h.close());

  const forgedPush = () => pushPayload(repo.fullName, 'main', c1, c2);

  it('refuses a delivery signed with another secret (401) and changes nothing', async () => {
    const body = JSON.stringify(forgedPush());
    const response = await h.deliver('push', forgedPush(), { signature: await sign('not-the-secret', body) });
    assert.equal(response.status, 401);
    assert.match(((await response.json()) as { error: string }).error, /not signed with WEBHOOK_SECRET/);
    await h.app.idle();
    assert.equal((await h.ports.store.latestDeployment(repo.fullName, 'main'))?.sha, c1);
    assert.equal(await h.ports.store.latest('company.team', 'extra'), undefined);
    assert.deepEqual(await checkRuns(h.alice, repo.fullName, c2), []);
  });

  it('refuses an unsigned delivery (401)', async () => {
    const response = await h.deliver('push', forgedPush(), { signature: null });
    assert.equal(response.status, 401);
    await h.app.idle();
    assert.equal(await h.ports.store.latest('company.team', 'extra'), undefined);
  });

  it('refuses a payload over 25 MB (413) before reading it all', async () => {
    const huge = JSON.stringify({ ...forgedPush(), padding: 'x'.repeat(25 * 1024 * 1024) });
    const response = await fetch(h.webhookUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'push',
        'x-github-delivery': 'huge',
        'x-hub-signature-256': await sign('test-webhook-secret', huge),
      },
      body: huge,
    });
    assert.equal(response.status, 413);
    await h.app.idle();
    assert.equal(await h.ports.store.latest('company.team', 'extra'), undefined);
  });

  it('processes a delivery id once, however often it arrives', async () => {
    const first = await h.deliver('push', forgedPush(), { id: 'delivery-42' });
    const second = await h.deliver('push', forgedPush(), { id: 'delivery-42' });
    assert.deepEqual([first.status, second.status], [202, 200]);
    assert.deepEqual(await second.json(), { ok: true, duplicate: true });
    await h.app.idle();
    const deploys = (await checkRuns(h.alice, repo.fullName, c2)).filter((r) => r.name === 'Osprey / deploy');
    assert.equal(deploys.length, 1);
    assert.equal(deploys[0]?.conclusion, 'success');
    assert.equal((await h.ports.store.latest('company.team', 'extra'))?.revision, 1);
  });
});
