import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type GitTriggerSpec,
  matchesGitTrigger,
} from '../../../../app/src/github/git-triggers/match-git-trigger.ts';
import { liquidTriggerInputs } from '../../../../app/src/github/git-triggers/render-trigger-inputs.ts';

const trigger = (extra: Partial<GitTriggerSpec> = {}): GitTriggerSpec => ({
  id: 'git',
  type: 'io.osprey.trigger.Git',
  events: ['push', 'pull_request'],
  ...extra,
});

describe('matchesGitTrigger', () => {
  it('matches events by name, pull_request actions by the default types', () => {
    assert.equal(matchesGitTrigger(trigger({ events: ['push'] }), { name: 'push', branch: 'main' }), true);
    assert.equal(
      matchesGitTrigger(trigger({ events: ['push'] }), {
        name: 'pull_request',
        action: 'opened',
        baseBranch: 'main',
      }),
      false,
    );
    assert.equal(
      matchesGitTrigger(trigger(), { name: 'pull_request', action: 'closed', baseBranch: 'main' }),
      false,
    );
    assert.equal(
      matchesGitTrigger(trigger({ types: ['closed'] }), {
        name: 'pull_request',
        action: 'closed',
        baseBranch: 'main',
      }),
      true,
    );
  });

  it('filters branches with globs: the pushed branch, or the base branch of a pull request', () => {
    const t = trigger({ branches: ['main', 'release/*'], branchesIgnore: ['release/old-*'] });
    assert.equal(matchesGitTrigger(t, { name: 'push', branch: 'release/1.2' }), true);
    assert.equal(matchesGitTrigger(t, { name: 'push', branch: 'release/old-1' }), false);
    assert.equal(matchesGitTrigger(t, { name: 'push', branch: 'release/1/hotfix' }), false);
    assert.equal(matchesGitTrigger(t, { name: 'push', branch: 'feature' }), false);
    assert.equal(matchesGitTrigger(t, { name: 'pull_request', action: 'opened', baseBranch: 'main' }), true);
  });

  it('filters paths: ** crosses folders, pathsIgnore fires unless every file is ignored', () => {
    const t = trigger({ paths: ['data/**'], pathsIgnore: ['**/*.md'] });
    assert.equal(
      matchesGitTrigger(t, { name: 'push', branch: 'main', changedFiles: ['data/x/y.csv'] }),
      true,
    );
    assert.equal(
      matchesGitTrigger(t, { name: 'push', branch: 'main', changedFiles: ['data/readme.md'] }),
      false,
    );
    assert.equal(matchesGitTrigger(t, { name: 'push', branch: 'main', changedFiles: ['src/a.ts'] }), false);
    assert.equal(
      matchesGitTrigger(trigger({ pathsIgnore: ['docs/**'] }), {
        name: 'push',
        branch: 'main',
        changedFiles: ['docs/a', 'src/b'],
      }),
      true,
    );
    assert.equal(matchesGitTrigger(t, { name: 'push', branch: 'main' }), true, 'unknown changed files match');
  });

  it('never matches a disabled trigger', () => {
    assert.equal(matchesGitTrigger(trigger({ disabled: true }), { name: 'push', branch: 'main' }), false);
  });
});

describe('liquidTriggerInputs', () => {
  it('renders expressions in nested inputs with the trigger variables, and leaves other values alone', async () => {
    const render = liquidTriggerInputs();
    const inputs = await render(
      {
        ref: '{{ trigger.ref }}',
        list: ['{{ trigger.sha | slice: 0, 7 }}', 3],
        nested: { plain: 'text', flag: true },
      },
      { trigger: { ref: 'refs/heads/main', sha: '0123456789abcdef' } },
    );
    assert.deepEqual(inputs, {
      ref: 'refs/heads/main',
      list: ['0123456', 3],
      nested: { plain: 'text', flag: true },
    });
  });
});
