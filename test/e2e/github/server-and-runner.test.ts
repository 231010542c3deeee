/**
 * The GitHub App as a user deploys it: `osprey server` and `osprey runner` as real processes (on
 * PGlite, and on Postgres when it answers) against the in-process GitHub emulator, with clone URLs
 * pointing at local bare repositories holding the same commits. A push deploys a flow and its Git
 * trigger runs it on the remote runner, which reads the namespace file at the pushed SHA through
 * the clone URL the server handed it; the execution check run reports the outcome; a later push
 * sees the new file while the first execution keeps its output; a pull request with an invalid
 * flow fails validation with annotations; a forged delivery is refused and deploys nothing.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { type BackendName, postgresReachable } from '../server/support/processes.ts';
import { annotations, checkRuns, completedCheck, type SeenCheckRun } from './support/checks.ts';
import { expectStatus, waitFor } from './support/emulator.ts';
import { BROKEN_FLOW, GREET_FLOW, simpleFlow } from './support/flows.ts';
import { MirroredRepo } from './support/mirrored-repo.ts';
import { type OspreyWithGitHub, startOspreyWithGitHub } from './support/osprey-processes.ts';
import { pushPayload } from './support/payloads.ts';

const skipPostgres = await postgresReachable();

const DEPLOY = 'Osprey / deploy';
const VALIDATE = 'Osprey / validate';
const GREET = 'osprey: company.team.greet';
const FILE = 'namespaces/company.team/files/greeting.txt';

interface ExecutionJson {
  id: string;
  state: { current: string };
  outputs?: Record<string, unknown>;
  source?: { repository: string; sha: string; path?: string };
}

for (const backend of ['pglite', 'postgres'] as BackendName[]) {
  describe(`osprey server + osprey runner with the GitHub App [${backend}]`, {
    skip: backend === 'postgres' ? skipPostgres : undefined,
  }, () => {
    let o: OspreyWithGitHub;
    let repo: MirroredRepo;
    let root: string;
    let c1: string;
    let c2: string;
    let firstExecution: string;

    before(async () => {
      o = await startOspreyWithGitHub({ backend, repos: ['flows'] });
      ({ repo, sha: root } = await MirroredRepo.create(
        o.emulator.alice,
        'flows',
        { 'README.md': '# flows\n' },
        { bareDir: o.bareDir('acme', 'flows') },
      ));
    });
    after(async () => {
      await o?.close();
    });

    /** The completed check run `name` on `sha`; the processes' output in the failure message. */
    const completed = (sha: string, name: string, timeoutMs = 20_000) =>
      waitFor(
        `${name} completed on ${sha.slice(0, 7)}`,
        () => completedCheck(o.emulator.alice, repo.fullName, sha, name),
        timeoutMs,
        50,
      ).catch((e: Error) => {
        throw new Error(`${e.message}\n${o.output()}`);
      });
    const execution = async (id: string) =>
      (await expectStatus(o.api<ExecutionJson>('GET', `/api/v1/executions/${id}`), [200])).body;
    const explain = (check: SeenCheckRun) => `${check.output.title}\n${check.output.summary}\n${o.output()}`;

    it('a push deploys the flow; its Git trigger runs on the remote runner with the file at that SHA', async () => {
      c1 = await repo.commit(
        'main',
        root,
        { 'flows/greet.yaml': GREET_FLOW, [FILE]: 'hello from v1\n' },
        'greet v1',
      );
      const deploy = await completed(c1, DEPLOY);
      assert.equal(deploy.conclusion, 'success', explain(deploy));
      assert.equal(deploy.output.title, 'Flows: 1 added');
      assert.match(deploy.output.summary ?? '', /\| `company\.team\.greet` \| `flows\/greet\.yaml` \| 1 \|/);
      const flow = await expectStatus(
        o.api<{ revision: number; sha: string; repository: string }>(
          'GET',
          '/api/v1/flows/company.team/greet',
        ),
        [200],
      );
      assert.deepEqual([flow.body.revision, flow.body.sha, flow.body.repository], [1, c1, 'acme/flows']);

      const check = await completed(c1, GREET);
      assert.equal(check.conclusion, 'success', explain(check));
      assert.match(check.output.title ?? '', /^SUCCESS in /);
      const summary = check.output.summary ?? '';
      assert.match(summary, /## `company\.team\.greet`: SUCCESS/);
      assert.match(
        summary,
        new RegExp(
          `of \`flows/greet\\.yaml\` at \`${c1.slice(0, 7)}\`, started by \`on_push \\(io\\.osprey\\.trigger\\.Git\\)\``,
        ),
      );
      assert.match(summary, /\| `read` \| SUCCESS \| [\d.]+m?s \| 1 \|/);
      assert.match(summary, /"greeting": "hello from v1"/);

      firstExecution = check.external_id ?? '';
      const done = await execution(firstExecution);
      assert.equal(done.state.current, 'SUCCESS');
      assert.deepEqual(done.source, { repository: 'acme/flows', sha: c1, path: 'flows/greet.yaml' });
      assert.deepEqual(done.outputs, { greeting: 'hello from v1' });
      // The runner fetched exactly that commit from the bare repository the clone URL names (the
      // execution's repository, `acme/flows`, is no path it could clone by itself).
      assert.equal(await pinnedInMirror(o.runnerMirror(repo.bareDir), c1), true);
    });

    it('a second push runs with the new file; the first execution keeps its output', async () => {
      c2 = await repo.commit('main', c1, { [FILE]: 'hello from v2\n' }, 'greet v2');
      const check = await completed(c2, GREET);
      assert.equal(check.conclusion, 'success', explain(check));
      assert.match(check.output.summary ?? '', /"greeting": "hello from v2"/);
      const second = await execution(check.external_id ?? '');
      assert.notEqual(second.id, firstExecution);
      assert.deepEqual([second.source?.sha, second.outputs], [c2, { greeting: 'hello from v2' }]);
      const first = await execution(firstExecution);
      assert.deepEqual([first.source?.sha, first.outputs], [c1, { greeting: 'hello from v1' }]);
      assert.equal(await pinnedInMirror(o.runnerMirror(repo.bareDir), c2), true);
      const deploy = await completed(c2, DEPLOY);
      assert.equal(deploy.conclusion, 'success', explain(deploy));
    });

    it('a pull request with an invalid flow fails validation with annotations at its lines', async () => {
      const head = await repo.commit(
        'feature',
        c2,
        { 'flows/broken.yaml': BROKEN_FLOW },
        'a broken flow',
        false,
      );
      await repo.moveBranch('feature', head);
      await expectStatus(
        o.emulator.alice('POST', `/repos/${repo.fullName}/pulls`, {
          title: 'Broken',
          head: 'feature',
          base: 'main',
        }),
        [201],
      );
      const check = await completed(head, VALIDATE);
      assert.equal(check.conclusion, 'failure', explain(check));
      assert.equal(check.output.title, '3 errors in 1 flow file');
      const notes = await annotations(o.emulator.alice, repo.fullName, check.id);
      assert.deepEqual(notes.map((a) => [a.path, a.start_line, a.annotation_level]).sort(), [
        ['flows/broken.yaml', 4, 'failure'],
        ['flows/broken.yaml', 6, 'failure'],
        ['flows/broken.yaml', 8, 'failure'],
      ]);
      assert.match(notes.find((a) => a.start_line === 6)?.message ?? '', /unknown property 'mesage'/);
      // Nothing from a pull request is deployed; the push-only trigger did not run on it.
      assert.equal((await o.api('GET', '/api/v1/flows/company.team/broken')).status, 404);
      assert.deepEqual(
        (await checkRuns(o.emulator.alice, repo.fullName, head)).map((r) => r.name),
        [VALIDATE],
      );
    });

    it('refuses a forged delivery (401) and deploys nothing; the same delivery signed deploys', async () => {
      const side = await repo.commit('side', c2, { 'flows/extra.yaml': simpleFlow('extra') }, 'extra');
      const push = pushPayload(repo.fullName, 'main', c2, side);
      const forged = await o.emulator.deliver('push', push, {
        signature: `sha256=${'0'.repeat(64)}`,
      });
      assert.equal(forged.status, 401);
      const unsigned = await o.emulator.deliver('push', push, { signature: null });
      assert.equal(unsigned.status, 401);
      assert.equal((await o.api('GET', '/api/v1/flows/company.team/extra')).status, 404);
      assert.deepEqual(await checkRuns(o.emulator.alice, repo.fullName, side), []);

      // The control: signed with the secret, the same push deploys (so the probes above can see one).
      const signed = await o.emulator.deliver('push', push);
      assert.equal(signed.status, 202);
      const deploy = await completed(side, DEPLOY);
      assert.equal(deploy.conclusion, 'success', explain(deploy));
      const extra = await expectStatus(
        o.api<{ sha: string }>('GET', '/api/v1/flows/company.team/extra'),
        [200],
      );
      assert.equal(extra.body.sha, side);
      const greet = await completed(side, GREET);
      assert.equal(greet.conclusion, 'success', explain(greet));
    });
  });
}

/** Whether the runner's mirror pinned `sha` (it fetched that commit). Git runs asynchronously. */
function pinnedInMirror(mirror: string, sha: string): Promise<boolean> {
  return new Promise((resolve) => {
    execFile(
      'git',
      ['-C', mirror, 'rev-parse', '--verify', '--quiet', `refs/osprey/pinned/${sha}`],
      (error, stdout) => resolve(error === null && stdout.trim() === sha),
    );
  });
}
