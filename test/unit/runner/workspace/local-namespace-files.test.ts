/** Namespace files of a local repository (`osprey run`, `osprey dev`). */
import assert from 'node:assert/strict';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { type TestContext, test } from 'node:test';
import { LocalNamespaceFiles } from '../../../../runner/src/workspace/local-namespace-files.ts';
import { scratch } from './git-repos.ts';

async function repo(t: TestContext, files: Record<string, string>): Promise<string> {
  const root = await scratch(t, 'osprey-repo-');
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
  return root;
}

const text = (files: Map<string, Buffer>) =>
  Object.fromEntries([...files].map(([k, v]) => [k, v.toString()]));

test('reads namespaces/<namespace>/files/** (nested), skips symbolic links, and an unknown namespace is empty', async (t) => {
  const root = await repo(t, {
    'namespaces/company/files/main.py': 'print(1)',
    'namespaces/company/files/sql/q.sql': 'select 1',
    'namespaces/company.team/files/team.py': 'T',
  });
  await symlink('/etc/hostname', join(root, 'namespaces/company/files/host'));
  const files = new LocalNamespaceFiles(root);
  assert.deepEqual(text(await files.read('company')), { 'main.py': 'print(1)', 'sql/q.sql': 'select 1' });
  assert.deepEqual(text(await files.read('company.team')), { 'team.py': 'T' });
  assert.equal((await files.read('company.none')).size, 0);
  await assert.rejects(files.read('../etc'), /'..\/etc' is not a namespace/);
});

test('.osprey.yml namespaceFiles moves the root; a bad .osprey.yml or a root outside the repository is refused', async (t) => {
  const root = await repo(t, {
    '.osprey.yml': 'namespaceFiles: config/ns\n',
    'config/ns/company/files/a.txt': 'moved',
  });
  assert.deepEqual(text(await new LocalNamespaceFiles(root).read('company')), { 'a.txt': 'moved' });
  assert.deepEqual(text(await new LocalNamespaceFiles(root, { folder: 'config/ns' }).read('company')), {
    'a.txt': 'moved',
  });

  const bad = await repo(t, { '.osprey.yml': 'namespaceFile: typo\n' });
  await assert.rejects(
    new LocalNamespaceFiles(bad).read('company'),
    /\.osprey\.yml: .*namespaceFile.*; fix \.osprey\.yml/,
  );
  const outside = await repo(t, { '.osprey.yml': 'namespaceFiles: ../elsewhere\n' });
  await assert.rejects(
    new LocalNamespaceFiles(outside).read('company'),
    /escapes the working directory|escapes/,
  );
});
