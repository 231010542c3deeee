/** `/api/v1/executions`: start (JSON, form, multipart with files), read, search, wait, and refusals. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ExecutionDocument } from '../../../app/src/execution/contract.ts';
import { PostgresCheckRunLinks } from '../../../app/src/github/postgres/postgres-github-links.ts';
import { HELLO, openApi, SLOW, UPLOAD } from './api-harness.ts';

type Refusal = {
  error: string;
  message: string;
  field?: string;
  problems?: Array<{ input: string; message: string }>;
};

describe('POST /api/v1/executions/{namespace}/{flowId}', () => {
  it('starts the latest deployed revision with JSON inputs and labels, pinned to its commit', async (t) => {
    const api = await openApi(t);
    await api.deploy({ hello: HELLO });
    const { status, body } = await api.json<ExecutionDocument>(
      '/api/v1/executions/company.team/hello?labels=team:data&labels=env:prod',
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: 'Ada', count: 2 }),
      },
    );
    assert.equal(status, 200);
    assert.equal(body.namespace, 'company.team');
    assert.equal(body.flowId, 'hello');
    assert.equal(body.flowRevision, 1);
    assert.deepEqual(body.inputs, { name: 'Ada', count: 2 });
    assert.deepEqual(
      body.labels.filter((l) => l.key === 'team' || l.key === 'env'),
      [
        { key: 'team', value: 'data' },
        { key: 'env', value: 'prod' },
      ],
    );
    assert.equal(body.source?.repository, 'acme/flows');
    assert.equal(body.source?.path, 'flows/hello.yaml');
    assert.match(body.source?.sha ?? '', /^01/);
    const done = await api.waitFor(body.id);
    assert.equal(done.state.current, 'SUCCESS');
    assert.deepEqual(
      (await api.executions.logs(body.id)).map((l) => l.message),
      ['Hello Ada', 'debug line'],
    );
  });

  it('takes inputs as URL-encoded form fields, and ?wait=true answers with the finished execution', async (t) => {
    const api = await openApi(t);
    await api.deploy({ hello: HELLO });
    const { status, body } = await api.json<ExecutionDocument>(
      '/api/v1/executions/company.team/hello?wait=true',
      {
        method: 'POST',
        body: new URLSearchParams({ name: 'Grace', count: '3' }),
      },
    );
    assert.equal(status, 200);
    assert.equal(body.state.current, 'SUCCESS');
    assert.deepEqual(body.inputs, { name: 'Grace', count: 3 });
    assert.equal(body.taskRunList.length, 2);
  });

  it('stores a multipart file part of a FILE input in internal storage', async (t) => {
    const api = await openApi(t);
    await api.deploy({ upload: UPLOAD });
    const form = new FormData();
    form.append('data', new Blob(['a,b\n1,2\n']), 'data.csv');
    const { status, body } = await api.json<ExecutionDocument>(
      '/api/v1/executions/company.team/upload?wait=true',
      {
        method: 'POST',
        body: form,
      },
    );
    assert.equal(status, 200, JSON.stringify(body));
    const uri = body.inputs['data'] as string;
    assert.match(uri, /^kestra:\/\/\/company\/team\/upload\/executions\//);
    assert.equal(api.storage.files.get(uri)?.toString(), 'a,b\n1,2\n');
    assert.equal(body.state.current, 'SUCCESS');

    // The execution's files: downloaded whole, or previewed as text; nothing outside its folder.
    const file = await api.request(`/api/v1/executions/${body.id}/file?path=${encodeURIComponent(uri)}`);
    assert.equal(file.status, 200);
    assert.equal(
      file.headers.get('content-disposition'),
      `attachment; filename="${uri.split('/').at(-1)}"; filename*=UTF-8''${uri.split('/').at(-1)}`,
    );
    assert.equal(await file.text(), 'a,b\n1,2\n');
    const preview = await api.json<{ content: string; size: number; truncated: boolean }>(
      `/api/v1/executions/${body.id}/file/preview?path=${encodeURIComponent(uri)}&maxBytes=4`,
    );
    assert.deepEqual([preview.body.content, preview.body.size, preview.body.truncated], ['a,b\n', 8, true]);
    const other = uri.replace(body.id, 'someoneelse');
    const refused = await api.json<{ message: string }>(
      `/api/v1/executions/${body.id}/file?path=${encodeURIComponent(other)}`,
    );
    assert.equal(refused.status, 400);
    assert.match(refused.body.message, /is not a file of execution/);
    const dotted = `kestra:///company/team/upload/executions/${body.id}/../../x`;
    assert.equal(
      (await api.request(`/api/v1/executions/${body.id}/file?path=${encodeURIComponent(dotted)}`)).status,
      400,
    );
    const gone = `kestra:///company/team/upload/executions/${body.id}/nothing.csv`;
    assert.equal(
      (await api.request(`/api/v1/executions/${body.id}/file?path=${encodeURIComponent(gone)}`)).status,
      404,
    );
  });

  it('refuses bad inputs with 422 naming each input, and starts nothing', async (t) => {
    const api = await openApi(t);
    await api.deploy({ hello: HELLO, upload: UPLOAD });
    const r = await api.json<Refusal>('/api/v1/executions/company.team/hello', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ count: 0, colour: 'red' }),
    });
    assert.equal(r.status, 422);
    assert.equal(r.body.error, 'inputs_refused');
    assert.deepEqual(
      r.body.problems?.map((p) => p.input),
      ['colour'],
    );
    assert.match(r.body.problems?.[0]?.message ?? '', /has no input 'colour'; its inputs are name, count/);
    const typed = await api.json<Refusal>('/api/v1/executions/company.team/hello', {
      method: 'POST',
      body: new URLSearchParams({ count: '0' }),
    });
    assert.equal(typed.status, 422);
    assert.deepEqual(
      typed.body.problems?.map((p) => p.input),
      ['count'],
    );
    assert.match(typed.body.problems?.[0]?.message ?? '', /at least 1/);
    // A FILE input given as text would read a path on the server: refused.
    const path = await api.json<Refusal>('/api/v1/executions/company.team/upload', {
      method: 'POST',
      body: new URLSearchParams({ data: '/etc/passwd' }),
    });
    assert.equal(path.status, 422);
    assert.match(
      path.body.problems?.[0]?.message ?? '',
      /FILE input: upload the file as a multipart file part/,
    );
    const missing = await api.json<Refusal>('/api/v1/executions/company.team/upload', { method: 'POST' });
    assert.equal(missing.status, 422);
    assert.match(missing.body.problems?.[0]?.message ?? '', /is required/);
    const search = await api.json<{ total: number }>('/api/v1/executions/search');
    assert.equal(search.body.total, 0, 'no execution was created');
    assert.equal(api.storage.files.size, 0, 'no file was stored');
  });

  it('refuses bad paths, queries and bodies with 400 naming the field, unknown flows with 404', async (t) => {
    const api = await openApi(t);
    await api.deploy({ hello: HELLO });
    const cases: Array<[string, RequestInit, number, string | undefined, RegExp]> = [
      ['/api/v1/executions/Company/hello', {}, 400, 'namespace', /is not a namespace/],
      ['/api/v1/executions/company.team/hel%20lo', {}, 400, 'flowId', /is not a flow id/],
      ['/api/v1/executions/company.team/hello?wait=yes', {}, 400, 'wait', /true or false/],
      ['/api/v1/executions/company.team/hello?labels=nocolon', {}, 400, 'labels', /key:value/],
      [
        '/api/v1/executions/company.team/hello',
        { headers: { 'Content-Type': 'application/json' }, body: '{"name": ' },
        400,
        'body',
        /not valid JSON/,
      ],
      [
        '/api/v1/executions/company.team/hello',
        { headers: { 'Content-Type': 'application/json' }, body: '["Ada"]' },
        400,
        'body',
        /JSON object of inputs/,
      ],
      [
        '/api/v1/executions/company.team/hello',
        { headers: { 'Content-Type': 'text/csv' }, body: 'a,b' },
        415,
        undefined,
        /not accepted/,
      ],
      [
        '/api/v1/executions/company.team/nope',
        {},
        404,
        undefined,
        /flow company\.team\.nope is not deployed/,
      ],
    ];
    for (const [path, init, status, field, message] of cases) {
      const r = await api.json<Refusal>(path, { method: 'POST', ...init });
      assert.equal(r.status, status, `${path}: ${JSON.stringify(r.body)}`);
      assert.equal(r.body.field, field, path);
      assert.match(r.body.message, message, path);
    }
    assert.equal((await api.json<{ total: number }>('/api/v1/executions/search')).body.total, 0);
  });

  it('answers 404 for a flow removed from git, and 409 for a disabled flow', async (t) => {
    const api = await openApi(t);
    await api.deploy({
      hello: HELLO,
      off: 'id: off\nnamespace: company.team\ndisabled: true\ntasks:\n  - id: a\n    type: io.kestra.plugin.core.log.Log\n    message: x\n',
    });
    const marker = await api.flows.latestDeployment('acme/flows', 'main');
    await api.flows.apply({
      repository: 'acme/flows',
      branch: 'main',
      sha: 'ffff',
      expectedSha: marker?.sha,
      upserts: [],
      deletions: [{ namespace: 'company.team', flowId: 'hello' }],
    });
    const removed = await api.json<Refusal>('/api/v1/executions/company.team/hello', { method: 'POST' });
    assert.equal(removed.status, 404);
    assert.match(removed.body.message, /was removed from acme\/flows at ffff \(revision 2\)/);
    const disabled = await api.json<Refusal>('/api/v1/executions/company.team/off', { method: 'POST' });
    assert.equal(disabled.status, 409);
    assert.match(disabled.body.message, /is disabled/);
  });
});

describe('GET /api/v1/executions', () => {
  it('reads one execution and pages through a search, newest first', async (t) => {
    const api = await openApi(t);
    await api.deploy({ hello: HELLO, slow: SLOW });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const { body } = await api.json<ExecutionDocument>('/api/v1/executions/company.team/hello?wait=true', {
        method: 'POST',
      });
      ids.push(body.id);
      await new Promise((r) => setTimeout(r, 5));
    }
    const one = await api.json<ExecutionDocument>(`/api/v1/executions/${ids[0]}`);
    assert.equal(one.status, 200);
    assert.equal(one.body.id, ids[0]);
    assert.equal(one.body.state.current, 'SUCCESS');
    assert.equal(one.body.taskRunList[0]?.taskId, 'greet');

    const page = await api.json<{ results: ExecutionDocument[]; total: number }>(
      '/api/v1/executions/search?namespace=company.team&flowId=hello&state=SUCCESS&page=1&size=2',
    );
    assert.equal(page.status, 200);
    assert.equal(page.body.total, 3);
    assert.deepEqual(
      page.body.results.map((e) => e.id),
      [ids[2], ids[1]],
    );
    const second = await api.json<{ results: ExecutionDocument[] }>(
      '/api/v1/executions/search?flowId=hello&page=2&size=2',
    );
    assert.deepEqual(
      second.body.results.map((e) => e.id),
      [ids[0]],
    );
    const failed = await api.json<{ total: number }>('/api/v1/executions/search?state=failed');
    assert.equal(failed.body.total, 0);
  });

  it('GET /{id}/check-run links the GitHub check run that reports the execution', async (t) => {
    const api = await openApi(t);
    await api.deploy({ hello: HELLO });
    const started = await api.json<ExecutionDocument>('/api/v1/executions/company.team/hello?wait=true', {
      method: 'POST',
    });
    const none = await api.json<{ message: string }>(`/api/v1/executions/${started.body.id}/check-run`);
    assert.equal(none.status, 404);
    assert.match(none.body.message, /has no GitHub check run/);
    await new PostgresCheckRunLinks(api.db).set(started.body.id, {
      repository: 'acme/flows',
      checkRunId: 4242,
    });
    const link = await api.json(`/api/v1/executions/${started.body.id}/check-run`);
    assert.deepEqual(link.body, {
      repository: 'acme/flows',
      checkRunId: 4242,
      url: 'https://github.com/acme/flows/runs/4242',
    });
  });

  it('refuses bad ids and search parameters, and answers 404 for an unknown execution', async (t) => {
    const api = await openApi(t);
    for (const [path, status, field] of [
      ['/api/v1/executions/not%20an%20id', 400, 'executionId'],
      ['/api/v1/executions/unknownExecution1', 404, undefined],
      ['/api/v1/executions/search?state=DONE', 400, 'state'],
      ['/api/v1/executions/search?page=0', 400, 'page'],
      ['/api/v1/executions/search?size=5000', 400, 'size'],
      ['/api/v1/executions/search?namespace=Bad_NS', 400, 'namespace'],
    ] as const) {
      const r = await api.json<Refusal>(path);
      assert.equal(r.status, status, `${path}: ${JSON.stringify(r.body)}`);
      assert.equal(r.body.field, field, path);
    }
    const unknown = await api.json<Refusal>('/api/v1/executions/unknownExecution1');
    assert.match(unknown.body.message, /execution unknownExecution1 not found/);
  });
});
