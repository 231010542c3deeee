/**
 * The runner protocol on both drivers, through HTTP against an in-process server: authentication,
 * validation (400 naming the field, nothing changed), leases (claim, heartbeat, expiry, kill),
 * idempotent results, worker groups, long-poll wake-ups, files.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { PROTOCOL_PREFIX } from '../../../protocol/src/runner-protocol.schema.ts';
import type { ProtocolError, RunnerClient } from '../../../runner/src/remote/runner-client.ts';
import { describeBackends, eventually } from '../helpers/backends.ts';
import { startTestServer } from './support/harness.ts';

const ONE_TASK = `
id: one
namespace: company.team
tasks:
  - id: hello
    type: io.kestra.plugin.core.log.Log
    message: hello
`;

const TWO_TASKS = `
id: two
namespace: company.team
tasks:
  - id: first
    type: io.kestra.plugin.core.debug.Return
    format: one
  - id: second
    type: io.kestra.plugin.core.debug.Return
    format: "{{ outputs.first.value }} two"
`;

/** One Log task with a second attempt. */
const RETRIED = `
id: retried
namespace: company.team
tasks:
  - id: sleepy
    type: io.kestra.plugin.core.log.Log
    message: hi
    retry:
      type: constant
      interval: PT0.1S
      maxAttempt: 2
`;

async function claimOne(client: RunnerClient, group?: string) {
  const res = await client.claim({
    max: 1,
    waitMs: 3000,
    ...(group === undefined ? {} : { workerGroup: group }),
  });
  const job = res.jobs[0];
  assert.ok(job !== undefined, 'a job was claimed');
  return job;
}

