import assert from 'node:assert/strict';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { LocalFlowRepository } from '../../../../app/src/local/local-flow-repository.ts';
import { tempDir } from '../../runner/helpers.ts';

const flow = (ns: string, id: string) =>
  `id: ${id}\nnamespace: ${ns}\ntasks:\n  - id: hello\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n`;

describe('local repository', () => {
  let root: string;
  before(async () => {
    root = await tempDir();
    await mkdir(join(root, 'flows', 'team'), { recursive: true });
    await writeFile(join(root, 'flows', 'parent.yaml'), flow('company', 'parent'));
    await writeFile(join(root, 'flows', 'team', 'child.yml'), flow('company.team', 'child'));
    await writeFile(join(root, 'flows', 'team', 'copy.yaml'), flow('company.team', 'child'));
    await writeFile(join(root, 'flows', 'broken.yaml'), 'id: broken\nnamespace: company\ntasks: []\n');
    await writeFile(join(root, 'flows', 'notes.txt'), 'not a flow');
    await mkdir(join(root, 'namespaces', 'company', 'files', 'sql'), { recursive: true });
    await writeFile(join(root, 'namespaces', 'company', 'files', 'main.py'), 'print(1)');
    await writeFile(join(root, 'namespaces', 'company', 'files', 'sql', 'q.sql'), 'select 1');
  });
  after(() => rm(root, { recursive: true, force: true }));

  test('finds flows by namespace and id in nested folders', async () => {
    const repo = new LocalFlowRepository(join(root, 'flows'), root);
    assert.equal((await repo.get('company', 'parent'))?.id, 'parent');
    assert.equal((await repo.get('company.team', 'child'))?.namespace, 'company.team');
    assert.equal(await repo.get('company', 'child'), undefined);
    assert.deepEqual((await repo.list()).map((f) => f.file).sort(), [
      'flows/parent.yaml',
      'flows/team/child.yml',
    ]);
  });

  test('reports invalid and duplicate flows as file:line:col lines', async () => {
    const repo = new LocalFlowRepository(join(root, 'flows'), root);
    const problems = await repo.problems();
    assert.ok(
      problems.some((p) => /^flows\/broken\.yaml:3:\d+: .*at least one task/.test(p)),
      problems.join('\n'),
    );
    assert.ok(
      problems.some((p) =>
        /^flows\/team\/copy\.yaml:1:1: flow company\.team\.child is also declared in flows\/team\/child\.yml/.test(
          p,
        ),
      ),
    );
  });
});
