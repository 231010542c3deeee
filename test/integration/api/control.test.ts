/** Kill, pause, resume, restart and replay: Kestra's paths, the states they need, 409 otherwise. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ExecutionDocument } from '../../../app/src/execution/contract.ts';
import { APPROVAL, BROKEN, HELLO, LONG, openApi } from './api-harness.ts';

type Refusal = { error: string; message: string; field?: string; problems?: Array<{ input: string }> };

const start = async (api: Awaited<ReturnType<typeof openApi>>, flowId: string, wait = false) =>
  (
    await api.json<ExecutionDocument>(
      `/api/v1/executions/company.team/${flowId}${wait ? '?wait=true' : ''}`,
      {
        method: 'POST',
      },
    )
  ).body;

describe('execution control', () => {
  it('DELETE /{id}/kill kills a running execution (202); killing it again is a 409', async (t) => {
    const api = await openApi(t);
    await api.deploy({ long: LONG });
    const started = await start(api, 'long');
    await api.until(started.id, 'RUNNING');
    const killed = await api.json<ExecutionDocument>(`/api/v1/executions/${started.id}/kill`, {
      method: 'DELETE',
    });
    assert.equal(killed.status, 202);
    assert.equal(killed.body.id, started.id);
    assert.equal((await api.waitFor(started.id)).state.current, 'KILLED');
    const again = await api.json<Refusal>(`/api/v1/executions/${started.id}/kill`, { method: 'DELETE' });
    assert.equal(again.status, 409);
    assert.match(again.body.message, /is already KILLED; only an unfinished execution can be killed/);
    const unknown = await api.json<Refusal>('/api/v1/executions/doesNotExist/kill', { method: 'DELETE' });
    assert.equal(unknown.status, 404);
  });

  it('pause then resume with onResume inputs; bad resume inputs are a 422 and leave it PAUSED', async (t) => {
    const api = await openApi(t);
    await api.deploy({ approval: APPROVAL, long: LONG });
    const gated = await start(api, 'approval');
    await api.until(gated.id, 'PAUSED');
    const bad = await api.json<Refusal>(`/api/v1/executions/${gated.id}/resume`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ approved: 'maybe' }),
    });
    assert.equal(bad.status, 422, JSON.stringify(bad.body));
    assert.deepEqual(
      bad.body.problems?.map((p) => p.input),
      ['approved'],
    );
    assert.equal((await api.executions.get(gated.id))?.state.current, 'PAUSED');
    const resumed = await api.json<ExecutionDocument>(`/api/v1/executions/${gated.id}/resume`, {
      method: 'POST',
      body: new URLSearchParams({ approved: 'true' }),
    });
    assert.equal(resumed.status, 200);
    const done = await api.waitFor(gated.id);
    assert.equal(done.state.current, 'SUCCESS');
    assert.ok((await api.executions.logs(gated.id)).some((l) => l.message === 'approved=true'));

    const long = await start(api, 'long');
    await api.until(long.id, 'RUNNING');
    const notPaused = await api.json<Refusal>(`/api/v1/executions/${long.id}/resume`, { method: 'POST' });
    assert.equal(notPaused.status, 409);
    assert.match(notPaused.body.message, /is RUNNING; only a PAUSED execution can be resumed/);
    const paused = await api.json<ExecutionDocument>(`/api/v1/executions/${long.id}/pause`, {
      method: 'POST',
    });
    assert.equal(paused.status, 200);
    assert.equal(paused.body.state.current, 'PAUSED');
    const twice = await api.json<Refusal>(`/api/v1/executions/${long.id}/pause`, { method: 'POST' });
    assert.equal(twice.status, 409);
    await api.request(`/api/v1/executions/${long.id}/kill`, { method: 'DELETE' });
  });

  it('restart re-runs a FAILED execution; restarting a successful one is a 409', async (t) => {
    const api = await openApi(t);
    await api.deploy({ broken: BROKEN, hello: HELLO });
    const failed = await start(api, 'broken', true);
    assert.equal(failed.state.current, 'FAILED');
    const restarted = await api.json<ExecutionDocument>(`/api/v1/executions/${failed.id}/restart`, {
      method: 'POST',
    });
    assert.equal(restarted.status, 200);
    assert.equal(restarted.body.id, failed.id);
    const after = await api.waitFor(failed.id);
    assert.equal(after.state.current, 'FAILED');
    assert.ok(
      after.state.histories.some((h) => h.state === 'RESTARTED'),
      `histories: ${after.state.histories.map((h) => h.state)}`,
    );
    assert.equal(after.taskRunList.find((r) => r.taskId === 'boom')?.attempts.length, 2);

    const ok = await start(api, 'hello', true);
    const refused = await api.json<Refusal>(`/api/v1/executions/${ok.id}/restart`, { method: 'POST' });
    assert.equal(refused.status, 409);
    assert.match(refused.body.message, /is SUCCESS; only a FAILED or KILLED execution can be restarted/);
  });

  it('replay starts a new execution from a task run; unknown task runs are a 404, unfinished ones a 409', async (t) => {
    const api = await openApi(t);
    await api.deploy({ hello: HELLO, long: LONG });
    const done = await start(api, 'hello', true);
    const quiet = done.taskRunList.find((r) => r.taskId === 'quiet')!;
    const replayed = await api.json<ExecutionDocument>(
      `/api/v1/executions/${done.id}/replay?taskRunId=${quiet.id}`,
      {
        method: 'POST',
      },
    );
    assert.equal(replayed.status, 200);
    assert.notEqual(replayed.body.id, done.id);
    assert.equal(replayed.body.originalId, done.id);
    assert.equal((await api.waitFor(replayed.body.id)).state.current, 'SUCCESS');

    const unknownRun = await api.json<Refusal>(`/api/v1/executions/${done.id}/replay?taskRunId=nope`, {
      method: 'POST',
    });
    assert.equal(unknownRun.status, 404);
    assert.match(unknownRun.body.message, /task run nope is not part of execution/);
    const badRun = await api.json<Refusal>(`/api/v1/executions/${done.id}/replay?taskRunId=a/b`, {
      method: 'POST',
    });
    assert.equal(badRun.status, 400);
    assert.equal(badRun.body.field, 'taskRunId');

    const running = await start(api, 'long');
    await api.until(running.id, 'RUNNING');
    const refused = await api.json<Refusal>(`/api/v1/executions/${running.id}/replay`, { method: 'POST' });
    assert.equal(refused.status, 409);
    assert.equal((await api.json<{ total: number }>('/api/v1/executions/search?flowId=long')).body.total, 1);
    await api.request(`/api/v1/executions/${running.id}/kill`, { method: 'DELETE' });
  });

  it('POST /{namespace}/pause starts a flow named pause when no execution has that id', async (t) => {
    const api = await openApi(t);
    await api.deploy({
      pause:
        'id: pause\nnamespace: company.team\ntasks:\n  - id: a\n    type: io.kestra.plugin.core.log.Log\n    message: paused flow ran\n',
    });
    const r = await api.json<ExecutionDocument>('/api/v1/executions/company.team/pause?wait=true', {
      method: 'POST',
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.flowId, 'pause');
    assert.equal(r.body.state.current, 'SUCCESS');
    // Without such a flow, the path names an execution, and `company.other` is not an execution id.
    const none = await api.json<Refusal>('/api/v1/executions/company.other/pause', { method: 'POST' });
    assert.equal(none.status, 400);
    assert.equal(none.body.field, 'executionId');
    const unknown = await api.json<Refusal>('/api/v1/executions/company/pause', { method: 'POST' });
    assert.equal(unknown.status, 404);
    assert.match(unknown.body.message, /execution company not found/);
  });
});
