import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StartRequest } from '../../../../app/src/execution/contract.ts';
import type { CheckRunFields, NewCheckRun } from '../../../../app/src/github/checks/check-runs.ts';
import { MemoryCheckRunLinks } from '../../../../app/src/github/memory/memory-check-run-links.ts';
import type { CheckRunWriter } from '../../../../app/src/github/reporter/check-run-writer.ts';
import { ExecutionCheckReporter } from '../../../../app/src/github/reporter/execution-reporter.ts';
import {
  checkStatusOf,
  conclusionOf,
  formatDuration,
} from '../../../../app/src/github/reporter/execution-view.ts';
import type { Flow } from '../../../../flows-schema/src/schema/flow.ts';
import { parseDuration } from '../../../../flows-schema/src/time.ts';
import { eventually } from '../../../support/eventually.ts';
import { FakeExecutionService, taskRun } from './fakes/fake-execution-service.ts';

type Call = { kind: 'create'; run: NewCheckRun } | { kind: 'update'; id: number; fields: CheckRunFields };

function recordingWriter(): CheckRunWriter & { calls: Call[] } {
  const calls: Call[] = [];
  return {
    calls,
    async create(_repository, run) {
      calls.push({ kind: 'create', run });
      return 100 + calls.length;
    },
    async update(_repository, id, fields) {
      calls.push({ kind: 'update', id, fields });
    },
  };
}

const flow = { id: 'hello', namespace: 'company.team', tasks: [] } as unknown as Flow;
const request: StartRequest = {
  flow,
  source: { repository: 'acme/flows', sha: 'abc1234def', path: 'flows/hello.yaml' },
};
const silent = { debug() {}, info() {}, warn() {}, error() {} };

function setup(intervalMs: number) {
  const executions = new FakeExecutionService();
  const writer = recordingWriter();
  const links = new MemoryCheckRunLinks();
  const reporter = new ExecutionCheckReporter({
    executions,
    writer,
    links,
    log: silent,
    intervalMs,
    detailsUrl: (e) => `https://osprey.example.com/ui/executions/${e.id}`,
  });
  reporter.start();
  return { executions, writer, links, reporter };
}

describe('execution check-run states', () => {
  it('maps execution states to check status and conclusion', () => {
    assert.deepEqual(
      (
        [
          'CREATED',
          'QUEUED',
          'RUNNING',
          'PAUSED',
          'SUCCESS',
          'WARNING',
          'FAILED',
          'KILLED',
          'CANCELLED',
        ] as const
      ).map((s) => [s, checkStatusOf(s), conclusionOf(s)]),
      [
        ['CREATED', 'queued', undefined],
        ['QUEUED', 'queued', undefined],
        ['RUNNING', 'in_progress', undefined],
        ['PAUSED', 'in_progress', undefined],
        ['SUCCESS', 'completed', 'success'],
        ['WARNING', 'completed', 'neutral'],
        ['FAILED', 'completed', 'failure'],
        ['KILLED', 'completed', 'cancelled'],
        ['CANCELLED', 'completed', 'cancelled'],
      ],
    );
  });

  it('reads and writes durations', () => {
    assert.equal(parseDuration('PT1M2.5S'), 62_500);
    assert.equal(parseDuration('P1DT1H'), 90_000_000);
    assert.equal(formatDuration(450), '450ms');
    assert.equal(formatDuration(62_500), '1m 3s');
    assert.equal(formatDuration(3_700_000), '1h 1m');
  });
});

