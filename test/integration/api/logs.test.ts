/** `/api/v1/logs/{executionId}`: Kestra's filters, and the follow stream that ends with the execution. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ExecutionDocument, LogEntry } from '../../../app/src/execution/contract.ts';
import { HELLO, openApi, SLOW } from './api-harness.ts';
import { readEvents } from './sse.ts';

describe('GET /api/v1/logs/{executionId}', () => {
  it('lists the log lines as LogEntry, filtered by minLevel, taskId and taskRunId', async (t) => {
    const api = await openApi(t);
    await api.deploy({ hello: HELLO });
    const done = (
      await api.json<ExecutionDocument>('/api/v1/executions/company.team/hello?wait=true', { method: 'POST' })
    ).body;
    const all = await api.json<LogEntry[]>(`/api/v1/logs/${done.id}`);
    assert.equal(all.status, 200);
    assert.deepEqual(
      all.body.map((l) => [l.taskId, l.level, l.message]),
      [
        ['greet', 'INFO', 'Hello world'],
        ['quiet', 'DEBUG', 'debug line'],
      ],
    );
    assert.equal(all.body[0]?.executionId, done.id);
    assert.equal(all.body[0]?.namespace, 'company.team');
    assert.equal(all.body[0]?.flowId, 'hello');
    const info = await api.json<LogEntry[]>(`/api/v1/logs/${done.id}?minLevel=info`);
    assert.deepEqual(
      info.body.map((l) => l.message),
      ['Hello world'],
    );
    const quiet = await api.json<LogEntry[]>(`/api/v1/logs/${done.id}?taskId=quiet`);
    assert.deepEqual(
      quiet.body.map((l) => l.message),
      ['debug line'],
    );
    const run = done.taskRunList.find((r) => r.taskId === 'greet')!;
    const byRun = await api.json<LogEntry[]>(`/api/v1/logs/${done.id}?taskRunId=${run.id}`);
    assert.deepEqual(
      byRun.body.map((l) => l.message),
      ['Hello world'],
    );
  });

  it('refuses bad filters with 400 and unknown executions with 404', async (t) => {
    const api = await openApi(t);
    for (const [path, status, field] of [
      ['/api/v1/logs/someExecution?minLevel=LOUD', 400, 'minLevel'],
      ['/api/v1/logs/someExecution?taskId=a.b', 400, 'taskId'],
      ['/api/v1/logs/some%20execution', 400, 'executionId'],
      ['/api/v1/logs/someExecution', 404, undefined],
      ['/api/v1/logs/someExecution/follow', 404, undefined],
      ['/api/v1/logs/someExecution/follow?minLevel=x', 400, 'minLevel'],
    ] as const) {
      const r = await api.json<{ field?: string }>(path);
      assert.equal(r.status, status, path);
      assert.equal(r.body.field, field, path);
    }
  });
});

describe('GET /api/v1/logs/{executionId}/follow', () => {
  it('streams lines as they are written, then an end event with the final state, then closes', async (t) => {
    const api = await openApi(t);
    await api.deploy({ slow: SLOW });
    const started = (
      await api.json<ExecutionDocument>('/api/v1/executions/company.team/slow', { method: 'POST' })
    ).body;
    const res = await api.request(`/api/v1/logs/${started.id}/follow`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
    let stateAtFirstLine: string | undefined;
    const events = await readEvents(res, 5000, async () => {
      stateAtFirstLine = (await api.executions.get(started.id))?.state.current;
    });
    assert.equal(stateAtFirstLine, 'RUNNING', 'the first line arrived while the execution ran');
    const lines = events.filter((e) => e.event === 'message').map((e) => JSON.parse(e.data) as LogEntry);
    const messages = lines.map((l) => l.message);
    assert.deepEqual(
      messages.filter((m) => m === 'first line' || m === 'last line'),
      ['first line', 'last line'],
    );
    assert.equal(new Set(messages).size, messages.length, `no line twice: ${messages}`);
    assert.deepEqual(
      messages,
      (await api.executions.logs(started.id)).map((l) => l.message),
      'the stream holds exactly the stored lines',
    );
    const end = events.at(-1);
    assert.equal(end?.event, 'end');
    assert.deepEqual(JSON.parse(end?.data ?? '{}'), { executionId: started.id, state: 'SUCCESS' });
  });

  it('for a finished execution sends the stored lines (filtered) and ends at once', async (t) => {
    const api = await openApi(t);
    await api.deploy({ hello: HELLO });
    const done = (
      await api.json<ExecutionDocument>('/api/v1/executions/company.team/hello?wait=true', { method: 'POST' })
    ).body;
    const events = await readEvents(await api.request(`/api/v1/logs/${done.id}/follow?minLevel=INFO`), 2000);
    assert.deepEqual(
      events.map((e) => (e.event === 'end' ? 'end' : (JSON.parse(e.data) as LogEntry).message)),
      ['Hello world', 'end'],
    );
  });
});
