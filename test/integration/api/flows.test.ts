/** `/api/v1/flows`: deployed flows with their git origin, their revisions, and YAML validation. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HELLO, openApi, SLOW } from './api-harness.ts';

type Flow = Record<string, unknown> & { id: string; revision: number; sha: string; source?: string };
type Validation = {
  index: number;
  flow: string | null;
  namespace: string | null;
  constraints: string | null;
  issues: Array<{ code: string; message: string; range: { start: { line: number; col: number } } }>;
};

describe('flows API', () => {
  it('reads the latest deployed revision, with its source on request, and lists a namespace', async (t) => {
    const api = await openApi(t);
    await api.deploy({ hello: HELLO, slow: SLOW });
    await api.deploy({ hello: HELLO.replace('Hello {{', 'Hi {{') });
    await api.deploy(
      {
        other:
          'id: other\nnamespace: company\ntasks:\n  - id: a\n    type: io.kestra.plugin.core.log.Log\n    message: x\n',
      },
      'company',
    );
    const flow = await api.json<Flow>('/api/v1/flows/company.team/hello');
    assert.equal(flow.status, 200);
    assert.equal(flow.body.id, 'hello');
    assert.equal(flow.body['namespace'], 'company.team');
    assert.equal(flow.body.revision, 2);
    assert.equal(flow.body['repository'], 'acme/flows');
    assert.equal(flow.body['branch'], 'main');
    assert.equal(flow.body['path'], 'flows/hello.yaml');
    assert.match(flow.body.sha, /^02/);
    assert.equal(flow.body.source, undefined);
    assert.deepEqual(
      (flow.body['inputs'] as Array<{ id: string }>).map((i) => i.id),
      ['name', 'count'],
    );
    const withSource = await api.json<Flow>('/api/v1/flows/company.team/hello?source=true');
    assert.match(withSource.body.source ?? '', /message: "Hi \{\{ inputs.name \}\}"/);

    const list = await api.json<Flow[]>('/api/v1/flows/company.team');
    assert.deepEqual(
      list.body.map((f) => [f.id, f.revision]),
      [
        ['hello', 2],
        ['slow', 1],
      ],
    );
    assert.deepEqual(
      (await api.json<Flow[]>('/api/v1/flows/company')).body.map((f) => f.id),
      ['other'],
    );
    assert.deepEqual((await api.json('/api/v1/flows/nobody.here')).body, []);

    const revisions = await api.json<Flow[]>('/api/v1/flows/company.team/hello/revisions');
    assert.deepEqual(
      revisions.body.map((r) => [r.revision, r.sha.slice(0, 2), /Hi \{\{/.test(r.source ?? '')]),
      [
        [1, '01', false],
        [2, '02', true],
      ],
    );
  });

  it('GET /{namespace}/{id}/graph gives the task graph of the deployed or of a given revision', async (t) => {
    const api = await openApi(t);
    const v1 = `id: g
namespace: company.team
tasks:
  - id: a
    type: io.kestra.plugin.core.log.Log
    message: x
errors:
  - id: alert
    type: io.kestra.plugin.core.log.Log
    message: x
`;
    const v2 = `${v1.replace(
      'errors:',
      `  - id: fan
    type: io.kestra.plugin.core.flow.Parallel
    tasks:
      - id: b
        type: io.kestra.plugin.core.log.Log
        message: x
errors:`,
    )}`;
    await api.deploy({ g: v1 });
    await api.deploy({ g: v2 });
    type Item = { kind: string; id: string; taskId?: string; role?: string; children?: Item[] };
    type Graph = { revision: number; children: Item[]; edges: unknown[]; lists: Item[] };
    const latest = await api.json<Graph>('/api/v1/flows/company.team/g/graph');
    assert.equal(latest.status, 200);
    assert.equal(latest.body.revision, 2);
    assert.deepEqual(
      latest.body.children.map((i) => [i.kind, i.taskId, i.role, i.children?.map((c) => c.taskId)]),
      [
        ['task', 'a', undefined, undefined],
        ['group', 'fan', 'flowable', ['b']],
      ],
    );
    assert.deepEqual(latest.body.edges, [{ from: 'n0', to: 'n1' }]);
    assert.deepEqual(
      latest.body.lists.map((l) => [l.role, l.children?.map((c) => c.taskId)]),
      [['errors', ['alert']]],
    );
    const first = await api.json<Graph>('/api/v1/flows/company.team/g/graph?revision=1');
    assert.deepEqual(
      first.body.children.map((i) => i.taskId),
      ['a'],
    );
    const missing = await api.json<{ message: string }>('/api/v1/flows/company.team/g/graph?revision=9');
    assert.equal(missing.status, 404);
    assert.match(
      missing.body.message,
      /has no revision 9; GET \/api\/v1\/flows\/company\.team\/g\/revisions/,
    );
    assert.equal((await api.json('/api/v1/flows/company.team/nope/graph')).status, 404);
    assert.equal((await api.json('/api/v1/flows/company.team/g/graph?revision=x')).status, 400);
  });

  it('answers 404 for unknown and removed flows, 400 for bad names', async (t) => {
    const api = await openApi(t);
    await api.deploy({ hello: HELLO });
    const marker = await api.flows.latestDeployment('acme/flows', 'main');
    await api.flows.apply({
      repository: 'acme/flows',
      branch: 'main',
      sha: 'deadbeef',
      expectedSha: marker?.sha,
      upserts: [],
      deletions: [{ namespace: 'company.team', flowId: 'hello' }],
    });
    const removed = await api.json<{ message: string }>('/api/v1/flows/company.team/hello');
    assert.equal(removed.status, 404);
    assert.match(removed.body.message, /was removed from acme\/flows at deadbee \(revision 2\)/);
    assert.equal((await api.json<Flow[]>('/api/v1/flows/company.team/hello/revisions')).body.length, 2);
    assert.deepEqual((await api.json('/api/v1/flows/company.team')).body, []);
    assert.equal((await api.json('/api/v1/flows/company.team/nope')).status, 404);
    assert.equal((await api.json('/api/v1/flows/company.team/nope/revisions')).status, 404);
    for (const [path, field] of [
      ['/api/v1/flows/Company.Team', 'namespace'],
      ['/api/v1/flows/company.team/a.b', 'id'],
      ['/api/v1/flows/company.team/hello?source=1', 'source'],
    ] as const) {
      const r = await api.json<{ field: string }>(path);
      assert.equal(r.status, 400, path);
      assert.equal(r.body.field, field, path);
    }
  });

  it('POST /validate checks each document of a multi-document text, lines counted in the whole text', async (t) => {
    const api = await openApi(t);
    const text = [
      '# two flows',
      HELLO.trimEnd(),
      '---',
      'id: bad',
      'namespace: company.team',
      'tasks:',
      '  - id: a',
      '    type: io.kestra.plugin.core.log.Log',
      '  - id: a',
      '    type: io.kestra.plugin.core.log.Log',
      '    message: twice',
      '---',
      '',
    ].join('\n');
    const r = await api.json<Validation[]>('/api/v1/flows/validate', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-yaml' },
      body: text,
    });
    assert.equal(r.status, 200);
    assert.equal(r.body.length, 2);
    const [good, bad] = r.body as [Validation, Validation];
    assert.deepEqual(
      [good.index, good.flow, good.namespace, good.constraints, good.issues],
      [0, 'hello', 'company.team', null, []],
    );
    assert.deepEqual([bad.index, bad.flow, bad.namespace], [1, 'bad', 'company.team']);
    assert.ok(bad.issues.length >= 2, JSON.stringify(bad.issues));
    const lines = text.split('\n');
    for (const issue of bad.issues) {
      // Every issue points into the second document, at the line as sent.
      assert.ok(issue.range.start.line > lines.indexOf('id: bad'), JSON.stringify(issue));
    }
    const duplicate = bad.issues.find((i) => /a/.test(i.message) && i.code.includes('duplicate'));
    assert.equal(duplicate?.range.start.line, lines.lastIndexOf('  - id: a') + 1);
    assert.match(bad.constraints ?? '', /^\d+:\d+: /m);

    const syntax = await api.json<Validation[]>('/api/v1/flows/validate', {
      method: 'POST',
      body: 'id: [unclosed',
    });
    assert.equal(syntax.body.length, 1);
    assert.notEqual(syntax.body[0]?.constraints, null);
    const empty = await api.json<{ field: string }>('/api/v1/flows/validate', {
      method: 'POST',
      body: '  \n',
    });
    assert.equal(empty.status, 400);
    assert.equal(empty.body.field, 'body');
  });

  it('refuses flow writes on a server (flows change through git) and changes nothing', async (t) => {
    const api = await openApi(t);
    await api.deploy({ hello: HELLO });
    const create = await api.json<{ error: string; message: string }>('/api/v1/flows', {
      method: 'POST',
      headers: { 'content-type': 'application/x-yaml' },
      body: HELLO.replace('Hello {{', 'Changed {{'),
    });
    assert.equal(create.status, 405);
    assert.equal(create.body.error, 'method_not_allowed');
    assert.match(create.body.message, /commit the flow file to the repository/);
    const update = await api.request('/api/v1/flows/company.team/hello', { method: 'PUT', body: HELLO });
    assert.equal(update.status, 405);
    const remove = await api.request('/api/v1/flows/company.team/hello', { method: 'DELETE' });
    assert.equal(remove.status, 405);
    const flow = await api.json<Flow>('/api/v1/flows/company.team/hello');
    assert.equal(flow.body.revision, 1);
  });
});
