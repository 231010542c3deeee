/**
 * What the web console reads beyond Kestra's basics: execution search by text (`q`), the flow
 * search across namespaces, and the execution follow stream.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ExecutionDocument } from '../../../app/src/execution/contract.ts';
import { HELLO, openApi, SLOW } from './api-harness.ts';
import { readEvents } from './sse.ts';

describe('console endpoints', () => {
  it('GET /executions/search?q= finds text in the id, namespace.flowId and labels, paged', async (t) => {
    const api = await openApi(t);
    await api.deploy({ hello: HELLO });
    const start = (labels: string) =>
      api.json<ExecutionDocument>(`/api/v1/executions/company.team/hello?wait=true&${labels}`, {
        method: 'POST',
      });
    const a = (await start('labels=team:data')).body;
    await start('labels=team:ops');
    await start('labels=team:ops');
    const search = (q: string) =>
      api.json<{ results: ExecutionDocument[]; total: number }>(`/api/v1/executions/search?${q}`);
    assert.equal((await search('q=TEAM:OPS')).body.total, 2);
    assert.deepEqual(
      (await search('q=team:data')).body.results.map((e) => e.id),
      [a.id],
    );
    assert.equal((await search(`q=${a.id.slice(2, 9)}`)).body.results[0]?.id, a.id);
    assert.equal((await search('q=company.team.hel')).body.total, 3);
    assert.equal((await search('q=%25')).body.total, 0, '% is taken literally');
    const page = await search('q=hello&size=2&page=2');
    assert.deepEqual([page.body.total, page.body.results.length], [3, 1]);
    assert.equal((await search(`q=${'x'.repeat(201)}`)).status, 400);
  });

  it('GET /flows/search lists flows of a namespace and the ones under it, with q', async (t) => {
    const api = await openApi(t);
    await api.deploy({ hello: HELLO });
    await api.deploy(
      { other: HELLO.replace('id: hello', 'id: other').replace('company.team', 'company.team.sub') },
      'company.team.sub',
    );
    type Page = { results: Array<{ namespace: string; id: string }>; total: number };
    const all = await api.json<Page>('/api/v1/flows/search');
    assert.deepEqual(
      all.body.results.map((f) => `${f.namespace}.${f.id}`),
      ['company.team.hello', 'company.team.sub.other'],
    );
    assert.equal((await api.json<Page>('/api/v1/flows/search?namespace=company.team.sub')).body.total, 1);
    assert.equal((await api.json<Page>('/api/v1/flows/search?q=OTH')).body.results[0]?.id, 'other');
    assert.equal((await api.json<Page>('/api/v1/flows/search?namespace=Bad')).status, 400);
  });

  it('GET /executions/{id}/follow streams the document as it changes, then end with the final one', async (t) => {
    const api = await openApi(t);
    await api.deploy({ slow: SLOW });
    const started = (
      await api.json<ExecutionDocument>('/api/v1/executions/company.team/slow', { method: 'POST' })
    ).body;
    const res = await api.request(`/api/v1/executions/${started.id}/follow`);
    assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
    const events = await readEvents(res, 5000);
    const docs = events.map((e) => JSON.parse(e.data) as ExecutionDocument);
    assert.ok(docs.length >= 2, `several documents: ${events.length}`);
    assert.notEqual(docs[0]?.state.current, 'SUCCESS', 'the first one is from while it ran');
    assert.equal(events.at(-1)?.event, 'end');
    assert.equal(docs.at(-1)?.state.current, 'SUCCESS');
    assert.equal((await api.json('/api/v1/executions/nope/follow')).status, 404);
  });
});