describe('ExecutionCheckReporter', () => {
  it('of replicas hearing the same execution, one reports it: one check run, one final update', async () => {
    const executions = new FakeExecutionService();
    const writer = recordingWriter();
    const links = new MemoryCheckRunLinks();
    const replicas = ['a', 'b'].map(
      (id) =>
        new ExecutionCheckReporter({
          executions,
          writer,
          links,
          log: silent,
          intervalMs: 10,
          reporterId: id,
        }),
    );
    for (const r of replicas) r.start();
    const doc = await executions.start(request);
    executions.transition(doc.id, 'SUCCESS', { taskRuns: [taskRun(doc.id, 'say', 'SUCCESS', 1, 2)] });
    for (const r of replicas) await r.idle();
    assert.deepEqual(
      writer.calls.map((c) => c.kind),
      ['create', 'update'],
    );
    for (const r of replicas) await r.close();
  });

  it('the end of an execution whose reporter died is sent by another replica after its lease', async () => {
    const executions = new FakeExecutionService();
    const writer = recordingWriter();
    const links = new MemoryCheckRunLinks();
    const make = (id: string) =>
      new ExecutionCheckReporter({
        executions,
        writer,
        links,
        log: silent,
        intervalMs: 10,
        leaseMs: 50,
        reporterId: id,
      });
    const doomed = make('doomed');
    doomed.start();
    const doc = await executions.start(request);
    await doomed.idle();
    await doomed.close();
    const survivor = make('survivor');
    survivor.start();
    executions.transition(doc.id, 'FAILED', { taskRuns: [taskRun(doc.id, 'say', 'FAILED', 1, 2)] });
    await survivor.idle();
    assert.deepEqual(
      writer.calls.map((c) => c.kind),
      ['create'],
      'not while the first reporter may still send it',
    );
    // Once the doomed reporter's lease (50 ms) ends, the survivor's next look sends the end.
    await eventually(
      async () => {
        await survivor.idle();
        return writer.calls.length > 1;
      },
      5000,
      'the survivor reported the end',
    );
    const final = writer.calls.at(-1);
    assert.equal(final?.kind === 'update' ? final.fields.conclusion : undefined, 'failure');
    assert.equal(final?.kind === 'update' ? final.id : undefined, 101, 'the same check run');
    await survivor.close();
  });

  it('creates the check run at once, then batches updates, and always sends the final state', async () => {
    const { executions, writer, reporter } = setup(60_000);
    const doc = await executions.start(request);
    await reporter.idle();
    assert.equal(writer.calls.length, 1);
    const created = writer.calls[0];
    assert.equal(created?.kind, 'create');
    if (created?.kind !== 'create') return;
    assert.equal(created.run.name, 'osprey: company.team.hello');
    assert.equal(created.run.head_sha, 'abc1234def');
    assert.equal(created.run.status, 'queued');
    assert.equal(created.run.external_id, doc.id);
    assert.equal(created.run.details_url, `https://osprey.example.com/ui/executions/${doc.id}`);

    for (let i = 0; i < 5; i++)
      executions.transition(doc.id, 'RUNNING', { taskRuns: [taskRun(doc.id, `t${i}`, 'RUNNING')] });
    await reporter.idle();
    assert.equal(writer.calls.length, 1, 'running updates wait for the interval');

    executions.transition(doc.id, 'SUCCESS', {
      taskRuns: [taskRun(doc.id, 'say', 'SUCCESS', 1, 2)],
      outputs: { answer: 42 },
    });
    await reporter.idle();
    assert.equal(writer.calls.length, 2);
    const final = writer.calls[1];
    assert.equal(final?.kind, 'update');
    if (final?.kind !== 'update') return;
    assert.equal(final.id, 101);
    assert.equal(final.fields.status, 'completed');
    assert.equal(final.fields.conclusion, 'success');
    assert.deepEqual(final.fields.actions, [
      { label: 'Run again', description: 'Run this flow again at this commit', identifier: 'rerun' },
    ]);
    assert.match(final.fields.output?.title ?? '', /^SUCCESS in /);
    const summary = final.fields.output?.summary ?? '';
    assert.match(summary, /\| `say` \| SUCCESS \| 2\.0s \| 1 \|/);
    assert.match(summary, /### Outputs\n```json\n\{\n {2}"answer": 42\n\}\n```/);
    await reporter.close();
  });

  it('sends at most one update per interval while running', async () => {
    const { executions, writer, reporter } = setup(40);
    const doc = await executions.start(request);
    const started = Date.now();
    for (let i = 0; i < 20; i++) {
      executions.transition(doc.id, 'RUNNING', { taskRuns: [taskRun(doc.id, `t${i}`, 'RUNNING')] });
      await new Promise((r) => setTimeout(r, 5));
    }
    await new Promise((r) => setTimeout(r, 60));
    await reporter.idle();
    const elapsed = Date.now() - started;
    const updates = writer.calls.filter((c) => c.kind === 'update');
    assert.ok(updates.length >= 1, 'running states are reported');
    assert.ok(
      updates.length <= Math.ceil(elapsed / 40) + 1,
      `${updates.length} updates in ${elapsed} ms exceed one per 40 ms`,
    );
    const last = updates.at(-1);
    assert.match(
      last?.kind === 'update' ? (last.fields.output?.summary ?? '') : '',
      /`t19`/,
      'the latest state is the one sent',
    );
    await reporter.close();
  });

  it('reports error logs of a failed execution, and the same check run after a restart', async () => {
    const { executions, writer, links, reporter } = setup(0);
    const doc = await executions.start(request);
    executions.transition(doc.id, 'FAILED', {
      taskRuns: [taskRun(doc.id, 'say', 'FAILED', 3)],
      logs: [
        {
          executionId: doc.id,
          namespace: 'company.team',
          flowId: 'hello',
          taskId: 'say',
          level: 'INFO',
          message: 'fine',
          timestamp: 't0',
        },
        {
          executionId: doc.id,
          namespace: 'company.team',
          flowId: 'hello',
          taskId: 'say',
          level: 'ERROR',
          message: 'boom | pipe',
          timestamp: 't1',
        },
      ],
    });
    await reporter.idle();
    const failed = writer.calls.at(-1);
    assert.equal(failed?.kind === 'update' ? failed.fields.conclusion : undefined, 'failure');
    const summary = failed?.kind === 'update' ? (failed.fields.output?.summary ?? '') : '';
    assert.match(summary, /### Error logs\n```\nt1 \[say\] boom \| pipe\n```/);
    assert.doesNotMatch(summary, /fine/);
    assert.deepEqual(await links.get(doc.id), { repository: 'acme/flows', checkRunId: 101 });

    executions.transition(doc.id, 'RUNNING');
    await reporter.idle();
    const restarted = writer.calls.at(-1);
    assert.equal(restarted?.kind, 'update');
    assert.equal(restarted?.kind === 'update' ? restarted.id : 0, 101);
    assert.equal(restarted?.kind === 'update' ? restarted.fields.status : '', 'in_progress');
    await reporter.close();
  });

  it('ignores executions that do not come from a repository', async () => {
    const { executions, writer, reporter } = setup(0);
    await executions.start({ flow });
    await reporter.idle();
    assert.deepEqual(writer.calls, []);
    await reporter.close();
  });

  it('logs a failed update and keeps reporting later states', async () => {
    const executions = new FakeExecutionService();
    const errors: string[] = [];
    let fail = true;
    const writer: CheckRunWriter = {
      async create() {
        if (fail) throw new Error('creating check run: the app lacks checks: write permission');
        return 7;
      },
      async update() {},
    };
    const reporter = new ExecutionCheckReporter({
      executions,
      writer,
      links: new MemoryCheckRunLinks(),
      log: { ...silent, error: (_f, m) => errors.push(m ?? '') },
      intervalMs: 0,
    });
    reporter.start();
    const doc = await executions.start(request);
    await reporter.idle();
    assert.match(errors[0] ?? '', /could not report execution .* lacks checks: write permission/);
    fail = false;
    executions.transition(doc.id, 'SUCCESS');
    await reporter.idle();
    assert.equal(errors.length, 1);
    await reporter.close();
  });
});