async function raw(url: string, method: string, path: string, body: unknown, credential?: string) {
  const res = await fetch(`${url}${PROTOCOL_PREFIX}${path}`, {
    method,
    headers: {
      'Content-Type': 'application/json',
      ...(credential === undefined ? {} : { Authorization: `Bearer ${credential}` }),
    },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  return {
    status: res.status,
    body: (await res.json().catch(() => ({}))) as { message?: string; error?: string },
  };
}

describeBackends('runner protocol', (backend) => {
  it('a restarted runner process ends what its dead predecessor held as lost: a new attempt, never the same one again', async (t) => {
    // Seen in the chaos run: a runner SIGKILLed while running a task came back with the same
    // credential, lost a claim's answer and handed back "never started" leases — including the job
    // its previous process had run, which then ran twice as the same attempt.
    const s = await startTestServer(backend, t);
    const ex = await s.start(RETRIED);
    const previous = await s.register('twice');
    const job = await claimOne(previous);
    assert.equal(job.job.run.attempt, 1);
    // The previous process dies here, holding the lease. The new one uses the same credential.
    await s.runner({ name: 'twice', credential: previous.credential as string });
    const done = await s.waitFor(ex.id);
    assert.equal(done.state.current, 'SUCCESS');
    const run = done.taskRunList.find((r) => r.taskId === 'sleepy');
    assert.equal(run?.attempts.length, 2, 'the lost run is attempt 1; attempt 2 ran on the new process');
    assert.equal(run?.attempts[0]?.state.current, 'FAILED');
    const logs = await s.server.services.executions.logs(ex.id);
    assert.ok(
      logs.some((l) => /runner twice restarted while running task sleepy/.test(l.message)),
      JSON.stringify(logs.map((l) => l.message)),
    );
    // Its old lease is settled: a late result of the previous process is refused.
    const late = await raw(
      s.url,
      'POST',
      `/jobs/${job.jobId}/result`,
      { leaseId: job.leaseId, result: { state: 'SUCCESS' } },
      previous.credential,
    );
    assert.equal(late.status, 409);
  });

  it('refuses requests without a valid runner credential with 401, changing nothing', async (t) => {
    const s = await startTestServer(backend, t);
    const ex = await s.start(ONE_TASK);
    const before = await s.snapshot();
    const routes: Array<[string, string, unknown]> = [
      ['POST', '/claim', { max: 1, waitMs: 0 }],
      ['POST', '/heartbeat', { leases: [] }],
      ['POST', '/leases/return', { keep: [] }],
      ['POST', '/jobs/x-1/logs', { leaseId: 'l', logs: [] }],
      ['POST', '/jobs/x-1/result', { leaseId: 'l', result: { state: 'SUCCESS' } }],
      ['POST', '/results', { results: [{ jobId: 'x-1', leaseId: 'l', result: { state: 'SUCCESS' } }] }],
      ['POST', '/jobs/x-1/hand-back', { leaseId: 'l', reason: 'r' }],
      ['POST', '/jobs/x-1/services', { leaseId: 'l', call: { op: 'render', template: 'x' } }],
      ['GET', '/jobs/x-1/files?leaseId=l&uri=kestra:///a/b', undefined],
      ['DELETE', '/jobs/x-1/files?leaseId=l&uri=kestra:///a/b', undefined],
    ];
    for (const [method, path, body] of routes) {
      for (const credential of [
        undefined,
        'osp_run_0000000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      ]) {
        const r = await raw(s.url, method, path, body, credential);
        assert.equal(r.status, 401, `${method} ${path} with ${credential ?? 'no credential'}`);
      }
    }
    const reg = await raw(s.url, 'POST', '/register', { name: 'r' }, 'wrong-registration-token');
    assert.equal(reg.status, 401);
    assert.equal(await s.snapshot(), before, 'nothing changed');
    assert.equal((await s.jobs(ex.id)).queued, 1, 'the job is still waiting for a runner');
  });

  it('refuses bad input to every endpoint with 400 naming the field, changing nothing', async (t) => {
    const s = await startTestServer(backend, t);
    const client = await s.register();
    const cred = client.credential as string;
    const ex = await s.start(ONE_TASK);
    const job = await claimOne(client);
    const before = await s.snapshot();
    const j = `/jobs/${job.jobId}`;
    const cases: Array<[string, string, unknown, RegExp]> = [
      ['POST', '/claim', { max: 0 }, /max/],
      ['POST', '/claim', { max: 1, workerGroup: 'no spaces' }, /workerGroup/],
      ['POST', '/claim', { max: 1, extra: true }, /extra|Unrecognized/],
      ['POST', '/claim', 'not json', /body/],
      ['POST', '/heartbeat', { leases: 'all' }, /leases/],
      ['POST', '/heartbeat', { leases: [{ jobId: job.jobId }] }, /leases\.0\.leaseId/],
      ['POST', '/leases/return', { keep: 'x' }, /keep/],
      ['POST', `${j}/logs`, { leaseId: job.leaseId, logs: [] }, /logs/],
      [
        'POST',
        `${j}/logs`,
        {
          leaseId: job.leaseId,
          logs: [{ level: 'LOUD', message: 'x', timestamp: new Date().toISOString() }],
        },
        /logs\.0\.level/,
      ],
      [
        'POST',
        `${j}/logs`,
        { leaseId: job.leaseId, logs: [{ level: 'INFO', message: 'x', timestamp: 'yesterday' }] },
        /logs\.0\.timestamp/,
      ],
      ['POST', `${j}/result`, { leaseId: job.leaseId, result: { state: 'DONE' } }, /result\.state/],
      [
        'POST',
        `${j}/result`,
        { leaseId: job.leaseId, result: { state: 'SUCCESS', outputs: 'x' } },
        /result\.outputs/,
      ],
      ['POST', `${j}/result`, { result: { state: 'SUCCESS' } }, /leaseId/],
      ['POST', '/results', { results: [] }, /results/],
      [
        'POST',
        '/results',
        { results: [{ jobId: job.jobId, leaseId: job.leaseId, result: { state: 'OK' } }] },
        /results\.0\.result\.state/,
      ],
      ['POST', `${j}/hand-back`, { leaseId: job.leaseId }, /reason/],
      ['POST', `${j}/services`, { leaseId: job.leaseId, call: { op: 'shell' } }, /call\.op/],
      [
        'POST',
        `${j}/services`,
        { leaseId: job.leaseId, call: { op: 'kv.get', namespace: '../x', key: 'k' } },
        /call\.namespace/,
      ],
      ['POST', '/jobs/bad id!/result', { leaseId: job.leaseId, result: { state: 'SUCCESS' } }, /jobId/],
      ['GET', `${j}/files?leaseId=${job.leaseId}&uri=file:///etc/passwd`, undefined, /uri/],
      ['GET', `${j}/files?leaseId=${job.leaseId}`, undefined, /uri/],
      ['GET', `${j}/files`, undefined, /leaseId/],
      ['PUT', `${j}/files?leaseId=${job.leaseId}`, undefined, /name/],
    ];
    for (const [method, path, body, field] of cases) {
      const r = await raw(s.url, method, path, body, cred);
      assert.equal(
        r.status,
        400,
        `${method} ${path} ${JSON.stringify(body)} answered ${r.status} ${r.body.message}`,
      );
      assert.equal(r.body.error, 'invalid_request');
      assert.match(r.body.message ?? '', field, `${method} ${path}: ${r.body.message}`);
    }
    assert.equal(await s.snapshot(), before, 'nothing changed');
    // The lease is intact: the real result is still accepted.
    assert.deepEqual(await client.result(job, { state: 'SUCCESS' }), { status: 'applied' });
    assert.equal((await s.waitFor(ex.id)).state.current, 'SUCCESS');
  });

  it('applies a result once: a repeated submission answers duplicate and changes nothing', async (t) => {
    const s = await startTestServer(backend, t);
    const client = await s.register();
    const ex = await s.start(TWO_TASKS);
    const first = await claimOne(client);
    assert.equal(first.job.run.taskId, 'first');
    await client.logs(first, [{ level: 'INFO', message: 'working', timestamp: new Date().toISOString() }]);
    const result = { state: 'SUCCESS' as const, outputs: { value: 'one' } };
    assert.deepEqual(await client.result(first, result), { status: 'applied' });
    const after = await s.snapshot();
    assert.deepEqual(await client.result(first, result), { status: 'duplicate' });
    assert.deepEqual(await client.result(first, { state: 'FAILED', error: 'late' }), { status: 'duplicate' });
    assert.equal(await s.snapshot(), after, 'the repeated submissions changed nothing');
    const second = await claimOne(client);
    assert.equal(second.job.run.taskId, 'second');
    assert.equal(second.job.properties['format'], 'one two', 'the next task saw the first output once');
    await client.result(second, { state: 'SUCCESS', outputs: { value: 'one two' } });
    const done = await s.waitFor(ex.id);
    assert.equal(done.state.current, 'SUCCESS');
    assert.deepEqual(
      done.taskRunList.map((r) => [r.taskId, r.attempts.length]),
      [
        ['first', 1],
        ['second', 1],
      ],
    );
    assert.deepEqual(await s.jobs(ex.id), {
      queued: 0,
      leased: 0,
      done: 2,
      lost: 0,
      cancelled: 0,
      released: 0,
    });
    const logs = await s.server.services.executions.logs(ex.id);
    assert.equal(logs.filter((l) => l.message === 'working').length, 1);
  });

  it('protocol 2: stores the log lines sent with a result and answers its claim with the next task, once', async (t) => {
    const s = await startTestServer(backend, t);
    const client = await s.register();
    const ex = await s.start(TWO_TASKS);
    const claimAnswer = await client.claim({ max: 1, waitMs: 3000 });
    assert.equal(claimAnswer.protocol, 3, 'the server tells its protocol version');
    const first = claimAnswer.jobs[0];
    assert.ok(first !== undefined);
    const line = { level: 'INFO' as const, message: 'working', timestamp: new Date().toISOString() };
    const result = { state: 'SUCCESS' as const, outputs: { value: 'one' } };
    const res = await client.results([{ ...first, result, logs: [line] }], { max: 1 });
    assert.deepEqual(res.results, [{ jobId: first.jobId, status: 'applied' }]);
    assert.equal(res.jobs?.length, 1, 'the next task came with the answer');
    const second = res.jobs?.[0];
    assert.equal(second?.job.run.taskId, 'second');
    assert.equal(second?.job.properties['format'], 'one two');
    // A retried request (its answer lost) changes nothing and leases nothing more.
    const after = await s.snapshot();
    const again = await client.results([{ ...first, result, logs: [line] }], { max: 1 });
    assert.deepEqual(again.results, [{ jobId: first.jobId, status: 'duplicate' }]);
    assert.deepEqual(again.jobs, []);
    assert.equal(await s.snapshot(), after, 'the repeat changed nothing');
    // The next task is leased to this runner: its result is taken under the lease from the answer.
    const end = await client.results(
      [{ ...second!, result: { state: 'SUCCESS', outputs: { value: 'x' } } }],
      {
        max: 1,
      },
    );
    assert.deepEqual(end.results, [{ jobId: second!.jobId, status: 'applied' }]);
    assert.deepEqual(end.jobs, []);
    assert.equal((await s.waitFor(ex.id)).state.current, 'SUCCESS');
    const logs = await s.server.services.executions.logs(ex.id);
    assert.equal(logs.filter((l) => l.message === 'working').length, 1, 'the line was stored once');
    assert.equal(logs.find((l) => l.message === 'working')?.taskId, 'first');
  });

  it('protocol 2: a refused field names itself, so a runner can fall back to protocol 1', async (t) => {
    const s = await startTestServer(backend, t);
    const client = await s.register();
    await s.start(ONE_TASK);
    const job = await claimOne(client);
    const r = await raw(
      s.url,
      'POST',
      '/results',
      { results: [{ jobId: job.jobId, leaseId: job.leaseId, result: { state: 'SUCCESS' }, logz: [] }] },
      client.credential,
    );
    assert.equal(r.status, 400);
    assert.match(r.body.message ?? '', /results\.0: Unrecognized key: "logz"/);
  });

  it('declares a runner lost when its lease expires, then retries the task per its policy', async (t) => {
    const s = await startTestServer(backend, t, { leaseTtlMs: 400 });
    const client = await s.register('silent');
    const ex = await s.start(RETRIED);
    const first = await claimOne(client);
    // No heartbeat: the lease runs out, the task gets a second attempt.
    const second = await claimOne(client);
    assert.equal(second.job.run.attempt, 2);
    assert.equal((await client.heartbeat([first, second])).lost[0], first.jobId, 'the first lease is lost');
    await assert.rejects(client.result(first, { state: 'SUCCESS' }), (e: ProtocolError) => e.status === 409);
    await client.result(second, { state: 'SUCCESS' });
    const done = await s.waitFor(ex.id);
    assert.equal(done.state.current, 'SUCCESS');
    assert.equal(done.taskRunList[0]?.attempts[0]?.state.current, 'FAILED');
    const errors = (await s.server.services.executions.logs(ex.id)).filter((l) => l.level === 'ERROR');
    assert.match(
      errors[0]?.message ?? '',
      /^runner silent was lost while running task sleepy \(no heartbeat for PT\d/,
    );
  });

  it('settles at once the leases of a runner known dead (osprey dev restarted), not after they run out', async (t) => {
    const s = await startTestServer(backend, t);
    const dead = await s.register('dev-embedded');
    const other = await s.register('elsewhere');
    const ex = await s.start(RETRIED);
    const kept = await s.start(ONE_TASK);
    const first = await claimOne(dead);
    const keptJob = await claimOne(other);
    assert.equal(
      await s.server.services.dispatcher.loseLeasesOf('dev-embedded', 'osprey dev was restarted'),
      1,
    );
    // The 30 s lease did not have to run out: the second attempt is there now, for any runner.
    const second = await claimOne(other);
    assert.equal(second.job.run.attempt, 2);
    assert.equal(second.job.run.executionId, first.job.run.executionId);
    await other.result(second, { state: 'SUCCESS' });
    const done = await s.waitFor(ex.id);
    assert.equal(done.state.current, 'SUCCESS');
    const errors = (await s.server.services.executions.logs(ex.id)).filter((l) => l.level === 'ERROR');
    assert.equal(
      errors[0]?.message,
      'runner dev-embedded was lost while running task sleepy (osprey dev was restarted)',
    );
    // Another runner's lease is untouched.
    assert.equal((await other.heartbeat([keptJob])).lost.length, 0);
    await other.result(keptJob, { state: 'SUCCESS' });
    assert.equal((await s.waitFor(kept.id)).state.current, 'SUCCESS');
  });

  it('fails the task with the runner-lost message when no retry is left; nothing stays RUNNING', async (t) => {
    const s = await startTestServer(backend, t, { leaseTtlMs: 400 });
    const client = await s.register('gone');
    const ex = await s.start(ONE_TASK);
    await claimOne(client);
    const done = await s.waitFor(ex.id);
    assert.equal(done.state.current, 'FAILED');
    assert.equal(done.taskRunList[0]?.state.current, 'FAILED');
    assert.deepEqual(await s.jobs(ex.id), {
      queued: 0,
      leased: 0,
      done: 0,
      lost: 1,
      cancelled: 0,
      released: 0,
    });
  });

  it('keeps a lease alive with heartbeats and tells the runner to stop a killed job', async (t) => {
    const s = await startTestServer(backend, t, { leaseTtlMs: 400 });
    const client = await s.register();
    const ex = await s.start(ONE_TASK);
    const job = await claimOne(client);
    for (let i = 0; i < 6; i++) {
      await new Promise((r) => setTimeout(r, 150));
      const hb = await client.heartbeat([job]);
      assert.deepEqual(hb.lost, [], 'the lease is held while heartbeats come');
      assert.equal(hb.leases[0]?.cancel, false);
    }
    await s.server.services.executions.kill(ex.id);
    const hb = await client.heartbeat([job]);
    assert.equal(hb.leases[0]?.cancel, true, 'the runner is told to stop the job');
    await client.result(job, { state: 'FAILED', error: 'Task was killed', retryable: false });
    assert.equal((await s.waitFor(ex.id)).state.current, 'KILLED');
  });

  it('kills a job no runner claimed yet without waiting for one', async (t) => {
    const s = await startTestServer(backend, t);
    const ex = await s.start(ONE_TASK);
    await s.server.services.executions.kill(ex.id);
    assert.equal((await s.waitFor(ex.id)).state.current, 'KILLED');
    assert.equal((await s.jobs(ex.id)).cancelled, 1);
    const client = await s.register();
    assert.deepEqual(
      (await client.claim({ max: 1, waitMs: 0 })).jobs,
      [],
      'the cancelled job is not handed out',
    );
  });

  it('routes tasks with workerGroup.key to runners of that group only', async (t) => {
    const s = await startTestServer(backend, t);
    const plain = await s.register('plain');
    const gpu = await s.register('gpu');
    const ex = await s.start(`
id: grouped
namespace: company.team
tasks:
  - id: train
    type: io.kestra.plugin.core.log.Log
    message: on a gpu
    workerGroup:
      key: gpu
`);
    assert.deepEqual((await plain.claim({ max: 5, waitMs: 300 })).jobs, []);
    const job = await claimOne(gpu, 'gpu');
    assert.equal(job.job.run.taskId, 'train');
    await gpu.result(job, { state: 'SUCCESS' });
    assert.equal((await s.waitFor(ex.id)).state.current, 'SUCCESS');
  });

  it('answers a waiting long-poll as soon as a job is dispatched, not at the end of the wait', async (t) => {
    const s = await startTestServer(backend, t, { claimWaitMs: 10_000 });
    const client = await s.register();
    const polling = client.claim({ max: 1, waitMs: 10_000 });
    await new Promise((r) => setTimeout(r, 300));
    const sent = performance.now();
    await s.start(ONE_TASK);
    const res = await polling;
    const waited = performance.now() - sent;
    assert.equal(res.jobs.length, 1);
    assert.ok(waited < 1000, `the long-poll answered ${waited.toFixed(0)} ms after the dispatch`);
  });

  it('gives back claimed jobs the runner never started, and fails a job it hands back', async (t) => {
    const s = await startTestServer(backend, t);
    const client = await s.register('stopping');
    const a = await s.start(ONE_TASK);
    const b = await s.start(ONE_TASK);
    const res = await client.claim({ max: 2, waitMs: 3000 });
    assert.equal(res.jobs.length, 2);
    const [started, never] = res.jobs as [(typeof res.jobs)[0], (typeof res.jobs)[0]];
    assert.deepEqual((await client.returnLeases([started.jobId])).returned, [never.jobId]);
    await client.handBack(started, 'grace period over');
    const other = await s.register('other');
    const again = await claimOne(other);
    assert.equal(again.jobId, never.jobId, 'the returned job is claimed again, same attempt');
    await other.result(again, { state: 'SUCCESS' });
    const ids = new Map([
      [started.job.run.executionId, 'FAILED'],
      [never.job.run.executionId, 'SUCCESS'],
    ]);
    for (const id of [a.id, b.id]) assert.equal((await s.waitFor(id)).state.current, ids.get(id));
    const failed = started.job.run.executionId;
    const errors = (await s.server.services.executions.logs(failed)).filter((l) => l.level === 'ERROR');
    assert.match(
      errors[0]?.message ?? '',
      /runner stopping stopped before task hello finished \(grace period over\)/,
    );
  });

  it('stores uploaded files in the job task run, reads them back, and enforces the limits', async (t) => {
    const s = await startTestServer(backend, t, { maxUploadBytes: 1000 });
    const client = await s.register();
    const ex = await s.start(ONE_TASK);
    const job = await claimOne(client);
    const uri = await client.upload(job, 'data.csv', Buffer.from('a,b\n1,2\n'), 8);
    assert.match(
      uri,
      new RegExp(`^kestra:///company/team/one/executions/${ex.id}/tasks/hello/${job.job.run.taskRunId}/`),
    );
    assert.equal(await client.size(job, uri), 8);
    const stream = await client.download(job, uri);
    const chunks: Buffer[] = [];
    for await (const c of stream ?? []) chunks.push(c as Buffer);
    assert.equal(Buffer.concat(chunks).toString(), 'a,b\n1,2\n');
    assert.equal(await client.size(job, `${uri}-missing`), undefined);
    await assert.rejects(
      client.upload(job, 'big.bin', Buffer.alloc(1001), 1001),
      (e: ProtocolError) => e.status === 413,
    );
    await assert.rejects(
      client.download(job, 'kestra:///other/namespace/f/executions/x/file.txt'),
      (e: ProtocolError) => e.status === 403,
    );
    assert.equal(await client.deleteFile(job, uri), true);
    assert.equal(await client.size(job, uri), undefined);
  });

  it('lets a real runner run flows end to end', async (t) => {
    const s = await startTestServer(backend, t);
    await s.runner();
    const ids = await Promise.all([s.start(TWO_TASKS), s.start(TWO_TASKS), s.start(ONE_TASK)]);
    for (const ex of ids) assert.equal((await s.waitFor(ex.id)).state.current, 'SUCCESS');
    const two = await s.waitFor(ids[0]!.id);
    assert.deepEqual(two.taskRunList[1]?.outputs, { value: 'one two' });
    await eventually(async () => (await s.jobs()).leased === 0, 2000, 'no lease left');
  });
});
