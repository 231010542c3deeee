/**
 * A push while Osprey is down still deploys: GitHub does not redeliver a failed webhook by itself,
 * so the App's reconciler lists its recent deliveries and asks for the failed ones again; a
 * delivery whose processing was cut short is processed again from the inbox; nothing is processed
 * twice. GitHub is the emulator, fronted by the App delivery log it lacks (support/hook-deliveries.ts).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FakeExecutionService } from '../../unit/app/github/fakes/fake-execution-service.ts';
import { checkRuns, completedCheck } from './support/checks.ts';
import { helloFlow, simpleFlow } from './support/flows.ts';
import { type Harness, startHarness, waitFor } from './support/harness.ts';
import { type HookDeliveries, startHookDeliveries } from './support/hook-deliveries.ts';
import { MirroredRepo } from './support/mirrored-repo.ts';
import { pushPayload } from './support/payloads.ts';

describe('webhook redelivery', () => {
  let h: Harness;
  let log: HookDeliveries | undefined;
  let up = true;

  before(async () => {
    h = await startHarness({
      executions: new FakeExecutionService(),
      repos: ['flows'],
      up: () => up,
      apiUrl: async (emulator) => {
        log = await startHookDeliveries(emulator.gh.url, emulator.webhookUrl);
        return log.url;
      },
    });
  });
  after(async () => {
    await h.close();
    await log?.close();
  });

  it('asks GitHub to redeliver a push that failed while Osprey was down, and deploys it once', async () => {
    const hooks = log as HookDeliveries;
    const created = await MirroredRepo.create(h.alice, 'flows', { 'README.md': '# flows\n' });
    const repo = created.repo;
    const c1 = await repo.commit(
      'main',
      created.sha,
      { 'flows/company/team/hello.yaml': helloFlow() },
      'hello',
    );
    await waitFor('deploy c1', () => completedCheck(h.alice, repo.fullName, c1, 'Osprey / deploy'));

    // An event that got through is never asked for again.
    const star = { action: 'created', repository: { full_name: repo.fullName }, sender: { login: 'bob' } };
    assert.equal((await hooks.send('star', star)).status_code, 202);
    // Osprey is down: the push of c2 is answered 503 and GitHub records the failure.
    up = false;
    const c2 = await repo.commit(
      'main',
      c1,
      { 'flows/company/team/extra.yaml': simpleFlow('extra') },
      'extra',
    );
    const failed = await hooks.send('push', pushPayload(repo.fullName, 'main', c1, c2));
    assert.equal(failed.status_code, 503);
    const sent = hooks.deliveries.length;
    up = true;
    await h.app.idle();
    assert.equal(await h.ports.store.latest('company.team', 'extra'), undefined, 'nothing deployed c2 yet');

    const report = await h.app.reconciler.runOnce();
    assert.deepEqual(report, { recovered: 0, redelivered: 1 });
    await waitFor('the redelivery', async () =>
      hooks.deliveries.find((d) => d.redelivery && d.guid === failed.guid),
    );
    await h.app.idle();
    assert.equal((await h.ports.store.latest('company.team', 'extra'))?.revision, 1);
    const deploy = await completedCheck(h.alice, repo.fullName, c2, 'Osprey / deploy');
    assert.equal(deploy?.conclusion, 'success');
    assert.equal(hooks.deliveries.length, sent + 1, 'only the failed push was delivered again');

    // The next pass finds the event delivered: nothing asked, nothing deployed twice.
    assert.deepEqual(await h.app.reconciler.runOnce(), { recovered: 0, redelivered: 0 });
    await h.app.idle();
    const deploys = (await checkRuns(h.alice, repo.fullName, c2)).filter((r) => r.name === 'Osprey / deploy');
    assert.equal(deploys.length, 1);
  });

  it('processes again a delivery whose processing was cut short (its claim lapsed), once', async () => {
    // A replica claimed this delivery with a 1 ms lease and died before processing it.
    const payload = { action: 'created', repository: { full_name: 'acme/flows' }, sender: { login: 'bob' } };
    assert.equal(await h.ports.deliveries.claim({ id: 'cut-short', name: 'star', payload }, 1), true);
    await new Promise((r) => setTimeout(r, 5));
    const report = await h.app.reconciler.runOnce();
    assert.equal(report.recovered, 1);
    assert.equal((await h.app.reconciler.runOnce()).recovered, 0, 'processed: not taken again');
  });
});
