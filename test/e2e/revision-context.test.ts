/**
 * What a revision is deployed with besides its file — namespace pluginDefaults from `.osprey.yml`
 * and the templates (templates/**.yaml) its Template tasks include — through the GitHub loop with real processes (server,
 * runner, the pinned GitHub emulator) on PGlite and Postgres: a flow that leaves a required
 * property to its namespace deploys and runs with it; changing only `.osprey.yml` deploys a new
 * revision that runs with the new defaults; a pull request that removes them fails validation at
 * the flow's line. A Kestra Template task includes a template's tasks with its args; a change of
 * the template alone deploys a new revision; a missing template fails the pull request.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { annotations, completedCheck } from './github/support/checks.ts';
import { waitFor } from './github/support/emulator.ts';
import { MirroredRepo } from './github/support/mirrored-repo.ts';
import { type OspreyWithGitHub, startOspreyWithGitHub } from './github/support/osprey-processes.ts';
import { type BackendName, postgresReachable } from './server/support/processes.ts';

const skipPostgres = await postgresReachable();

const GREET = `id: greet
namespace: company.team.etl
tasks:
  - id: say
    type: io.kestra.plugin.core.log.Log
`;
const config = (message: string) => `pluginDefaults:
  company:
    - type: io.kestra.plugin.core.log
      values:
        level: WARN
  company.team:
    - type: io.kestra.plugin.core.log.Log
      values:
        message: "${message}"
`;

for (const backend of ['pglite', 'postgres'] as BackendName[]) {
  describe(`namespace pluginDefaults in .osprey.yml [${backend}]`, {
    skip: backend === 'postgres' ? skipPostgres : undefined,
  }, () => {
    let o: OspreyWithGitHub;
    let repo: MirroredRepo;
    let first: string;

    const deployed = async (sha: string) => {
      const check = await waitFor(
        `Osprey / deploy of ${sha.slice(0, 7)}`,
        () => completedCheck(o.emulator.alice, repo.fullName, sha, 'Osprey / deploy'),
        30_000,
        50,
      );
      assert.equal(check.conclusion, 'success', `${check.output.summary}\n${o.output()}`);
      return check;
    };
    const run = async () => {
      const started = await o.api<{ id: string; flowRevision: number; state: { current: string } }>(
        'POST',
        '/api/v1/executions/company.team.etl/greet?wait=true',
      );
      assert.equal(started.status, 200, JSON.stringify(started.body));
      assert.equal(started.body.state.current, 'SUCCESS', o.output());
      const logs = await o.api<Array<{ taskId?: string; level: string; message: string }>>(
        'GET',
        `/api/v1/logs/${started.body.id}`,
      );
      return { revision: started.body.flowRevision, say: logs.body.filter((l) => l.taskId === 'say') };
    };

    before(async () => {
      o = await startOspreyWithGitHub({ backend, repos: ['flows'] });
      const created = await MirroredRepo.create(
        o.emulator.alice,
        'flows',
        { 'README.md': '# flows\n' },
        { bareDir: o.bareDir('acme', 'flows') },
      );
      repo = created.repo;
      first = await repo.commit(
        'main',
        created.sha,
        { '.osprey.yml': config('hello from the namespace'), 'flows/greet.yaml': GREET },
        'greet, with its message from the namespace',
      );
      await deployed(first);
    });
    after(() => o?.close());

    it('deploys a flow whose required message comes from its namespace, and runs it with the defaults', async () => {
      const { revision, say } = await run();
      assert.equal(revision, 1);
      assert.deepEqual(
        say.map((l) => [l.level, l.message]),
        [['WARN', 'hello from the namespace']],
        'message from company.team, level from company (the parent)',
      );
    });

    it('a change of .osprey.yml alone deploys a new revision that runs with the new defaults', async () => {
      const second = await repo.commit(
        'main',
        first,
        { '.osprey.yml': config('changed in .osprey.yml') },
        'new greeting',
      );
      const check = await deployed(second);
      assert.match(check.output.summary ?? '', /company\.team\.etl\.greet/);
      const { revision, say } = await run();
      assert.equal(revision, 2, 'the same file, new defaults: a new revision');
      assert.deepEqual(
        say.map((l) => l.message),
        ['changed in .osprey.yml'],
      );
      first = second;
    });

    it('a Template task runs the template of templates/ with its args; a template change alone redeploys', async () => {
      const template = (word: string) => `id: greeting
namespace: company.team
tasks:
  - id: hello
    type: io.kestra.plugin.core.debug.Return
    format: "${word} {{ parent.outputs.args.who }}"
  - id: shout
    type: io.kestra.plugin.core.log.Log
    message: "{{ outputs.hello.value }}"
`;
      const flow = `id: templated
namespace: company.team
inputs:
  - id: who
    type: STRING
    defaults: world
tasks:
  - id: include
    type: io.kestra.core.tasks.flows.Template
    namespace: company.team
    templateId: greeting
    args:
      who: "{{ inputs.who }}"
`;
      const withTemplate = await repo.commit(
        'main',
        first,
        { 'templates/greeting.yaml': template('hello'), 'flows/templated.yaml': flow },
        'a flow with a template',
      );
      await deployed(withTemplate);
      const start = async () => {
        const started = await o.api<{ id: string; flowRevision: number; state: { current: string } }>(
          'POST',
          '/api/v1/executions/company.team/templated?wait=true',
        );
        assert.equal(started.body.state.current, 'SUCCESS', `${JSON.stringify(started.body)}\n${o.output()}`);
        const logs = await o.api<Array<{ taskId?: string; message: string }>>(
          'GET',
          `/api/v1/logs/${started.body.id}`,
        );
        return {
          revision: started.body.flowRevision,
          shout: logs.body.filter((l) => l.taskId === 'shout').map((l) => l.message),
        };
      };
      assert.deepEqual(await start(), { revision: 1, shout: ['hello world'] });
      const changed = await repo.commit(
        'main',
        withTemplate,
        { 'templates/greeting.yaml': template('goodbye') },
        'new words',
      );
      await deployed(changed);
      assert.deepEqual(
        await start(),
        { revision: 2, shout: ['goodbye world'] },
        'the template alone changed: revision 2',
      );
      first = changed;
    });

    it('a pull request including a template that does not exist fails at the templateId', async () => {
      const head = await repo.commit(
        'missing-template',
        first,
        {
          'flows/lost.yaml': `id: lost
namespace: company.team
tasks:
  - id: include
    type: io.kestra.plugin.core.flow.Template
    namespace: company.team
    templateId: nowhere
`,
        },
        'lost',
        false,
      );
      await repo.moveBranch('missing-template', head);
      const pr = await o.emulator.alice('POST', `/repos/${repo.fullName}/pulls`, {
        title: 'Lost',
        head: 'missing-template',
        base: 'main',
      });
      assert.equal(pr.status, 201, JSON.stringify(pr.body));
      const check = await waitFor(
        'validate check on the PR head',
        () => completedCheck(o.emulator.alice, repo.fullName, head, 'Osprey / validate'),
        30_000,
        50,
      );
      assert.equal(check.conclusion, 'failure', check.output.summary ?? '');
      const found = await annotations(o.emulator.alice, repo.fullName, check.id);
      assert.ok(
        found.some(
          (a) =>
            a.path === 'flows/lost.yaml' &&
            a.start_line === 7 &&
            /no template nowhere in namespace company\.team/.test(a.message),
        ),
        JSON.stringify(found),
      );
    });

    it('a pull request removing the defaults fails validation at the flow', async () => {
      const head = await repo.commit(
        'no-defaults',
        first,
        { '.osprey.yml': 'pluginDefaults: {}\n' },
        'drop',
        false,
      );
      await repo.moveBranch('no-defaults', head);
      const pr = await o.emulator.alice('POST', `/repos/${repo.fullName}/pulls`, {
        title: 'Drop the defaults',
        head: 'no-defaults',
        base: 'main',
      });
      assert.equal(pr.status, 201, JSON.stringify(pr.body));
      const check = await waitFor(
        'validate check on the PR head',
        () => completedCheck(o.emulator.alice, repo.fullName, head, 'Osprey / validate'),
        30_000,
        50,
      );
      assert.equal(check.conclusion, 'failure', check.output.summary ?? '');
      const found = await annotations(o.emulator.alice, repo.fullName, check.id);
      assert.ok(
        found.some((a) => a.path === 'flows/greet.yaml' && a.start_line === 4 && /message/.test(a.message)),
        JSON.stringify(found),
      );
    });
  });
}
