import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryFlowRevisionStore } from '../../../../app/src/deployments/memory-flow-revision-store.ts';
import { MemoryNamespaceOwnership } from '../../../../app/src/deployments/memory-namespace-ownership.ts';
import { SerialByKey } from '../../../../app/src/execution/serial-by-key.ts';
import { MemoryDeliveryLog } from '../../../../app/src/github/memory/memory-delivery-log.ts';

const upsert = (flowId: string, source = `id: ${flowId}`) => ({
  namespace: 'n',
  flowId,
  path: `flows/${flowId}.yaml`,
  source,
});

describe('MemoryFlowRevisionStore', () => {
  it('numbers revisions per flow, records soft deletions, and lists live flows per repository', async () => {
    const store = new MemoryFlowRevisionStore(() => new Date('2024-01-01T00:00:00Z'));
    const base = { repository: 'acme/flows', branch: 'main' };
    assert.deepEqual(
      await store
        .apply({
          ...base,
          sha: 'c1',
          expectedSha: undefined,
          upserts: [upsert('a'), upsert('b')],
          deletions: [],
        })
        .then((r) => r.status),
      'applied',
    );
    await store.apply({
      ...base,
      sha: 'c2',
      expectedSha: 'c1',
      upserts: [upsert('a', 'id: a # v2')],
      deletions: [{ namespace: 'n', flowId: 'b' }],
    });
    assert.deepEqual(
      (await store.history('n', 'a')).map((r) => [r.revision, r.sha, r.deleted]),
      [
        [1, 'c1', false],
        [2, 'c2', false],
      ],
    );
    assert.deepEqual(
      (await store.history('n', 'b')).map((r) => [r.revision, r.sha, r.deleted, r.source]),
      [
        [1, 'c1', false, 'id: b'],
        [2, 'c2', true, 'id: b'],
      ],
    );
    assert.deepEqual(
      (await store.liveFlows('acme/flows')).map((r) => r.flowId),
      ['a'],
    );
    assert.deepEqual(await store.liveFlows('acme/other'), []);
    assert.deepEqual(await store.latestDeployment('acme/flows', 'main'), {
      ...base,
      sha: 'c2',
      deployedAt: '2024-01-01T00:00:00.000Z',
    });
  });

  it('refuses a deployment whose expected marker moved (compare-and-set)', async () => {
    const store = new MemoryFlowRevisionStore();
    const base = { repository: 'acme/flows', branch: 'main', upserts: [upsert('a')], deletions: [] };
    await store.apply({ ...base, sha: 'c1', expectedSha: undefined });
    assert.deepEqual(await store.apply({ ...base, sha: 'c2', expectedSha: undefined }), {
      status: 'conflict',
      currentSha: 'c1',
    });
    assert.equal((await store.latest('n', 'a'))?.revision, 1);
  });
});

describe('MemoryNamespaceOwnership', () => {
  it('gives a namespace to its first claimant and releases it only for the owner', async () => {
    const owners = new MemoryNamespaceOwnership();
    assert.equal(await owners.claim('ns', 'acme/a'), 'acme/a');
    assert.equal(await owners.claim('ns', 'acme/b'), 'acme/a');
    await owners.release('ns', 'acme/b');
    assert.equal(await owners.ownerOf('ns'), 'acme/a');
    await owners.release('ns', 'acme/a');
    assert.equal(await owners.claim('ns', 'acme/b'), 'acme/b');
  });
});

describe('MemoryDeliveryLog', () => {
  it('claims an id once, again after a failure or after the retention', async () => {
    let now = 0;
    const log = new MemoryDeliveryLog({ ttlMs: 1000, now: () => now });
    const d = { id: 'd', name: 'push', payload: {} };
    assert.equal(await log.claim(d, 100), true);
    assert.equal(await log.claim(d, 100), false);
    await log.fail('d', 0, 'boom');
    assert.equal(await log.claim(d, 100), true);
    await log.complete('d');
    assert.equal(await log.claim(d, 100), false);
    now = 2000;
    assert.equal(await log.claim(d, 100), true);
  });
});

describe('SerialByKey', () => {
  it('runs tasks of one key one at a time in order, other keys concurrently, and survives failures', async () => {
    const serial = new SerialByKey();
    const events: string[] = [];
    const task =
      (name: string, ms: number, fail = false) =>
      async () => {
        events.push(`start ${name}`);
        await new Promise((r) => setTimeout(r, ms));
        events.push(`end ${name}`);
        if (fail) throw new Error(name);
        return name;
      };
    const results = await Promise.allSettled([
      serial.run('a', task('a1', 20, true)),
      serial.run('a', task('a2', 1)),
      serial.run('b', task('b1', 5)),
    ]);
    assert.deepEqual(
      results.map((r) => r.status),
      ['rejected', 'fulfilled', 'fulfilled'],
    );
    assert.deepEqual(events, ['start a1', 'start b1', 'end b1', 'end a1', 'start a2', 'end a2']);
  });
});
