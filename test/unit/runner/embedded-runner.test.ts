import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { LocalFolderStorage } from '../../../app/src/server/local-folder-storage.ts';
import { isoDuration } from '../../../flows-schema/src/time.ts';
import type { JobLog, TaskJob } from '../../../protocol/src/job.ts';
import { InternalError, type RunnableTask, TaskFailure } from '../../../protocol/src/task-contract.ts';
import { createEmbeddedRunner } from '../../../runner/src/embedded-runner.ts';
import { taskRegistry } from '../../../runner/src/tasks/registry.ts';
import { MemoryKv, tempDir } from './helpers.ts';

function job(type: string, properties: Record<string, unknown>, extra: Partial<TaskJob> = {}): TaskJob {
  return {
    jobId: 'job-1',
    type,
    properties,
    run: {
      executionId: 'ex1',
      namespace: 'company.team',
      flowId: 'demo',
      taskId: 't1',
      taskRunId: 'tr1',
      attempt: 1,
    },
    secrets: [],
    ...extra,
  };
}

describe('embedded runner', () => {
  let dir: string;
  let storage: LocalFolderStorage;
  before(async () => {
    dir = await tempDir();
    storage = new LocalFolderStorage(dir);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  const run = async (
    j: TaskJob,
    tasks?: ReadonlyMap<string, RunnableTask>,
    signal = new AbortController().signal,
  ) => {
    const logs: JobLog[] = [];
    const runner = createEmbeddedRunner({
      storage,
      kv: new MemoryKv(),
      ...(tasks === undefined ? {} : { tasks }),
    });
    const result = await runner.run(j, { onLog: (l) => logs.push(l), signal });
    return { result, logs };
  };
  const fake = (impl: RunnableTask['run']) => new Map([['test.Fake', { type: 'test.Fake', run: impl }]]);

  test('runs a plugin found by its type and streams its logs', async () => {
    const { result, logs } = await run(job('io.kestra.plugin.core.log.Log', { message: 'Hello World!' }));
    assert.deepEqual(result, { jobId: 'job-1', state: 'SUCCESS' });
    assert.equal(logs.length, 1);
    assert.equal(logs[0]?.level, 'INFO');
    assert.equal(logs[0]?.message, 'Hello World!');
    assert.ok(!Number.isNaN(Date.parse(logs[0]!.timestamp)));
  });

  test('resolves old type names', async () => {
    const { result } = await run(job('io.kestra.core.tasks.debugs.Return', { format: 'x' }));
    assert.deepEqual(result.outputs, { value: 'x' });
  });

  test('an unknown type fails, not retryable, naming the type', async () => {
    const { result, logs } = await run(job('com.example.Nope', {}));
    assert.equal(result.state, 'FAILED');
    assert.equal(result.retryable, false);
    assert.match(result.error!, /no runnable plugin for type 'com\.example\.Nope'/);
    assert.equal(logs[0]?.level, 'ERROR');
  });

  test('a TaskFailure becomes FAILED with its message and retryable flag, logged at ERROR', async () => {
    const { result, logs } = await run(
      job('io.kestra.plugin.core.execution.Fail', { errorMessage: 'Something went wrong' }),
    );
    assert.deepEqual(result, {
      jobId: 'job-1',
      state: 'FAILED',
      error: 'Something went wrong',
      retryable: true,
    });
    assert.deepEqual(
      logs.map((l) => [l.level, l.message]),
      [['ERROR', 'Something went wrong']],
    );
    const config = await run(
      job('test.Fake', {}),
      fake(async () => Promise.reject(new TaskFailure('bad config', { retryable: false }))),
    );
    assert.equal(config.result.retryable, false);
  });

  test('internal and foreign errors are mapped once', async () => {
    const internal = await run(
      job('test.Fake', {}),
      fake(async () => Promise.reject(new InternalError('invariant broken'))),
    );
    assert.equal(internal.result.retryable, false);
    assert.match(
      internal.result.error!,
      /internal error in Osprey while running task 't1' \(test\.Fake\): invariant broken; please report it/,
    );
    const foreign = await run(
      job('test.Fake', {}),
      fake(async () => Promise.reject(new Error('ECONNRESET'))),
    );
    assert.equal(foreign.result.retryable, true);
    assert.match(foreign.result.error!, /task 't1' \(test\.Fake\) failed: ECONNRESET/);
  });

  test('a timeout aborts the task and fails it with the duration', async () => {
    let sawAbort = false;
    const start = Date.now();
    const { result, logs } = await run(
      job('test.Fake', {}, { timeoutMs: 100 }),
      fake(
        (ctx) =>
          new Promise((_resolve, reject) =>
            ctx.signal.addEventListener('abort', () => {
              sawAbort = true;
              reject(ctx.signal.reason);
            }),
          ),
      ),
    );
    assert.ok(sawAbort);
    assert.ok(Date.now() - start < 1000);
    assert.equal(result.state, 'FAILED');
    assert.equal(result.error, 'Task timed out after PT0.1S');
    assert.equal(result.retryable, true);
    assert.equal(logs.at(-1)?.message, 'Task timed out after PT0.1S');
  });

  test('a plugin ignoring the signal still ends at the timeout, and its late logs are dropped', async () => {
    let log: ((m: string) => void) | undefined;
    const { result, logs } = await run(
      job('test.Fake', {}, { timeoutMs: 50 }),
      fake((ctx) => {
        log = (m) => ctx.logger.log('INFO', m);
        return new Promise(() => undefined);
      }),
    );
    assert.equal(result.error, 'Task timed out after PT0.05S');
    const count = logs.length;
    // The runner closed the job: a late log must not reach the hooks of a finished job.
    assert.ok(log !== undefined);
    log('too late');
    assert.equal(logs.length, count);
  });

  test('the real Sleep task is stopped by the timeout', async () => {
    const start = Date.now();
    const { result } = await run(
      job('io.kestra.plugin.core.flow.Sleep', { duration: 'PT10S' }, { timeoutMs: 100 }),
    );
    assert.equal(result.error, 'Task timed out after PT0.1S');
    assert.ok(Date.now() - start < 1000);
  });

  test('a kill aborts the task, not retryable', async () => {
    const kill = new AbortController();
    setTimeout(() => kill.abort(), 50);
    const { result } = await run(
      job('io.kestra.plugin.core.flow.Sleep', { duration: 'PT10S' }),
      undefined,
      kill.signal,
    );
    assert.deepEqual([result.state, result.error, result.retryable], ['FAILED', 'Task was killed', false]);
  });

  test('secrets are masked in logs, outputs, effects and errors', async () => {
    const secrets = ['s3cr3t', 'pa"ss'];
    const plugin = fake(async (ctx) => {
      ctx.logger.log('INFO', 'token=s3cr3t');
      ctx.logger.log('INFO', JSON.stringify({ password: 'pa"ss' }));
      return {
        state: 'SUCCESS',
        outputs: { body: 'got s3cr3t', list: ['s3cr3t'], nested: { s3cr3t: 'key too' }, n: 1 },
        effects: { labels: [{ key: 'k', value: 'v-s3cr3t' }] },
      };
    });
    const { result, logs } = await run(job('test.Fake', {}, { secrets }), plugin);
    assert.deepEqual(
      logs.map((l) => l.message),
      ['token=******', '{"password":"******"}'],
    );
    assert.deepEqual(result.outputs, {
      body: 'got ******',
      list: ['******'],
      nested: { '******': 'key too' },
      n: 1,
    });
    assert.deepEqual(result.effects, { labels: [{ key: 'k', value: 'v-******' }] });
    const failing = await run(
      job('test.Fake', {}, { secrets }),
      fake(async () => Promise.reject(new TaskFailure('auth failed for s3cr3t'))),
    );
    assert.equal(failing.result.error, 'auth failed for ******');
    assert.equal(failing.logs[0]?.message, 'auth failed for ******');
  });

  test("TemplatedTask renders through the runner's render service", async () => {
    const runner = createEmbeddedRunner({
      storage,
      kv: new MemoryKv(),
      render: async (j, template) => template.replace('{{ run }}', j.run.taskRunId),
    });
    const logs: JobLog[] = [];
    const result = await runner.run(
      job('io.kestra.plugin.core.templating.TemplatedTask', {
        spec: 'type: io.kestra.plugin.core.log.Log\nmessage: "run {{ run }}"',
      }),
      { onLog: (l) => logs.push(l), signal: new AbortController().signal },
    );
    assert.equal(result.state, 'SUCCESS');
    assert.equal(logs[0]?.message, 'run tr1');
    const without = await run(
      job('io.kestra.plugin.core.templating.TemplatedTask', { spec: 'x: 1' }),
      taskRegistry,
    );
    assert.match(without.result.error!, /built without a render service/);
  });

  test('isoDuration prints Kestra-style durations', () => {
    assert.equal(isoDuration(5000), 'PT5S');
    assert.equal(isoDuration(250), 'PT0.25S');
    assert.equal(isoDuration(90_000), 'PT1M30S');
    assert.equal(isoDuration(7_200_000), 'PT2H');
    assert.equal(isoDuration(0), 'PT0S');
  });
});
