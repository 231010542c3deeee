/** Service-level behaviour: events to subscribers, working directories, CREATE_NEW_EXECUTION retries, documents. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ExecutionEvent } from '../../../../app/src/execution/contract.ts';
import { harness, parseFlow } from './harness.ts';

test('subscribers receive every state change and the log lines as they come', async () => {
  const h = harness();
  const events: ExecutionEvent[] = [];
  const stop = h.service.subscribe((e) => events.push(e));
  const doc = await h.run(`
id: watched
namespace: company.team
tasks:
  - { id: a, type: io.kestra.plugin.core.log.Log, message: one }
  - { id: b, type: io.kestra.plugin.core.log.Log, message: two }
`);
  stop();
  const states = [...new Set(events.map((e) => e.execution.state.current))];
  assert.deepEqual(states, ['RUNNING', 'SUCCESS']);
  assert.deepEqual(
    events.flatMap((e) => e.logs ?? []).map((l) => [l.taskId, l.message]),
    [
      ['a', 'one'],
      ['b', 'two'],
    ],
  );
  assert.equal(events.at(-1)?.execution.id, doc.id);
});

test('tasks of a WorkingDirectory go to the runner with one affinity and its rendered inputFiles; released at the end', async () => {
  const h = harness();
  const doc = await h.run(
    `
id: wd
namespace: company.team
inputs:
  - { id: word, type: STRING }
tasks:
  - id: dir
    type: io.kestra.plugin.core.flow.WorkingDirectory
    inputFiles:
      data/in.txt: "hello {{ inputs.word }}"
    tasks:
      - { id: read, type: io.kestra.plugin.core.log.Log, message: r }
      - { id: again, type: io.kestra.plugin.core.log.Log, message: a }
  - { id: after, type: io.kestra.plugin.core.log.Log, message: done }
`,
    { word: 'there' },
  );
  assert.equal(doc.state.current, 'SUCCESS');
  const first = (taskId: string) => h.runner.jobsOf(taskId)[0]!;
  const [read, again, after] = [first('read'), first('again'), first('after')];
  const dir = doc.taskRunList.find((r) => r.taskId === 'dir')!;
  assert.deepEqual(read.affinity, {
    key: dir.id,
    taskId: 'dir',
    inputFiles: { 'data/in.txt': 'hello there' },
  });
  assert.deepEqual(again.affinity, read.affinity);
  assert.equal(after.affinity, undefined);
  assert.deepEqual(h.runner.released, [dir.id]);
});

test('retry behavior CREATE_NEW_EXECUTION: RETRIED, then a new execution with the same inputs', async () => {
  let calls = 0;
  const h = harness({
    scripts: {
      flaky: async () => (++calls === 1 ? { state: 'FAILED', error: 'first time' } : { state: 'SUCCESS' }),
    },
  });
  const flow = parseFlow(`
id: cne
namespace: company.team
inputs:
  - { id: n, type: INT }
tasks:
  - id: flaky
    type: io.kestra.plugin.core.log.Log
    message: "{{ inputs.n }}"
    retry: { type: constant, interval: PT30S, maxAttempts: 2, behavior: CREATE_NEW_EXECUTION }
`);
  const ids = new Set<string>();
  h.service.subscribe((e) => ids.add(e.execution.id));
  const first = await h.service.start({ flow, inputs: { n: '5' } });
  const retried = await h.settle(first.id);
  assert.equal(retried.state.current, 'RETRIED');
  await h.clock.advance(30_000);
  ids.delete(first.id);
  assert.equal(ids.size, 1, 'one new execution');
  const second = (await h.service.get([...ids][0]!))!;
  const done = await h.settle(second.id);
  assert.equal(done.state.current, 'SUCCESS');
  assert.equal(done.originalId, first.id);
  assert.deepEqual(done.inputs, { n: 5 });
});

test('documents carry ISO dates, durations, attempts and parent task run ids', async () => {
  const h = harness();
  const doc = await h.run(`
id: doc
namespace: company.team
tasks:
  - id: seq
    type: io.kestra.plugin.core.flow.Sequential
    tasks:
      - { id: nap, type: io.kestra.plugin.core.flow.Sleep, duration: PT1.5S }
`);
  assert.equal(doc.state.duration, 'PT1.5S');
  assert.equal(doc.state.startDate, '2025-01-01T00:00:00.000Z');
  const nap = doc.taskRunList.find((t) => t.taskId === 'nap')!;
  assert.equal(nap.parentTaskRunId, doc.taskRunList[0]?.id);
  assert.equal(nap.attempts.length, 1);
  assert.equal(nap.executionId, doc.id);
  assert.deepEqual(doc.taskRunList[0]?.attempts, []);
});
