/**
 * The contract of the GitHub App's ports (`app/src/github/ports.ts`), written once and run against
 * every implementation: the in-memory ones and the database ones on Postgres and PGlite.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { FlowRevisionStore, NamespaceOwnership } from '../../../app/src/deployments/ports.ts';
import type { CheckRunLinks, DeliveryLog, InstallationIndex } from '../../../app/src/github/ports.ts';

export interface Ports {
  store: FlowRevisionStore;
  ownership: NamespaceOwnership;
  deliveries: DeliveryLog;
  checkRunLinks: CheckRunLinks;
  installations: InstallationIndex;
}

export interface PortsOptions {
  /** Epoch ms; the test moves it. */
  now: () => number;
  deliveryTtlMs: number;
}

export type OpenPorts = (options: PortsOptions) => Promise<{ ports: Ports; cleanup(): Promise<void> }>;

export const upsert = (flowId: string, source = `id: ${flowId}`, namespace = 'company.team') => ({
  namespace,
  flowId,
  path: `flows/${flowId}.yaml`,
  source,
});

const base = { repository: 'acme/flows', branch: 'main' };
const T0 = Date.parse('2024-01-01T00:00:00Z');

export function portsContract(open: OpenPorts): void {
  const setup = async (t: { after(fn: () => Promise<void>): void }) => {
    let now = T0;
    const opened = await open({ now: () => now, deliveryTtlMs: 1000 });
    t.after(opened.cleanup);
    const advance = (ms: number) => {
      now += ms;
    };
    return { ...opened.ports, advance };
  };

  it('numbers revisions per flow, records soft deletions, and lists live flows per repository', async (t) => {
    const { store } = await setup(t);
    const first = await store.apply({
      ...base,
      sha: 'c1',
      expectedSha: undefined,
      upserts: [upsert('b'), upsert('a')],
      deletions: [],
    });
    assert.equal(first.status, 'applied');
    assert.deepEqual(
      first.status === 'applied' ? first.revisions.map((r) => [r.flowId, r.revision, r.sha]) : [],
      [
        ['b', 1, 'c1'],
        ['a', 1, 'c1'],
      ],
    );
    await store.apply({
      ...base,
      sha: 'c2',
      expectedSha: 'c1',
      upserts: [upsert('a', 'id: a # v2')],
      deletions: [{ namespace: 'company.team', flowId: 'b' }],
    });
    assert.deepEqual(
      (await store.history('company.team', 'a')).map((r) => [r.revision, r.sha, r.deleted, r.source]),
      [
        [1, 'c1', false, 'id: a'],
        [2, 'c2', false, 'id: a # v2'],
      ],
    );
    assert.deepEqual(
      (await store.history('company.team', 'b')).map((r) => [r.revision, r.sha, r.deleted, r.source, r.path]),
      [
        [1, 'c1', false, 'id: b', 'flows/b.yaml'],
        [2, 'c2', true, 'id: b', 'flows/b.yaml'],
      ],
    );
    const latestB = await store.latest('company.team', 'b');
    assert.equal(latestB?.deleted, true);
    assert.deepEqual(
      (await store.liveFlows('acme/flows')).map((r) => [r.flowId, r.revision]),
      [['a', 2]],
    );
    assert.deepEqual(await store.liveFlows('acme/other'), []);
    assert.deepEqual(await store.latestDeployment('acme/flows', 'main'), {
      ...base,
      sha: 'c2',
      deployedAt: '2024-01-01T00:00:00.000Z',
    });
    assert.equal(await store.latestDeployment('acme/flows', 'dev'), undefined);
    assert.deepEqual(await store.latest('company.team', 'nope'), undefined);
    assert.deepEqual(await store.history('company.team', 'nope'), []);
  });

  it('a removed flow deployed again continues its numbering; removing an unknown flow records nothing', async (t) => {
    const { store } = await setup(t);
    await store.apply({ ...base, sha: 'c1', expectedSha: undefined, upserts: [upsert('a')], deletions: [] });
    await store.apply({
      ...base,
      sha: 'c2',
      expectedSha: 'c1',
      upserts: [],
      deletions: [
        { namespace: 'company.team', flowId: 'a' },
        { namespace: 'company.team', flowId: 'never-deployed' },
      ],
    });
    const again = await store.apply({
      ...base,
      sha: 'c3',
      expectedSha: 'c2',
      upserts: [],
      deletions: [{ namespace: 'company.team', flowId: 'a' }],
    });
    assert.deepEqual(again, { status: 'applied', revisions: [] });
    await store.apply({ ...base, sha: 'c4', expectedSha: 'c3', upserts: [upsert('a')], deletions: [] });
    assert.deepEqual(
      (await store.history('company.team', 'a')).map((r) => [r.revision, r.deleted, r.sha]),
      [
        [1, false, 'c1'],
        [2, true, 'c2'],
        [3, false, 'c4'],
      ],
    );
    assert.deepEqual(await store.history('company.team', 'never-deployed'), []);
  });

  it("keeps the namespace's pluginDefaults and the included templates with each revision (absent when none)", async (t) => {
    const { store } = await setup(t);
    const defaults = [{ type: 'io.kestra.plugin.core.log', values: { version: '1.0.0' } }];
    const templates = {
      'company.team/greet': { id: 'greet', namespace: 'company.team', tasks: [{ id: 'hi', type: 'x' }] },
    };
    await store.apply({
      ...base,
      sha: 'c1',
      expectedSha: undefined,
      upserts: [{ ...upsert('a'), pluginDefaults: defaults, templates }, upsert('b')],
      deletions: [],
    });
    await store.apply({
      ...base,
      sha: 'c2',
      expectedSha: 'c1',
      upserts: [{ ...upsert('a'), pluginDefaults: [] }],
      deletions: [{ namespace: 'company.team', flowId: 'b' }],
    });
    const history = await store.history('company.team', 'a');
    assert.deepEqual(history[0]?.pluginDefaults, defaults);
    assert.deepEqual(history[0]?.templates, templates);
    assert.equal(history[1]?.pluginDefaults, undefined);
    assert.equal(history[1]?.templates, undefined);
    assert.equal((await store.latest('company.team', 'b'))?.pluginDefaults, undefined);
    assert.deepEqual(
      (await store.liveFlows(base.repository)).map((r) => [r.flowId, r.pluginDefaults]),
      [['a', undefined]],
    );
  });

  it('refuses a deployment whose expected marker moved, and writes nothing (compare-and-set)', async (t) => {
    const { store } = await setup(t);
    const changes = { ...base, upserts: [upsert('a')], deletions: [] };
    await store.apply({ ...changes, sha: 'c1', expectedSha: undefined });
    assert.deepEqual(await store.apply({ ...changes, sha: 'c2', expectedSha: undefined }), {
      status: 'conflict',
      currentSha: 'c1',
    });
    assert.deepEqual(
      await store.apply({ ...changes, sha: 'c2', expectedSha: 'c0', upserts: [upsert('z')] }),
      { status: 'conflict', currentSha: 'c1' },
    );
    assert.equal((await store.latest('company.team', 'a'))?.revision, 1);
    assert.equal(await store.latest('company.team', 'z'), undefined);
    assert.equal((await store.latestDeployment('acme/flows', 'main'))?.sha, 'c1');
    // Another branch has its own marker.
    const dev = await store.apply({ ...changes, branch: 'dev', sha: 'd1', expectedSha: undefined });
    assert.equal(dev.status, 'applied');
  });

  it('gives a namespace to its first claimant and releases it only for the owner', async (t) => {
    const { ownership } = await setup(t);
    assert.equal(await ownership.ownerOf('ns'), undefined);
    assert.equal(await ownership.claim('ns', 'acme/a'), 'acme/a');
    assert.equal(await ownership.claim('ns', 'acme/b'), 'acme/a');
    assert.equal(await ownership.claim('ns', 'acme/a'), 'acme/a');
    await ownership.release('ns', 'acme/b');
    assert.equal(await ownership.ownerOf('ns'), 'acme/a');
    await ownership.release('ns', 'acme/a');
    assert.equal(await ownership.ownerOf('ns'), undefined);
    assert.equal(await ownership.claim('ns', 'acme/b'), 'acme/b');
  });

  it('claims a delivery once; keeps its payload until processed; a failed or abandoned one comes back', async (t) => {
    const { deliveries, advance } = await setup(t);
    const d = (id: string) => ({ id, name: 'push', payload: { ref: `refs/heads/${id}` } });
    assert.equal(await deliveries.claim(d('d1'), 100), true);
    assert.equal(await deliveries.claim(d('d1'), 100), false, 'a duplicate while processing');
    assert.equal(await deliveries.claim(d('d2'), 100), true);
    assert.equal(await deliveries.claim(d('d3'), 100), true);
    assert.deepEqual([...(await deliveries.received(['d1', 'd2', 'nope']))].sort(), ['d1', 'd2']);

    // d1 processed; d2 failed (retry in 50 ms); d3's processor died (its lease lapses).
    await deliveries.complete('d1');
    await deliveries.fail('d2', 50, 'GitHub answered 502');
    await deliveries.extend(['d3'], 100);
    assert.deepEqual(await deliveries.takeUnfinished(10, 100), [], 'nothing is due yet');
    advance(60);
    const due = await deliveries.takeUnfinished(10, 100);
    assert.deepEqual(due, [{ ...d('d2'), attempts: 1 }]);
    advance(100);
    const abandoned = await deliveries.takeUnfinished(10, 100);
    assert.deepEqual(
      abandoned.map((x) => [x.id, x.payload]),
      [
        ['d2', { ref: 'refs/heads/d2' }],
        ['d3', { ref: 'refs/heads/d3' }],
      ],
    );
    assert.equal(await deliveries.claim(d('d1'), 100), false, 'a processed id stays taken');
    assert.equal(await deliveries.claim(d('d3'), 100), false, 'd3 is held again');
    await deliveries.fail('d3', 10_000, 'boom');
    assert.equal(await deliveries.claim(d('d3'), 100), true, 'a redelivery of a failed one: at once');

    // Given up after 5 failures: no longer retried, but a redelivery asked for by hand is processed.
    for (let i = 0; i < 4; i++) await deliveries.fail('d3', 0, 'still failing');
    await deliveries.complete('d2');
    advance(1);
    assert.deepEqual(await deliveries.takeUnfinished(10, 100), [], 'd3 was given up');
    assert.equal(await deliveries.claim(d('d3'), 100), true);

    // Retention (1 s here): an old id may be claimed again.
    advance(2000);
    assert.equal(await deliveries.claim(d('d1'), 100), true);
    assert.deepEqual([...(await deliveries.received(['d2']))], []);
  });

  it('gives the check run of an execution one reporter among replicas while its lease lasts', async (t) => {
    const { checkRunLinks } = await setup(t);
    assert.equal(await checkRunLinks.claimReporter('exec1', 'replica-a', 60_000), true);
    assert.equal(await checkRunLinks.claimReporter('exec1', 'replica-b', 60_000), false);
    assert.equal(await checkRunLinks.claimReporter('exec1', 'replica-a', 60_000), true, 'renewed');
    assert.equal(await checkRunLinks.claimReporter('exec2', 'replica-b', 60_000), true);
  });

  it('remembers the check run of an execution and the installation of a repository', async (t) => {
    const { checkRunLinks, installations } = await setup(t);
    assert.equal(await checkRunLinks.get('exec1'), undefined);
    await checkRunLinks.set('exec1', { repository: 'acme/flows', checkRunId: 9_007_199_254 });
    assert.deepEqual(await checkRunLinks.get('exec1'), {
      repository: 'acme/flows',
      checkRunId: 9_007_199_254,
    });
    await checkRunLinks.set('exec1', { repository: 'acme/flows', checkRunId: 2 });
    assert.deepEqual(await checkRunLinks.get('exec1'), { repository: 'acme/flows', checkRunId: 2 });
    assert.equal(await installations.get('acme/flows'), undefined);
    await installations.set('Acme/Flows', 42);
    assert.equal(await installations.get('acme/flows'), 42);
    assert.equal(await installations.get('ACME/FLOWS'), 42);
    await installations.set('acme/flows', 43);
    assert.equal(await installations.get('Acme/Flows'), 43);
  });
}
