/**
 * `osprey server` and `osprey runner` as real processes, on Postgres and on PGlite: two runners run
 * flows whose script tasks read namespace files at the execution's pinned commit of a real git
 * repository; a runner killed mid-task is declared lost and its task retried or failed; a server
 * killed mid-execution continues every execution after its restart without running a task twice;
 * a runner stopped with SIGTERM finishes its task and exits 0.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { origin } from '../../unit/runner/workspace/git-repos.ts';
import { type BackendName, type Cluster, postgresReachable, startCluster } from './support/processes.ts';

const skipPostgres = await postgresReachable();

const NAP = (duration: string, retry = '') => `
id: nap
namespace: company.team
tasks:
  - id: nap
    type: io.kestra.plugin.core.flow.Sleep
    duration: ${duration}
${retry}`;

for (const backend of ['postgres', 'pglite'] as BackendName[]) {
  describe(`osprey server and runners [${backend}]`, {
    skip: backend === 'postgres' ? skipPostgres : undefined,
  }, () => {
    let cluster: Cluster;
    before(async () => {
      cluster = await startCluster(backend);
    });
    after(async () => {
      await cluster?.stop();
    });

    it('two runners run script tasks that read namespace files at the pinned commit', async (t) => {
      const repo = await origin();
      t.after(() => repo.cleanup());
      const v1 = await repo.commit({ 'namespaces/company.team/files/greeting.txt': 'hello from v1\n' });
      const v2 = await repo.commit({ 'namespaces/company.team/files/greeting.txt': 'hello from v2\n' });
      const a = await cluster.runner('alpha');
      const b = await cluster.runner('beta');
      const flow = `
id: greet
namespace: company.team
tasks:
  - id: show
    type: io.kestra.plugin.scripts.shell.Commands
    namespaceFiles:
      enabled: true
    commands:
      - cat greeting.txt
  - id: nap
    type: io.kestra.plugin.core.flow.Sleep
    duration: PT0.3S
`;
      const pinned = [v1, v2, v1, v2, v1, v2];
      const started = await Promise.all(
        pinned.map((sha) => cluster.startExecution(flow, { source: { repository: repo.url, sha } })),
      );
      // A later commit changes the file again: executions already pinned do not see it.
      await repo.commit({ 'namespaces/company.team/files/greeting.txt': 'hello from v3\n' });
      const runnersUsed = new Set<string>();
      for (const [i, ex] of started.entries()) {
        const done = await cluster.waitForState(ex.id, ['SUCCESS', 'FAILED', 'WARNING']);
        assert.equal(done.state.current, 'SUCCESS', JSON.stringify(await cluster.logs(ex.id)));
        const said = (await cluster.logs(ex.id)).filter((l) => l.taskId === 'show').map((l) => l.message);
        const expected = pinned[i] === v1 ? 'hello from v1' : 'hello from v2';
        assert.ok(said.includes(expected), `execution pinned to ${pinned[i]} logged ${JSON.stringify(said)}`);
        for (const j of (await cluster.jobs(ex.id)).jobs)
          if (j.runnerName !== null) runnersUsed.add(j.runnerName);
      }
      assert.deepEqual([...runnersUsed].sort(), ['alpha', 'beta'], 'both runners took jobs');
      await Promise.all([a.kill('SIGKILL'), b.kill('SIGKILL')]);
    });

    it('a runner killed mid-task is declared lost: the task is retried per its policy, or fails', async () => {
      const doomed = await cluster.runner('doomed');
      const retried = await cluster.startExecution(
        NAP('PT2S', '    retry:\n      type: constant\n      interval: PT0.1S\n      maxAttempt: 2\n'),
      );
      const failed = await cluster.startExecution(NAP('PT2S'));
      const leased = async (id: string) => (await cluster.jobs(id)).counts['leased'] === 1;
      for (let i = 0; i < 100 && !((await leased(retried.id)) && (await leased(failed.id))); i++)
        await new Promise((r) => setTimeout(r, 50));
      await doomed.kill('SIGKILL');
      const survivor = await cluster.runner('survivor');
      const ok = await cluster.waitForState(retried.id, ['SUCCESS', 'FAILED']);
      assert.equal(ok.state.current, 'SUCCESS');
      assert.equal(ok.taskRunList[0]?.attempts.length, 2);
      const bad = await cluster.waitForState(failed.id, ['SUCCESS', 'FAILED']);
      assert.equal(bad.state.current, 'FAILED');
      for (const id of [retried.id, failed.id]) {
        const lost = (await cluster.logs(id)).find((l) => l.level === 'ERROR');
        assert.match(
          lost?.message ?? '',
          /^runner doomed was lost while running task nap \(no heartbeat for PT[\d.]+S\)$/,
        );
        const { counts } = await cluster.jobs(id);
        assert.equal(counts['leased'], 0, 'nothing stays leased');
      }
      await survivor.kill('SIGKILL');
    });

    it('a server killed mid-execution continues it after a restart; no task runs twice', async () => {
      const runner = await cluster.runner('steady');
      const ex = await cluster.startExecution(`
id: crash
namespace: company.team
tasks:
  - id: before
    type: io.kestra.plugin.core.storage.Write
    content: "{{ execution.id }} before"
    extension: .txt
  - id: nap
    type: io.kestra.plugin.core.flow.Sleep
    duration: PT5S
  - id: after
    type: io.kestra.plugin.core.storage.Write
    content: "{{ execution.id }} after"
    extension: .txt
`);
      // Another execution waits on a timer (engine queue) while the server dies.
      const paused = await cluster.startExecution(`
id: pausing
namespace: company.team
tasks:
  - id: wait
    type: io.kestra.plugin.core.flow.Pause
    pauseDuration: PT1S
  - id: done
    type: io.kestra.plugin.core.log.Log
    message: resumed after the restart
`);
      for (let i = 0; i < 100; i++) {
        const { jobs } = await cluster.jobs(ex.id);
        if (jobs.some((j) => j.taskId === 'nap' && j.state === 'leased')) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      assert.equal((await cluster.execution(paused.id)).state.current, 'PAUSED');
      assert.equal(await cluster.server.kill('SIGKILL'), null, 'the server was killed');
      // Down for longer than a lease (1.5 s): the runner cannot heartbeat, and keeps working.
      await new Promise((r) => setTimeout(r, 3000));
      await cluster.restartServer();
      const done = await cluster.waitForState(ex.id, ['SUCCESS', 'FAILED', 'KILLED']);
      assert.equal(done.state.current, 'SUCCESS');
      assert.deepEqual(
        done.taskRunList.map((r) => [r.taskId, r.attempts.length]),
        [
          ['before', 1],
          ['nap', 1],
          ['after', 1],
        ],
      );
      assert.equal((await cluster.storedFiles(ex.id, 'company/team/crash', 'before')).length, 1);
      assert.equal((await cluster.storedFiles(ex.id, 'company/team/crash', 'after')).length, 1);
      const { counts } = await cluster.jobs(ex.id);
      assert.deepEqual([counts['done'], counts['lost'], counts['leased'], counts['queued']], [3, 0, 0, 0]);
      assert.equal((await cluster.waitForState(paused.id, ['SUCCESS', 'FAILED'])).state.current, 'SUCCESS');
      await runner.kill('SIGKILL');
    });

    it('a runner stopped with SIGTERM finishes its running task, takes no new one, and exits 0', async () => {
      const runner = await cluster.runner('polite');
      const ex = await cluster.startExecution(NAP('PT1S'));
      for (let i = 0; i < 100 && (await cluster.jobs(ex.id)).counts['leased'] !== 1; i++)
        await new Promise((r) => setTimeout(r, 50));
      assert.equal(await runner.kill('SIGTERM'), 0, runner.output());
      assert.equal(
        (await cluster.execution(ex.id)).state.current,
        'SUCCESS',
        'the task finished before the exit',
      );
      const later = await cluster.startExecution(NAP('PT0.1S'));
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(
        (await cluster.jobs(later.id)).counts['queued'],
        1,
        'the stopped runner took nothing more',
      );
      const next = await cluster.runner('next');
      assert.equal((await cluster.waitForState(later.id, ['SUCCESS'])).state.current, 'SUCCESS');
      await next.kill('SIGKILL');
    });

    it('a runner whose grace period runs out hands its task back: it fails, retryable, and the runner exits 0', async () => {
      const runner = await cluster.runner('hasty', ['--grace', '1']);
      const ex = await cluster.startExecution(NAP('PT30S'));
      for (let i = 0; i < 100 && (await cluster.jobs(ex.id)).counts['leased'] !== 1; i++)
        await new Promise((r) => setTimeout(r, 50));
      const began = Date.now();
      assert.equal(await runner.kill('SIGTERM'), 0, runner.output());
      assert.ok(Date.now() - began < 10_000, 'the runner did not wait for the 30 s task');
      const done = await cluster.waitForState(ex.id, ['FAILED', 'SUCCESS']);
      assert.equal(done.state.current, 'FAILED');
      const error = (await cluster.logs(ex.id)).find((l) => l.level === 'ERROR');
      assert.match(
        error?.message ?? '',
        /^runner hasty stopped before task nap finished \(runner hasty was stopped and its grace period of PT1S ran out\)$/,
      );
      assert.equal((await cluster.jobs(ex.id)).counts['released'], 1);
    });
  });
}
