/** Script tasks as a user sees them through the executor: outputs for later tasks, timeouts, failures. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { eventually } from '../../../support/eventually.ts';
import { seedService, transcript } from '../integrations/seed-service.ts';

test('a script’s vars and output files feed the next task; a timeout fails the task and leaves no process behind', async (t) => {
  const seeds = await seedService();
  t.after(seeds.cleanup);
  const run = await seeds.run(`
id: scripts
namespace: company.team
tasks:
  - id: produce
    type: io.kestra.plugin.scripts.python.Script
    outputFiles: [report.txt]
    script: |
      open("report.txt", "w").write("42 rows")
      print('::{"outputs": {"rows": 42}}::')
  - id: consume
    type: io.kestra.plugin.scripts.shell.Commands
    inputFiles:
      report.txt: "{{ outputs.produce.outputFiles['report.txt'] }}"
    commands:
      - echo "rows={{ outputs.produce.vars.rows }} report=$(cat report.txt)"
  - id: slow
    type: io.kestra.plugin.scripts.shell.Commands
    timeout: PT1S
    commands:
      - sleep 29.75 & wait
`);
  assert.equal(run.doc.state.current, 'FAILED', transcript(run));
  assert.ok(
    run.logs.some((l) => l.taskId === 'consume' && l.message === 'rows=42 report=42 rows'),
    transcript(run),
  );
  assert.ok(
    run.logs.some(
      (l) => l.taskId === 'slow' && l.level === 'ERROR' && l.message === 'Task timed out after PT1S',
    ),
    transcript(run),
  );
  // The runner kills the process group asynchronously after the abort: wait for it to be gone.
  const sleeping = async () => {
    const ps = await new Promise<string>((resolve) =>
      execFile('ps', ['-eo', 'args'], (_e, out) => resolve(out)),
    );
    return ps.split('\n').some((l) => l.trim() === 'sleep 29.75');
  };
  await eventually(async () => !(await sleeping()), 5000, "the timed-out task's process group killed");
});

test('a Docker task runner fails the task with what to change, without retries', async (t) => {
  const seeds = await seedService();
  t.after(seeds.cleanup);
  const run = await seeds.run(`
id: docker
namespace: company.team
tasks:
  - id: flaky
    type: io.kestra.plugin.scripts.shell.Commands
    allowFailure: true
    retry:
      type: constant
      interval: PT0.1S
      maxAttempts: 3
    commands:
      - exit 1
  - id: in_container
    type: io.kestra.plugin.scripts.python.Commands
    retry:
      type: constant
      interval: PT0.1S
      maxAttempts: 3
    taskRunner:
      type: io.kestra.plugin.scripts.runner.docker.Docker
    containerImage: python:3.12-slim
    commands:
      - python --version
`);
  assert.equal(run.doc.state.current, 'FAILED');
  const attempts = run.doc.taskRunList.filter((r) => r.taskId === 'in_container').flatMap((r) => r.attempts);
  assert.equal(attempts.length, 1, 'a configuration error is not retried');
  // whereas a failing command is retried per the policy
  const flaky = run.doc.taskRunList.filter((r) => r.taskId === 'flaky').flatMap((r) => r.attempts);
  assert.equal(flaky.length, 3, transcript(run));
  assert.ok(
    run.logs.some((l) =>
      l.message.endsWith(
        'taskRunner io.kestra.plugin.scripts.runner.docker.Docker needs a container engine, which this runner does not have; use io.kestra.plugin.core.runner.Process or run on a runner with Docker',
      ),
    ),
    transcript(run),
  );
});
