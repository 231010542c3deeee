/**
 * The GitHub App's ports on the database, on Postgres and PGlite: the shared contract, then what
 * only a shared database can get wrong — replicas racing on `apply`, delivery claims and namespace
 * claims, and a failed deployment leaving nothing behind.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { ApplyResult } from '../../../app/src/deployments/ports.ts';
import { createPostgresPorts } from '../../../app/src/github/postgres/index.ts';
import { describeBackends } from '../helpers/backends.ts';
import { portsContract, upsert } from './ports-contract.ts';

describeBackends('GitHub ports on the database', (backend) => {
  portsContract(async ({ now, deliveryTtlMs }) => {
    const { db, cleanup } = await backend.open();
    return {
      ports: createPostgresPorts(db, {
        now: () => new Date(now()),
        deliveries: { ttlMs: deliveryTtlMs, now },
      }),
      cleanup,
    };
  });

  /** Five replicas, each with its own connection (pool) to the same schema. */
  async function replicas(t: { after(fn: () => Promise<void>): void }, n = 5) {
    const opened = await backend.open();
    t.after(opened.cleanup);
    const dbs = [opened.db];
    for (let i = 1; i < n; i++) dbs.push(await opened.openReplica());
    return { ...opened, ports: dbs.map((db) => createPostgresPorts(db)) };
  }

  it('of replicas applying with the same expected marker, exactly one wins and only its revisions exist', async (t) => {
    const { ports } = await replicas(t);
    const base = { repository: 'acme/flows', branch: 'main', deletions: [] };
    await ports[0]!.store.apply({ ...base, sha: 'c0', expectedSha: undefined, upserts: [upsert('a')] });
    const results: ApplyResult[] = await Promise.all(
      ports.map((p, i) =>
        p.store.apply({
          ...base,
          sha: `c${i + 1}`,
          expectedSha: 'c0',
          upserts: [upsert('a', `id: a # from replica ${i}`), upsert(`only-${i}`)],
        }),
      ),
    );
    const winners = results.flatMap((r, i) => (r.status === 'applied' ? [i] : []));
    assert.equal(winners.length, 1, `exactly one replica applies, got ${JSON.stringify(results)}`);
    const winner = winners[0]!;
    const marker = await ports[0]!.store.latestDeployment('acme/flows', 'main');
    assert.equal(marker?.sha, `c${winner + 1}`);
    for (const [i, r] of results.entries()) {
      if (i !== winner) assert.deepEqual(r, { status: 'conflict', currentSha: `c${winner + 1}` });
    }
    assert.deepEqual(
      (await ports[0]!.store.history('company.team', 'a')).map((r) => [r.revision, r.source]),
      [
        [1, 'id: a'],
        [2, `id: a # from replica ${winner}`],
      ],
    );
    const live = (await ports[0]!.store.liveFlows('acme/flows')).map((r) => r.flowId).sort();
    assert.deepEqual(live, ['a', `only-${winner}`]);
  });

  it('of replicas making the first deployment of a branch, exactly one wins', async (t) => {
    const { ports } = await replicas(t);
    const results = await Promise.all(
      ports.map((p, i) =>
        p.store.apply({
          repository: 'acme/flows',
          branch: 'main',
          sha: `first-${i}`,
          expectedSha: undefined,
          upserts: [upsert('a', `id: a # ${i}`)],
          deletions: [],
        }),
      ),
    );
    assert.equal(results.filter((r) => r.status === 'applied').length, 1);
    assert.equal((await ports[0]!.store.history('company.team', 'a')).length, 1);
  });

  it('of replicas claiming the same delivery, exactly one gets it', async (t) => {
    const { ports } = await replicas(t);
    const claims = await Promise.all(
      ports.flatMap((p) => [
        p.deliveries.claim({ id: 'delivery-1', name: 'push', payload: {} }, 60_000),
        p.deliveries.claim({ id: 'delivery-1', name: 'push', payload: {} }, 60_000),
      ]),
    );
    assert.equal(claims.filter(Boolean).length, 1, `one true among ${JSON.stringify(claims)}`);
  });

  it('of repositories claiming one namespace at once, every claimant is told the same owner', async (t) => {
    const { ports } = await replicas(t);
    const owners = await Promise.all(
      ports.map((p, i) => p.ownership.claim('company.team', `acme/repo-${i}`)),
    );
    assert.equal(new Set(owners).size, 1, `one owner, got ${JSON.stringify(owners)}`);
    assert.equal(await ports[0]!.ownership.ownerOf('company.team'), owners[0]);
  });

  it('a deployment that fails half-way leaves the marker and the revisions as they were', async (t) => {
    const { ports } = await replicas(t, 1);
    const store = ports[0]!.store;
    const base = { repository: 'acme/flows', branch: 'main', deletions: [] };
    await store.apply({ ...base, sha: 'c1', expectedSha: undefined, upserts: [upsert('a')] });
    // The second upsert violates NOT NULL after the first was written.
    const broken = { ...upsert('b'), flowId: null as unknown as string };
    await assert.rejects(
      store.apply({ ...base, sha: 'c2', expectedSha: 'c1', upserts: [upsert('a', 'id: a # v2'), broken] }),
      /null value|not-null|violates/,
    );
    assert.equal((await store.latestDeployment('acme/flows', 'main'))?.sha, 'c1');
    assert.deepEqual(
      (await store.history('company.team', 'a')).map((r) => r.revision),
      [1],
    );
    // The branch can still be deployed from the marker it really has.
    assert.equal(
      (await store.apply({ ...base, sha: 'c2', expectedSha: 'c1', upserts: [upsert('a', 'id: a # v2')] }))
        .status,
      'applied',
    );
  });
});
