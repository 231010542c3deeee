/** Flow concurrency: QUEUE waits for a slot, CANCEL and FAIL refuse the extra execution. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { harness, parseFlow } from './harness.ts';

const limited = (behavior: string) =>
  parseFlow(`
id: limited
namespace: company.team
concurrency: { limit: 1, behavior: ${behavior} }
tasks:
  - { id: nap, type: io.kestra.plugin.core.flow.Sleep, duration: PT10S }
`);

test('QUEUE: the second execution waits in QUEUED and starts when the first ends', async () => {
  const h = harness();
  const flow = limited('QUEUE');
  const first = await h.service.start({ flow });
  const second = await h.service.start({ flow });
  assert.equal(first.state.current, 'RUNNING');
  assert.equal(second.state.current, 'QUEUED');
  await h.clock.advance(5000);
  assert.equal((await h.service.get(second.id))?.state.current, 'QUEUED');
  const a = await h.settle(first.id);
  const b = await h.settle(second.id);
  assert.equal(a.state.current, 'SUCCESS');
  assert.equal(b.state.current, 'SUCCESS');
  assert.deepEqual(
    b.state.histories.map((s) => s.state),
    ['CREATED', 'QUEUED', 'RUNNING', 'SUCCESS'],
  );
  assert.ok(Date.parse(b.state.histories[2]!.date) >= Date.parse(a.state.endDate!));
});

test('CANCEL: the extra execution is CANCELLED at once; FAIL: it is FAILED with the reason', async () => {
  const h = harness();
  const cancel = limited('CANCEL');
  await h.service.start({ flow: cancel });
  const cancelled = await h.service.start({ flow: cancel });
  assert.equal(cancelled.state.current, 'CANCELLED');
  assert.equal(cancelled.taskRunList.length, 0);
  const fail = limited('FAIL');
  await h.service.start({ flow: fail });
  const failed = await h.service.start({ flow: fail });
  assert.equal(failed.state.current, 'FAILED');
  assert.match((await h.messages(failed.id))[0] ?? '', /Concurrency limit of 1/);
});
