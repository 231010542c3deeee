/**
 * `WorkingDirectory` on remote runners, on both drivers: its children run on the runner that ran the
 * first of them, in one folder with the WorkingDirectory's `inputFiles`; the folder is deleted when
 * it ends; when that runner is lost, the remaining children fail saying so.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { describeBackends, eventually } from '../helpers/backends.ts';
import { startTestServer, type TestServer } from './support/harness.ts';

const SHARED = `
id: shared
namespace: company.team
tasks:
  - id: dir
    type: io.kestra.plugin.core.flow.WorkingDirectory
    inputFiles:
      given.txt: "from inputFiles"
    tasks:
      - id: write
        type: io.kestra.plugin.scripts.shell.Commands
        commands:
          - sleep 0.5
          - echo written-by-write > made.txt
      - id: read
        type: io.kestra.plugin.scripts.shell.Commands
        commands:
          - test "$(cat made.txt)" = written-by-write
      - id: given
        type: io.kestra.plugin.scripts.shell.Commands
        commands:
          - test "$(cat given.txt)" = "from inputFiles"
`;

async function runnersOf(s: TestServer, executionId: string): Promise<Map<string, string>> {
  const { db } = s.server.services;
  const { rows } = await db.query<{ task_id: string; runner_name: string }>(
    `SELECT task_id, runner_name FROM "${db.schema}".task_jobs WHERE execution_id = $1 AND state = 'done'`,
    [executionId],
  );
  return new Map(rows.map((r) => [r.task_id, r.runner_name]));
}

async function leasedTo(s: TestServer, executionId: string, taskId: string): Promise<string | undefined> {
  const { db } = s.server.services;
  const { rows } = await db.query<{ runner_name: string }>(
    `SELECT runner_name FROM "${db.schema}".task_jobs WHERE execution_id = $1 AND task_id = $2 AND state = 'leased'`,
    [executionId, taskId],
  );
  return rows[0]?.runner_name;
}

describeBackends('WorkingDirectory on remote runners', (backend) => {
  it('runs every child on the runner of the first one, in one folder with the inputFiles', async (t) => {
    const s = await startTestServer(backend, t);
    const state = await mkdtemp(join(tmpdir(), 'osprey-wd-test-'));
    t.after(() => rm(state, { recursive: true, force: true }));
    // One slot: while the first runner is busy with `write`, the second one waits for work, so
    // without affinity it would very likely take `read` and find no made.txt.
    await s.runner({ name: 'first', concurrency: 1, stateDir: join(state, 'first') });
    const ex = await s.start(SHARED);
    await eventually(async () => (await leasedTo(s, ex.id, 'write')) === 'first', 5000, 'write leased');
    await s.runner({ name: 'second', concurrency: 2, stateDir: join(state, 'second') });

    const done = await s.waitFor(ex.id);
    assert.equal(
      done.state.current,
      'SUCCESS',
      JSON.stringify(done.taskRunList.map((r) => [r.taskId, r.state.current])),
    );
    const ran = await runnersOf(s, ex.id);
    assert.deepEqual(
      ['write', 'read', 'given'].map((id) => ran.get(id)),
      ['first', 'first', 'first'],
    );
    // The WorkingDirectory ended: the runner hears it at its next claim and deletes the folder.
    const folders = join(state, 'first', 'working-directories', 'first');
    await eventually(
      async () => !existsSync(folders) || (await readdir(folders)).length === 0,
      8000,
      'the folder deleted',
    );
  });

  it('fails the remaining children when the runner holding the folder is lost', async (t) => {
    const s = await startTestServer(backend, t);
    const flow = SHARED.replace(
      '- id: read\n        type: io.kestra.plugin.scripts.shell.Commands\n',
      '- id: read\n        type: io.kestra.plugin.scripts.shell.Commands\n        retry: { type: constant, interval: PT0.1S, maxAttempts: 3 }\n',
    );
    assert.notEqual(flow, SHARED);
    // `doomed` (a raw protocol client) takes `write`, reports it, takes `read`, then falls silent.
    const doomed = await s.register('doomed');
    const ex = await s.start(flow);
    const write = (await doomed.claim({ max: 1, waitMs: 3000 })).jobs[0];
    assert.equal(write?.job.run.taskId, 'write');
    await s.runner({ name: 'other', concurrency: 2 });
    await doomed.result(write, { state: 'SUCCESS' });
    const read = (await doomed.claim({ max: 1, waitMs: 3000 })).jobs[0];
    assert.equal(read?.job.run.taskId, 'read', 'the second child is claimable by the first runner');

    const done = await s.waitFor(ex.id, 20_000);
    assert.equal(done.state.current, 'FAILED');
    assert.equal(done.taskRunList.find((r) => r.taskId === 'read')?.state.current, 'FAILED');
    assert.equal(
      done.taskRunList.find((r) => r.taskId === 'given'),
      undefined,
      'the third child never started',
    );
    const logs = await s.server.services.executions.logs(ex.id);
    assert.ok(
      logs.some((l) =>
        l.message.includes(
          'the runner doomed holding working directory of task dir was lost; restart the execution',
        ),
      ),
      logs.map((l) => l.message).join('\n'),
    );
    const ran = await runnersOf(s, ex.id);
    assert.equal(ran.get('read'), undefined, 'read never ran on the other runner');
  });
});
