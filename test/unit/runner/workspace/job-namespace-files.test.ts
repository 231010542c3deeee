/** Which namespace files a job sees: git at its pinned commit, else the local repository. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TaskJob } from '../../../../protocol/src/job.ts';
import { GitMirrorCache } from '../../../../runner/src/workspace/git-namespace-files.ts';
import { namespaceFilesForJobs } from '../../../../runner/src/workspace/job-namespace-files.ts';
import { origin, scratch } from './git-repos.ts';

const job = (source?: TaskJob['source']): TaskJob => ({
  jobId: 'job-1',
  type: 'io.kestra.plugin.scripts.shell.Commands',
  properties: {},
  run: { executionId: 'e', namespace: 'company', flowId: 'f', taskId: 't', taskRunId: 'r', attempt: 1 },
  secrets: [],
  ...(source === undefined ? {} : { source }),
});

test('a pinned job reads git, an unpinned one the local repository; with neither the error says what to do', async (t) => {
  const repo = await origin();
  t.after(repo.cleanup);
  const sha = await repo.commit({ 'namespaces/company/files/where.txt': 'git' });
  const local = { read: async () => new Map([['where.txt', Buffer.from('local')]]) };
  const files = namespaceFilesForJobs({
    git: new GitMirrorCache({ cacheDir: await scratch(t, 'osprey-cache-') }),
    local,
  });
  const read = async (j: TaskJob) => (await files('company', j)).get('where.txt')?.toString();
  assert.equal(await read(job({ repository: repo.url, sha })), 'git');
  assert.equal(await read(job()), 'local');
  assert.equal(await read(job({ path: 'flows/f.yaml' })), 'local');
  // The remote runner gets the clone URL (with its token) beside the job, not in it.
  const remote = namespaceFilesForJobs({
    git: new GitMirrorCache({ cacheDir: await scratch(t, 'osprey-cache-') }),
    cloneUrl: () => repo.url,
  });
  assert.equal(
    (await remote('company', job({ repository: 'acme/flows', sha }))).get('where.txt')?.toString(),
    'git',
  );
  await assert.rejects(
    namespaceFilesForJobs({})('company', job()),
    /namespace files of company: job job-1 has no pinned commit and this runner has no local repository; start the execution from a repository/,
  );
});
