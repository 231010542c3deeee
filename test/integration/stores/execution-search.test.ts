/** The REST API's execution search on the `executions` table, on Postgres and PGlite. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { DatabaseExecutionSearch } from '../../../app/src/api/executions/database-execution-search.ts';
import { createExecution } from '../../../app/src/engine/index.ts';
import { insertSteps } from '../../../app/src/storage/execution-steps.ts';
import type { Flow } from '../../../flows-schema/src/schema/flow.ts';
import { describeBackends } from '../helpers/backends.ts';

const flow = (namespace: string, id: string) =>
  ({
    id,
    namespace,
    tasks: [{ id: 'a', type: 'io.kestra.plugin.core.log.Log', message: 'x' }],
  }) as unknown as Flow;

describeBackends('execution search', (backend) => {
  it('filters by namespace, flow and state, pages newest first, and counts the total', async (t) => {
    const { db, cleanup } = await backend.open();
    t.after(cleanup);
    const t0 = Date.parse('2025-01-01T00:00:00Z');
    const rows: Array<[string, string, string, string]> = [
      ['e1', 'company.team', 'etl', 'SUCCESS'],
      ['e2', 'company.team', 'etl', 'FAILED'],
      ['e3', 'company.team', 'etl', 'SUCCESS'],
      ['e4', 'company.team', 'report', 'SUCCESS'],
      ['e5', 'company', 'etl', 'RUNNING'],
    ];
    for (const [i, [id, namespace, flowId, state]] of rows.entries()) {
      const execution = { ...createExecution(flow(namespace, flowId), { id, now: t0 + i * 1000 }), state };
      await insertSteps(
        db,
        [{ id, namespace, flowId, state, document: execution, flow: flow(namespace, flowId) }],
        new Date(t0 + i * 1000),
      );
    }
    const search = new DatabaseExecutionSearch(db);
    const page1 = await search.search({ namespace: 'company.team', flowId: 'etl', page: 1, size: 2 });
    assert.equal(page1.total, 3);
    assert.deepEqual(
      page1.results.map((e) => [e.id, e.state.current, e.flowId]),
      [
        ['e3', 'SUCCESS', 'etl'],
        ['e2', 'FAILED', 'etl'],
      ],
    );
    const page2 = await search.search({ namespace: 'company.team', flowId: 'etl', page: 2, size: 2 });
    assert.deepEqual(
      page2.results.map((e) => e.id),
      ['e1'],
    );
    assert.deepEqual(await search.search({ namespace: 'company.team', page: 9, size: 2 }), {
      results: [],
      total: 4,
    });
    const done = await search.search({ states: ['SUCCESS', 'RUNNING'], page: 1, size: 10 });
    assert.deepEqual(
      done.results.map((e) => e.id),
      ['e5', 'e4', 'e3', 'e1'],
    );
    assert.equal((await search.search({ namespace: 'nobody', page: 1, size: 10 })).total, 0);
    assert.equal(page1.results[0]?.state.startDate, '2025-01-01T00:00:02.000Z');
  });

  it('finds text (q) in the id, namespace.flowId and labels, case-insensitive, % and _ literal', async (t) => {
    const { db, cleanup } = await backend.open();
    t.after(cleanup);
    const t0 = Date.parse('2025-01-01T00:00:00Z');
    const rows: Array<[string, string, Array<{ key: string; value: string }>]> = [
      ['abc1', 'etl', [{ key: 'team', value: 'Data' }]],
      ['abc2', 'report', [{ key: 'team', value: 'ops' }]],
      ['xyz3', 'etl_daily', []],
    ];
    for (const [i, [id, flowId, labels]] of rows.entries()) {
      const execution = {
        ...createExecution(flow('company.team', flowId), { id, now: t0 + i * 1000 }),
        labels,
      };
      await insertSteps(
        db,
        [
          {
            id,
            namespace: 'company.team',
            flowId,
            state: 'SUCCESS',
            document: execution,
            flow: flow('company.team', flowId),
          },
        ],
        new Date(t0 + i * 1000),
      );
    }
    const search = new DatabaseExecutionSearch(db);
    const ids = async (text: string) =>
      (await search.search({ text, page: 1, size: 10 })).results.map((e) => e.id);
    assert.deepEqual(await ids('ABC'), ['abc2', 'abc1']);
    assert.deepEqual(await ids('team:data'), ['abc1']);
    assert.deepEqual(await ids('company.team.report'), ['abc2']);
    assert.deepEqual(await ids('etl_'), ['xyz3'], '_ is not a wildcard');
    assert.deepEqual(await ids('%'), []);
    assert.equal((await search.search({ text: 'c', page: 2, size: 2 })).total, 3);
  });

  it('filters by labels, time, commit, branch and pull request; pages by keyset in the same order', async (t) => {
    const { db, cleanup } = await backend.open();
    t.after(cleanup);
    const t0 = Date.parse('2025-03-01T00:00:00Z');
    const SHA = 'abcdef0123456789abcdef0123456789abcdef01';
    for (let i = 0; i < 12; i++) {
      const id = `k${String(i).padStart(2, '0')}`;
      const labels = [
        { key: 'team', value: i % 2 === 0 ? 'data' : 'ops' },
        ...(i % 3 === 0 ? [{ key: 'env', value: 'prod' }] : []),
      ];
      const variables = i < 4 ? { branch: 'main' } : i < 6 ? { branch: 'feature/x', number: 42 } : undefined;
      const execution = {
        ...createExecution(flow('company.team', 'etl'), { id, now: t0 + i * 1000 }),
        labels,
        ...(variables === undefined ? {} : { trigger: { id: 'git', type: 'io.osprey.git.Push', variables } }),
      };
      // Two executions share a creation time: the id breaks the tie, in every page.
      const created = new Date(t0 + Math.min(i, 10) * 1000);
      await insertSteps(
        db,
        [
          {
            id,
            namespace: 'company.team',
            flowId: 'etl',
            state: 'SUCCESS',
            document: execution,
            flow: {},
            repository: 'acme/flows',
            sha: i < 6 ? SHA : 'f'.repeat(40),
          },
        ],
        created,
      );
    }
    const search = new DatabaseExecutionSearch(db);
    const ids = async (q: Partial<Parameters<typeof search.search>[0]>) =>
      (await search.search({ page: 1, size: 50, ...q })).results.map((e) => e.id);
    assert.deepEqual(
      await ids({
        labels: [
          { key: 'team', value: 'data' },
          { key: 'env', value: 'prod' },
        ],
      }),
      ['k06', 'k00'],
      'every label must match',
    );
    assert.deepEqual(
      await ids({ from: new Date(t0 + 2000), to: new Date(t0 + 4000) }),
      ['k03', 'k02'],
      'from is inclusive, to exclusive',
    );
    assert.deepEqual((await ids({ sha: 'ABCDEF01' })).length, 6, 'a SHA prefix, any case');
    assert.deepEqual(await ids({ branch: 'feature/x' }), ['k05', 'k04']);
    assert.deepEqual(await ids({ pullRequest: 42 }), ['k05', 'k04']);
    assert.deepEqual(await ids({ branch: 'main', labels: [{ key: 'team', value: 'ops' }] }), ['k03', 'k01']);

    const all = await ids({});
    assert.deepEqual(all.slice(0, 3), ['k11', 'k10', 'k09'], 'same creation time: higher id first');
    const walked: string[] = [];
    let after: string | undefined;
    for (let n = 0; n < 10; n++) {
      const page = await search.search({ page: 1, size: 5, ...(after === undefined ? {} : { after }) });
      assert.equal(page.total, 12);
      walked.push(...page.results.map((e) => e.id));
      after = page.next;
      if (after === undefined) break;
    }
    assert.deepEqual(walked, all, 'keyset pages give every execution once, in order');
    await assert.rejects(search.search({ page: 1, size: 5, after: 'bm9wZQ' }), /after: not a page position/);
  });
});
