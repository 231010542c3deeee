/** Paths stay inside the working directory: lexical checks and symbolic links on the real disk. */
import assert from 'node:assert/strict';
import { access, mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { InternalError } from '../../../../protocol/src/task-contract.ts';
import { confine, PathEscapeError } from '../../../../runner/src/workspace/confine.ts';
import { writeInputFiles } from '../../../../runner/src/workspace/input-files.ts';
import { testContext } from '../helpers.ts';
import { scratch } from './git-repos.ts';

test('confine accepts paths inside and refuses escapes, absolute paths and NUL bytes', () => {
  const root = '/work/dir';
  assert.equal(confine(root, 'a/b.txt', 'inputFiles'), '/work/dir/a/b.txt');
  assert.equal(confine(root, 'a/../b.txt', 'inputFiles'), '/work/dir/b.txt');
  assert.equal(confine(root, './c', 'inputFiles'), '/work/dir/c');
  const refused: Array<[string, RegExp]> = [
    [
      'x/../../etc/passwd',
      /^inputFiles: 'x\/..\/..\/etc\/passwd' escapes the working directory; use a path inside it$/,
    ],
    ['..', /escapes the working directory/],
    ['/etc/passwd', /is an absolute path; use a path relative to the working directory/],
    ['C:\\Windows\\x', /is an absolute path/],
    ['a\0b', /contains a NUL byte/],
    ['', /a file name is empty/],
    ['.', /names the working directory itself/],
  ];
  for (const [path, message] of refused) {
    assert.throws(
      () => confine(root, path, 'inputFiles'),
      (e: Error) => {
        assert.ok(e instanceof PathEscapeError && !(e instanceof InternalError));
        assert.equal((e as PathEscapeError).retryable, false);
        assert.match(e.message, message);
        return true;
      },
    );
  }
});

test('writing through a symbolic link that leads outside is refused before anything is created there', async (t) => {
  const root = await scratch(t, 'osprey-wd-');
  const outside = await scratch(t, 'osprey-outside-');
  const { storage, cleanup } = await testContext({});
  t.after(cleanup);
  await symlink(outside, join(root, 'link'));
  await assert.rejects(
    writeInputFiles(root, new Map([['link/sub/x.txt', 'owned']]), storage, 'inputFiles'),
    /inputFiles: 'link\/sub\/x.txt' goes through a symbolic link to outside the working directory; use a path inside it/,
  );
  await assert.rejects(access(join(outside, 'sub')), 'nothing was created outside');

  await symlink(join(outside, 'target.txt'), join(root, 'file-link.txt'));
  await assert.rejects(
    writeInputFiles(root, new Map([['file-link.txt', 'owned']]), storage, 'inputFiles'),
    /symbolic link that points nowhere|goes through a symbolic link to outside/,
  );

  // A link that stays inside is fine.
  await mkdir(join(root, 'real'));
  await symlink(join(root, 'real'), join(root, 'inner'));
  await writeInputFiles(root, new Map([['inner/ok.txt', 'fine']]), storage, 'inputFiles');
  await access(join(root, 'real', 'ok.txt'));
  await writeFile(join(root, 'plain.txt'), 'x');
});
