/**
 * `/osprey run` in a pull-request comment and re-runs, end to end: a user with write access starts the
 * flow as it is at the PR head (not the deployed revision), reported as the check run
 * `osprey: <ns>.<flowId>` through queued → in_progress → completed; a reader gets a reply saying why
 * not; "Re-run" (check_run.rerequested) and the "Run again" button start it again at the same SHA.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FakeExecutionService, taskRun } from '../../unit/app/github/fakes/fake-execution-service.ts';
import { checkRuns, completedCheck } from './support/checks.ts';
import { helloFlow } from './support/flows.ts';
import { expectStatus, type Harness, INSTALLATION_ID, startHarness, waitFor } from './support/harness.ts';
import { MirroredRepo } from './support/mirrored-repo.ts';

const CHECK = 'osprey: company.team.hello';

describe('/osprey run and re-runs', () => {
  const executions = new FakeExecutionService();
  let h: Harness;
  let repo: MirroredRepo;
  let head: string;
  let pr: number;

  before(async () => {
    h = await startHarness({ executions, repos: ['flows'] });
    const created = await MirroredRepo.create(h.alice, 'flows', { 'README.md': '# flows\n' });
    repo = created.repo;
    const main = await repo.commit(
      'main',
      created.sha,
      { 'flows/company/team/hello.yaml': helloFlow('deployed version') },
      'hello',
    );
    await waitFor('deploy', () => completedCheck(h.alice, repo.fullName, main, 'Osprey / deploy'));
    head = await repo.commit(
      'feature',
      main,
      { 'flows/company/team/hello.yaml': helloFlow('pull request version') },
      'change hello',
      false,
    );
    await repo.moveBranch('feature', head);
    pr = (
      await expectStatus(
        h.alice('POST', `/repos/${repo.fullName}/pulls`, { title: 'Hello', head: 'feature', base: 'main' }),
        [201],
      )
    ).body.number;
    await waitFor('validate', () => completedCheck(h.alice, repo.fullName, head, 'Osprey / validate'));
  });
  after(() => h.close());

  const comments = async () =>
    (await expectStatus(h.alice('GET', `/repos/${repo.fullName}/issues/${pr}/comments`), [200]))
      .body as Array<{ body: string }>;
  const reply = (prefix: string) =>
    waitFor(
      `a reply to ${prefix}`,
      async () => (await comments()).find((c) => c.body.startsWith(prefix))?.body,
    );

  it('runs the flow at the PR head for a user with write access, and reports it as a check run', async () => {
    await expectStatus(
      h.bob('POST', `/repos/${repo.fullName}/issues/${pr}/comments`, {
        body: 'Let us try:\n/osprey run company.team.hello greeting=hi "note=two words"',
      }),
      [201],
    );
    const text = await reply('@bob');
    assert.match(
      text,
      new RegExp(
        `^@bob started \`company\\.team\\.hello\` at ${head.slice(0, 7)} \\(execution \`exec1\`\\)\\. Follow it in the check run \`${CHECK}\``,
      ),
    );
    const started = executions.started[0];
    assert.equal(started?.source?.sha, head);
    assert.equal(started?.source?.path, 'flows/company/team/hello.yaml');
    assert.deepEqual(started?.inputs, { greeting: 'hi', note: 'two words' });
    assert.equal(
      (started?.flow.tasks[0] as { message?: string } | undefined)?.message,
      'pull request version',
    );

    const queued = await waitFor('the execution check run', async () =>
      (await checkRuns(h.alice, repo.fullName, head)).find((r) => r.name === CHECK),
    );
    assert.equal(queued.status, 'queued');
    assert.equal(queued.external_id, 'exec1');

    executions.transition('exec1', 'RUNNING', { taskRuns: [taskRun('exec1', 'say', 'RUNNING')] });
    await waitFor('in_progress', async () =>
      (await checkRuns(h.alice, repo.fullName, head)).find((r) => r.name === CHECK)?.status === 'in_progress'
        ? true
        : undefined,
    );
    executions.transition('exec1', 'FAILED', {
      taskRuns: [taskRun('exec1', 'say', 'FAILED', 2, 3)],
      logs: [
        {
          executionId: 'exec1',
          namespace: 'company.team',
          flowId: 'hello',
          taskId: 'say',
          level: 'ERROR',
          message: 'the greeting went wrong',
          timestamp: '2024-01-01T00:00:03Z',
        },
      ],
    });
    const done = await waitFor('completed', () => completedCheck(h.alice, repo.fullName, head, CHECK));
    assert.equal(done.conclusion, 'failure');
    assert.match(done.output.title ?? '', /^FAILED in /);
    const summary = done.output.summary ?? '';
    assert.match(summary, /\| `say` \| FAILED \| 3\.0s \| 2 \|/);
    assert.match(summary, /### Error logs\n```\n2024-01-01T00:00:03Z \[say\] the greeting went wrong\n```/);
  });

  it('answers a user without write access with the reason, and starts nothing', async () => {
    await expectStatus(
      h.carol('POST', `/repos/${repo.fullName}/issues/${pr}/comments`, {
        body: '/osprey run company.team.hello',
      }),
      [201],
    );
    const text = await reply('@carol');
    assert.match(text, /^@carol `\/osprey run` needs write access to acme\/flows \(you have `pull`\)/);
    assert.equal(executions.started.length, 1);
  });

  it('explains a command naming no flow at the head', async () => {
    await expectStatus(
      h.bob('POST', `/repos/${repo.fullName}/issues/${pr}/comments`, {
        body: '/osprey run company.team.nope',
      }),
      [201],
    );
    const text = await waitFor(
      'a reply about the missing flow',
      async () => (await comments()).find((c) => c.body.includes('no flow `company.team.nope`'))?.body,
    );
    assert.match(
      text,
      new RegExp(`^@bob no flow \`company\\.team\\.nope\` at ${head.slice(0, 7)} \\(looked in \`flows/\`\\)`),
    );
  });

  it('re-runs an execution at the same SHA with the same inputs when the check run is re-requested', async () => {
    const original = await waitFor('completed', () => completedCheck(h.alice, repo.fullName, head, CHECK));
    await expectStatus(h.alice('POST', `/repos/${repo.fullName}/check-runs/${original.id}/rerequest`), [201]);
    await waitFor('a second execution', async () => (executions.started.length === 2 ? true : undefined));
    const again = executions.started[1];
    assert.equal(again?.source?.sha, head);
    assert.deepEqual(again?.inputs, { greeting: 'hi', note: 'two words' });
    const runs = await waitFor('a second check run', async () => {
      const all = (await checkRuns(h.alice, repo.fullName, head)).filter((r) => r.name === CHECK);
      return all.length === 2 ? all : undefined;
    });
    assert.equal(runs[1]?.external_id, 'exec2');
  });

  it('runs again on the "Run again" button (requested_action)', async () => {
    executions.transition('exec2', 'SUCCESS', {
      taskRuns: [taskRun('exec2', 'say', 'SUCCESS')],
      outputs: { greeting: 'hi' },
    });
    const completed = await waitFor('exec2 completed', async () => {
      const run = (await checkRuns(h.alice, repo.fullName, head)).find((r) => r.external_id === 'exec2');
      return run?.status === 'completed' ? run : undefined;
    });
    assert.equal(completed.conclusion, 'success');
    assert.match(completed.output.summary ?? '', /### Outputs\n```json\n\{\n {2}"greeting": "hi"\n\}\n```/);
    const response = await h.deliver('check_run', {
      action: 'requested_action',
      check_run: { id: completed.id, name: CHECK, head_sha: head, external_id: 'exec2' },
      requested_action: { identifier: 'rerun' },
      repository: { full_name: repo.fullName, default_branch: 'main' },
      installation: { id: INSTALLATION_ID },
      sender: { login: 'alice' },
    });
    assert.equal(response.status, 202);
    await h.app.idle();
    assert.equal(executions.started.length, 3);
    assert.equal(executions.started[2]?.source?.sha, head);
  });

  it('"Re-run all checks" (check_suite.rerequested) re-validates and re-runs the latest execution check', async () => {
    await h.app.idle();
    const before = await checkRuns(h.alice, repo.fullName, head);
    const validateRuns = before.filter((r) => r.name === 'Osprey / validate').length;
    const startedBefore = executions.started.length;
    const suiteId = (before[0] as { check_suite?: { id?: number } } | undefined)?.check_suite?.id ?? 1;
    const response = await h.deliver('check_suite', {
      action: 'rerequested',
      check_suite: { id: suiteId, head_sha: head, head_branch: 'feature' },
      repository: { full_name: repo.fullName, default_branch: 'main' },
      installation: { id: INSTALLATION_ID },
      sender: { login: 'alice' },
    });
    assert.equal(response.status, 202);
    await h.app.idle();
    // GitHub lists (and a suite shows) the latest run of each name: that one runs again.
    await waitFor('the latest execution check ran again', async () =>
      executions.started.length === startedBefore + 1 ? true : undefined,
    );
    assert.ok(executions.started.slice(startedBefore).every((e) => e.source?.sha === head));
    const after = await waitFor('a new validate check run', async () => {
      const all = await checkRuns(h.alice, repo.fullName, head);
      return all.filter((r) => r.name === 'Osprey / validate').length > validateRuns ? all : undefined;
    });
    assert.ok(after.length > before.length);
  });
});
