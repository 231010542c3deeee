import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { LocalFolderStorage } from '../../../../app/src/server/local-folder-storage.ts';
import { InvalidStorageUri, StorageFileNotFound } from '../../../../protocol/src/internal-storage.ts';
import { tempDir } from '../../runner/helpers.ts';

const scope = {
  namespace: 'company.team',
  flowId: 'etl',
  executionId: 'ex1',
  taskId: 'write',
  taskRunId: 'tr1',
};

describe('LocalFolderStorage', () => {
  let dir: string;
  let storage: LocalFolderStorage;
  before(async () => {
    dir = await tempDir();
    storage = new LocalFolderStorage(dir);
  });
  after(async () => {
    const { rm } = await import('node:fs/promises');
    await rm(dir, { recursive: true, force: true });
  });

  test('put writes under the Kestra layout and returns a kestra:/// URI', async () => {
    const uri = await storage.put(scope, 'data.csv', 'a,b\n1,2\n');
    assert.match(
      uri,
      /^kestra:\/\/\/company\/team\/etl\/executions\/ex1\/tasks\/write\/tr1\/[0-9a-f]{16}-data\.csv$/,
    );
    const path = storage.localPath(uri);
    assert.ok(
      path.startsWith(join(dir, 'company', 'team', 'etl', 'executions', 'ex1', 'tasks', 'write', 'tr1')),
    );
    assert.equal(await readFile(path, 'utf8'), 'a,b\n1,2\n');
    assert.equal((await storage.get(uri)).toString(), 'a,b\n1,2\n');
    assert.equal(await storage.size(uri), 8);
    assert.equal(await storage.exists(uri), true);
  });

  test('put accepts a stream and open streams it back', async () => {
    const uri = await storage.put(scope, 'big.txt', Readable.from(['one', 'two', 'three']));
    const chunks: Buffer[] = [];
    for await (const c of await storage.open(uri)) chunks.push(c as Buffer);
    assert.equal(Buffer.concat(chunks).toString(), 'onetwothree');
  });

  test('two puts of the same name get different URIs', async () => {
    const a = await storage.put(scope, 'same.txt', 'a');
    const b = await storage.put(scope, 'same.txt', 'b');
    assert.notEqual(a, b);
    assert.equal((await storage.get(a)).toString(), 'a');
  });

  test('a kestra:// URI with two slashes names the same file', async () => {
    const uri = await storage.put(scope, 'x.txt', 'x');
    const twoSlashes = uri.replace('kestra:///', 'kestra://');
    assert.equal((await storage.get(twoSlashes)).toString(), 'x');
  });

  test('delete removes the file and reports whether it existed', async () => {
    const uri = await storage.put(scope, 'gone.txt', 'x');
    assert.equal(await storage.delete(uri), true);
    assert.equal(await storage.exists(uri), false);
    assert.equal(await storage.delete(uri), false);
  });

  test('a missing file is reported with its URI', async () => {
    const uri = 'kestra:///company/team/etl/executions/ex1/nothing.txt';
    await assert.rejects(
      storage.get(uri),
      (e: Error) => e instanceof StorageFileNotFound && e.message.includes(uri),
    );
    await assert.rejects(storage.size(uri), StorageFileNotFound);
    await assert.rejects(storage.open(uri), StorageFileNotFound);
  });

  test('URIs that escape the base folder are refused', async () => {
    const attempts = [
      'kestra:///../outside.txt',
      'kestra:///company/../../outside.txt',
      'kestra:///company/%2e%2e/%2e%2e/outside.txt',
      'kestra:///company/..%2f..%2foutside.txt',
      'kestra:///company\\..\\..\\outside.txt',
      'file:///etc/passwd',
      '/etc/passwd',
      'kestra:///',
    ];
    for (const uri of attempts) {
      assert.throws(() => storage.localPath(uri), InvalidStorageUri, uri);
      await assert.rejects(storage.get(uri), InvalidStorageUri, uri);
    }
    // `kestra:////etc/passwd` is read as `etc/passwd` inside the base folder, never the real one.
    assert.ok(storage.localPath('kestra:////etc/passwd').startsWith(join(dir, 'etc')));
    assert.equal(await storage.exists('kestra:////etc/passwd'), false);
  });

  test('a name with separators cannot move the file', async () => {
    const uri = await storage.put(scope, '../../../evil.txt', 'x');
    assert.ok(storage.localPath(uri).startsWith(join(dir, 'company', 'team', 'etl')));
  });
});
