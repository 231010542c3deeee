import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { flowFileStem, isFlowPath } from '../../../../../app/src/deployments/flow-paths.ts';
import {
  changedPaths,
  flowChangesOf,
  touchesRepoConfig,
} from '../../../../../app/src/github/repository/flow-changes.ts';
import { parseRepoConfig } from '../../../../../app/src/github/repository/repo-config.ts';
import { isZeroSha } from '../../../../../app/src/github/repository/repository-reader.ts';

describe('flow paths', () => {
  it('recognises YAML files under the flows folder, hidden folders excluded', () => {
    const config = { flows: 'flows' };
    assert.equal(isFlowPath('flows/a.yaml', config), true);
    assert.equal(isFlowPath('flows/etl/b.YML', config), true);
    assert.equal(isFlowPath('flows/.drafts/c.yaml', config), false);
    assert.equal(isFlowPath('flowsx/a.yaml', config), false);
    assert.equal(isFlowPath('flows/readme.md', config), false);
    assert.equal(isFlowPath('namespaces/a/files/x.yaml', config), false);
  });

  it('accepts ./ prefixes, trailing slashes and the repository root as flows folder', () => {
    assert.equal(isFlowPath('pipelines/a.yaml', { flows: './pipelines/' }), true);
    assert.equal(isFlowPath('a.yaml', { flows: '.' }), true);
    assert.equal(isFlowPath('.github/workflows/ci.yaml', { flows: '.' }), false);
  });

  it('names the stem', () => {
    assert.equal(flowFileStem('flows/etl/daily.yaml'), 'daily');
  });
});

describe('flow changes of a comparison', () => {
  it('splits present and removed flow files, renames on both sides', () => {
    const changes = flowChangesOf(
      [
        { path: 'flows/a.yaml', status: 'added', blobSha: '1' },
        { path: 'flows/b.yaml', status: 'removed' },
        { path: 'flows/new.yaml', status: 'renamed', previousPath: 'flows/old.yaml', blobSha: '2' },
        { path: 'docs/x.yaml', status: 'modified', blobSha: '3' },
        { path: 'flows/moved-out.yaml', status: 'renamed', previousPath: 'flows/keep.yaml', blobSha: '4' },
      ],
      { flows: 'flows' },
    );
    assert.deepEqual(changes.present, [
      { path: 'flows/a.yaml', blobSha: '1' },
      { path: 'flows/new.yaml', blobSha: '2' },
      { path: 'flows/moved-out.yaml', blobSha: '4' },
    ]);
    assert.deepEqual(changes.removed, ['flows/b.yaml', 'flows/old.yaml', 'flows/keep.yaml']);
  });

  it('notices .osprey.yml changes and lists changed paths for trigger filters', () => {
    assert.equal(touchesRepoConfig([{ path: '.osprey.yml', status: 'modified' }]), true);
    assert.equal(touchesRepoConfig([{ path: 'flows/a.yaml', status: 'modified' }]), false);
    assert.deepEqual(
      changedPaths([
        { path: 'b', status: 'renamed', previousPath: 'a' },
        { path: 'b', status: 'modified' },
      ]),
      ['a', 'b'],
    );
  });

  it('knows GitHub zero SHAs', () => {
    assert.equal(isZeroSha('0000000000000000000000000000000000000000'), true);
    assert.equal(isZeroSha('abc'), false);
  });
});

describe('.osprey.yml', () => {
  it('defaults when absent', () => {
    const result = parseRepoConfig(undefined);
    assert.ok(result.ok);
    assert.deepEqual(
      [result.config.flows, result.config.namespaceFiles, result.config.deploy.branches],
      ['flows', 'namespaces', undefined],
    );
  });

  it('reads deploy branches and namespaces', () => {
    const result = parseRepoConfig(
      'flows: pipelines\ndeploy:\n  branches: [main, "release/*"]\nnamespaces: [company.team]\n',
    );
    assert.ok(result.ok);
    assert.deepEqual(result.config.deploy.branches, ['main', 'release/*']);
    assert.deepEqual(result.config.namespaces, ['company.team']);
  });

  it('reports problems at their line, naming the key', () => {
    const result = parseRepoConfig('flows: flows\ndeploy:\n  branches: main\n');
    assert.equal(result.ok, false);
    if (result.ok) return;
    assert.equal(result.issues[0]?.range.start.line, 3);
    assert.match(result.issues[0]?.message ?? '', /^\.osprey\.yml deploy\.branches: /);
  });

  it('reports YAML syntax errors', () => {
    const result = parseRepoConfig('flows: [unclosed\n');
    assert.equal(result.ok, false);
  });
});
