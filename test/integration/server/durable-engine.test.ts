/**
 * The durable execution service on both drivers, with a real runner over HTTP: what the local
 * executor does (outputs, retries on timers, pauses, subflows, concurrency queues, kills, the
 * app's own Resume task) works when every step is a transaction, and across two app replicas.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { loadServerConfig } from '../../../app/src/config/server.schema.ts';
import { createServer } from '../../../app/src/server/main.ts';
import { appendRevision } from '../../../app/src/storage/deployments.ts';
import { describeBackends, eventually } from '../helpers/backends.ts';
import { parseFlow, REGISTRATION_TOKEN, startTestServer, type TestServer } from './support/harness.ts';

/** Deploy a flow (a subflow the test's flow calls) as a revision, as a push to the default branch would. */
async function deploy(s: TestServer, namespace: string, flowId: string, source: string): Promise<void> {
  await s.server.services.db.transaction((tx) =>
    appendRevision(
      tx,
      {
        namespace,
        flowId,
        repository: 'acme/flows',
        branch: 'main',
        path: `flows/${flowId}.yaml`,
        sha: 'c0ffee',
        deleted: false,
        source,
      },
      new Date(),
    ),
  );
}

describeBackends('durable execution service', (backend) => {
  it('runs a flow: outputs flow from task to task, logs are stored, the flow outputs are rendered', async (t) => {
    const s = await startTestServer(backend, t);
    await s.runner();
    const ex = await s.start(
      `
id: chain
namespace: company.team
inputs:
  - { id: who, type: STRING, defaults: world }
tasks:
  - id: greet
    type: io.kestra.plugin.core.debug.Return
    format: "hello {{ inputs.who }}"
  - id: each
    type: io.kestra.plugin.core.flow.ForEach
    values: ["a", "b"]
    tasks:
      - id: shout
        type: io.kestra.plugin.core.log.Log
        message: "{{ outputs.greet.value }} {{ taskrun.value }}"
outputs:
  - { id: said, type: STRING, value: "{{ outputs.greet.value }}" }
`,
      { inputs: { who: 'osprey' } },
    );
    const done = await s.waitFor(ex.id);
    assert.equal(done.state.current, 'SUCCESS');
    assert.deepEqual(done.outputs, { said: 'hello osprey' });
    const messages = (await s.server.services.executions.logs(ex.id))
      .filter((l) => l.taskId === 'shout')
      .map((l) => l.message);
    assert.deepEqual(messages.sort(), ['hello osprey a', 'hello osprey b']);
  });

  it('retries a failing task on the engine queue timers, then fails it', async (t) => {
    const s = await startTestServer(backend, t);
    await s.runner();
    const began = Date.now();
    const ex = await s.start(`
id: flaky
namespace: company.team
tasks:
  - id: boom
    type: io.kestra.plugin.core.execution.Fail
    errorMessage: nope
    retry:
      type: constant
      interval: PT0.3S
      maxAttempt: 3
`);
    const done = await s.waitFor(ex.id);
    const took = Date.now() - began;
    assert.equal(done.state.current, 'FAILED');
    assert.equal(done.taskRunList[0]?.attempts.length, 3);
    assert.ok(took >= 600, `two back-offs of 0.3 s were waited (${took} ms)`);
    assert.ok(took < 4000, `the timers fired on time, not on a slow poll (${took} ms)`);
  });

  it('pauses for a delay and until resumed', async (t) => {
    const s = await startTestServer(backend, t);
    await s.runner();
    const delayed = await s.start(`
id: nap
namespace: company.team
tasks:
  - id: wait
    type: io.kestra.plugin.core.flow.Pause
    pauseDuration: PT0.4S
  - id: after
    type: io.kestra.plugin.core.log.Log
    message: awake
`);
    const manual = await s.start(`
id: approval
namespace: company.team
tasks:
  - id: wait
    type: io.kestra.plugin.core.flow.Pause
    onResume:
      - { id: ok, type: BOOLEAN }
  - id: after
    type: io.kestra.plugin.core.log.Log
    message: "ok={{ outputs.wait.onResume.ok }}"
`);
    assert.equal((await s.waitFor(delayed.id)).state.current, 'SUCCESS');
    const { executions } = s.server.services;
    assert.equal((await executions.get(manual.id))?.state.current, 'PAUSED');
    await executions.resume(manual.id, { ok: 'true' });
    assert.equal((await s.waitFor(manual.id)).state.current, 'SUCCESS');
    const logs = await executions.logs(manual.id);
    assert.ok(logs.some((l) => l.message === 'ok=true'));
  });

  it('resumes an execution from the Resume task, which the app runs itself', async (t) => {
    const s = await startTestServer(backend, t);
    await s.runner();
    const paused = await s.start(`
id: held
namespace: company.team
tasks:
  - id: wait
    type: io.kestra.plugin.core.flow.Pause
`);
    const { executions } = s.server.services;
    for (let i = 0; i < 50 && (await executions.get(paused.id))?.state.current !== 'PAUSED'; i++)
      await new Promise((r) => setTimeout(r, 20));
    const resumer = await s.start(
      `
id: resumer
namespace: company.team
inputs:
  - { id: target, type: STRING }
tasks:
  - id: go
    type: io.kestra.plugin.core.execution.Resume
    executionId: "{{ inputs.target }}"
`,
      { inputs: { target: paused.id } },
    );
    assert.equal((await s.waitFor(resumer.id)).state.current, 'SUCCESS');
    assert.equal((await s.waitFor(paused.id)).state.current, 'SUCCESS');
  });

  it('starts a deployed subflow and waits for it', async (t) => {
    const s = await startTestServer(backend, t);
    await s.runner();
    await deploy(
      s,
      'company.child',
      'child',
      `
id: child
namespace: company.child
inputs:
  - { id: n, type: INT }
tasks:
  - id: double
    type: io.kestra.plugin.core.debug.Return
    format: "{{ inputs.n * 2 }}"
outputs:
  - { id: doubled, type: STRING, value: "{{ outputs.double.value }}" }
`,
    );
    const ex = await s.start(`
id: parent
namespace: company.team
tasks:
  - id: call
    type: io.kestra.plugin.core.flow.Subflow
    namespace: company.child
    flowId: child
    inputs: { n: 21 }
  - id: after
    type: io.kestra.plugin.core.debug.Return
    format: "{{ outputs.call.outputs.doubled }}"
`);
    const done = await s.waitFor(ex.id);
    assert.equal(done.state.current, 'SUCCESS');
    assert.deepEqual(done.taskRunList.find((r) => r.taskId === 'after')?.outputs, { value: '42' });
    const childId = String(done.taskRunList.find((r) => r.taskId === 'call')?.outputs?.['executionId']);
    assert.equal((await s.server.services.executions.get(childId))?.parentId, ex.id);
  });

  it('restart of a parent whose subflow failed restarts that child in place (RETRY_FAILED), or starts a new one (NEW_EXECUTION)', async (t) => {
    const s = await startTestServer(backend, t);
    await s.runner();
    await deploy(
      s,
      'company.child',
      'flaky',
      `
id: flaky
namespace: company.child
tasks:
  - id: once
    type: io.kestra.plugin.core.log.Log
    message: "{{ taskrun.attemptsCount == 1 ? 'ok' : ko }}"
`,
    );
    const parent = (behaviour: string) => `
id: parent_${behaviour.toLowerCase()}
namespace: company.team
tasks:
  - id: call
    type: io.kestra.plugin.core.flow.Subflow
    namespace: company.child
    flowId: flaky
    restartBehavior: ${behaviour}
`;
    const { executions } = s.server.services;
    const childOf = (doc: { taskRunList: Array<{ taskId: string; outputs?: Record<string, unknown> }> }) =>
      String(doc.taskRunList.find((r) => r.taskId === 'call')?.outputs?.['executionId']);

    const first = await s.start(parent('RETRY_FAILED'));
    const failed = await s.waitFor(first.id);
    assert.equal(failed.state.current, 'FAILED');
    const child = childOf(failed);
    await executions.restart(first.id);
    await eventually(
      async () => (await executions.get(first.id))?.state.current === 'SUCCESS',
      15_000,
      'the restarted parent succeeds',
    );
    const done = (await executions.get(first.id))!;
    assert.equal(childOf(done), child, 'the same child execution');
    const restartedChild = (await executions.get(child))!;
    assert.equal(restartedChild.state.current, 'SUCCESS');
    assert.equal(restartedChild.metadata?.attemptNumber, 2, 'the child was restarted in place');

    const other = await s.start(parent('NEW_EXECUTION'));
    const otherFailed = await s.waitFor(other.id);
    await executions.restart(other.id);
    await eventually(
      async () => {
        const now = (await executions.get(other.id))!;
        return now.state.current === 'FAILED' && childOf(now) !== childOf(otherFailed);
      },
      15_000,
      'the restarted parent fails again, with a new child execution',
    );
  });

  it('ForEachItem: a subflow execution per batch of a stored file, their outputs merged into one file', async (t) => {
    const s = await startTestServer(backend, t);
    await s.runner();
    await deploy(
      s,
      'company.team',
      'per_batch',
      `
id: per_batch
namespace: company.team
inputs:
  - { id: rows, type: STRING }
tasks:
  - id: count
    type: io.kestra.plugin.core.debug.Return
    format: "{{ read(inputs.rows) | trim }}"
outputs:
  - { id: rows, type: STRING, value: "{{ outputs.count.value | replace({'\\n': '+'}) }}" }
`,
    );
    const ex = await s.start(`
id: batches
namespace: company.team
tasks:
  - id: extract
    type: io.kestra.plugin.core.storage.Write
    content: "a\\nb\\nc\\n"
  - id: each
    type: io.kestra.plugin.core.flow.ForEachItem
    items: "{{ outputs.extract.uri }}"
    batch: { rows: 2 }
    namespace: company.team
    flowId: per_batch
    inputs: { rows: "{{ taskrun.items }}" }
  - id: merged
    type: io.kestra.plugin.core.debug.Return
    format: "{{ read(outputs.each_merge.subflowOutputs) | trim }}"
`);
    const done = await s.waitFor(ex.id);
    assert.equal(done.state.current, 'SUCCESS');
    const each = done.taskRunList.find((r) => r.taskId === 'each');
    assert.deepEqual(each?.outputs?.['iterations'], { SUCCESS: 2 });
    assert.equal(each?.outputs?.['numberOfBatches'], 2);
    assert.deepEqual(done.taskRunList.find((r) => r.taskId === 'merged')?.outputs, {
      value: '{"rows":"a+b"}\n{"rows":"c"}',
    });
  });

  it('queues executions over a concurrency limit and starts them as slots free up', async (t) => {
    const s = await startTestServer(backend, t);
    await s.runner({ concurrency: 4 });
    const yaml = `
id: one_at_a_time
namespace: company.team
concurrency:
  limit: 1
tasks:
  - id: nap
    type: io.kestra.plugin.core.flow.Sleep
    duration: PT0.2S
`;
    const first = await s.start(yaml);
    const second = await s.start(yaml);
    assert.equal(second.state.current, 'QUEUED');
    const [a, b] = [await s.waitFor(first.id), await s.waitFor(second.id)];
    assert.equal(a.state.current, 'SUCCESS');
    assert.equal(b.state.current, 'SUCCESS');
    const running = b.state.histories.find((h) => h.state === 'RUNNING')?.date ?? '';
    assert.ok(running >= (a.state.endDate ?? ''), 'the second ran after the first ended');
  });

  it('kills a running execution: the runner stops its task', async (t) => {
    const s = await startTestServer(backend, t, { leaseTtlMs: 600 });
    await s.runner();
    const ex = await s.start(`
id: long
namespace: company.team
tasks:
  - id: nap
    type: io.kestra.plugin.core.flow.Sleep
    duration: PT30S
`);
    for (let i = 0; i < 100 && (await s.jobs(ex.id)).leased === 0; i++)
      await new Promise((r) => setTimeout(r, 20));
    const began = Date.now();
    await s.server.services.executions.kill(ex.id);
    const done = await s.waitFor(ex.id, 5000);
    assert.equal(done.state.current, 'KILLED');
    assert.ok(Date.now() - began < 3000, 'the kill reached the runner at its next heartbeat');
    assert.equal(
      (await s.jobs(ex.id)).done,
      1,
      `the runner reported the killed task: ${JSON.stringify(await s.jobs(ex.id))} ${JSON.stringify(done.taskRunList.map((r) => [r.taskId, r.state.current]))} ${JSON.stringify((await s.server.services.executions.logs(ex.id)).map((l) => l.message))}`,
    );
  });

  it('two app replicas on one database share the work and hear each other finish executions', async (t) => {
    const s = await startTestServer(backend, t);
    const replicaDb = await s.openReplica();
    const config = loadServerConfig({ OSPREY_RUNNER_TOKEN: REGISTRATION_TOKEN, OSPREY_DATA_DIR: s.dataDir });
    const replica = await createServer(config, {
      database: replicaDb,
      port: 0,
      host: '127.0.0.1',
      leaseTtlMs: 1500,
    });
    const replicaUrl = await replica.start();
    s.stopFirst(async () => {
      await replica.stop();
      await replicaDb.close();
    });
    // The only runner talks to the replica; executions start on the first server.
    await s.runner({ server: replicaUrl });
    const flow = parseFlow(`
id: shared
namespace: company.team
tasks:
  - id: a
    type: io.kestra.plugin.core.debug.Return
    format: "{{ execution.id }}"
`);
    const started = await Promise.all([1, 2, 3].map(() => s.server.services.executions.start({ flow })));
    for (const ex of started) {
      const done = await replica.services.executions.waitForTerminal(ex.id, AbortSignal.timeout(10_000));
      assert.equal(done.state.current, 'SUCCESS');
      assert.equal((await s.waitFor(ex.id)).state.current, 'SUCCESS');
    }
  });
});
