import assert from 'node:assert/strict';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { FileKvStore } from '../../../../app/src/local/file-kv-store.ts';
import { tempDir } from '../../runner/helpers.ts';

describe('FileKvStore', () => {
  let root: string;
  let now = 1_000_000;
  let store: FileKvStore;
  before(async () => {
    root = await tempDir();
    await mkdir(join(root, 'namespaces', 'company'), { recursive: true });
    await writeFile(
      join(root, 'namespaces', 'company', 'kv.yaml'),
      'my_key_from_company_namespace: from company\nnumber: 42\nmap: {a: 1}\n',
    );
    store = new FileKvStore({
      dir: join(root, '.osprey', 'kv'),
      seedDir: join(root, 'namespaces'),
      now: () => now,
    });
  });
  after(() => rm(root, { recursive: true, force: true }));

  test('reads seeds from namespaces/<ns>/kv.yaml with their YAML types', async () => {
    assert.deepEqual(await store.get('company', 'my_key_from_company_namespace'), { value: 'from company' });
    assert.deepEqual(await store.get('company', 'number'), { value: 42 });
    assert.deepEqual(await store.get('company', 'map'), { value: { a: 1 } });
    assert.equal(await store.get('company.team', 'my_key_from_company_namespace'), undefined);
  });

  test('set persists under .osprey/kv and survives a new store', async () => {
    await store.set('company.team', 'greeting', { hello: 'world' });
    const again = new FileKvStore({
      dir: join(root, '.osprey', 'kv'),
      seedDir: join(root, 'namespaces'),
      now: () => now,
    });
    assert.deepEqual(await again.get('company.team', 'greeting'), { value: { hello: 'world' } });
    const file = JSON.parse(
      await readFile(join(root, '.osprey', 'kv', 'company.team', 'greeting.json'), 'utf8'),
    );
    assert.deepEqual(file.value, { hello: 'world' });
  });

  test('a set overrides a seed without touching kv.yaml; delete hides it', async () => {
    await store.set('company', 'number', 7);
    assert.deepEqual(await store.get('company', 'number'), { value: 7 });
    assert.match(await readFile(join(root, 'namespaces', 'company', 'kv.yaml'), 'utf8'), /number: 42/);
    assert.equal(await store.delete('company', 'number'), true);
    assert.equal(await store.get('company', 'number'), undefined);
    assert.equal(await store.delete('company', 'number'), false);
    assert.ok(!(await store.keys('company')).includes('number'));
  });

  test('ttl expires a value', async () => {
    await store.set('company.team', 'short', 'lived', { ttlMs: 1000 });
    assert.deepEqual(await store.get('company.team', 'short'), { value: 'lived' });
    now += 1001;
    assert.equal(await store.get('company.team', 'short'), undefined);
    assert.ok(!(await store.keys('company.team')).includes('short'));
  });

  test('overwrite false refuses an existing key, seeds included', async () => {
    await assert.rejects(
      store.set('company', 'map', 1, { overwrite: false }),
      /already exists in namespace 'company'/,
    );
    await store.set('company', 'fresh', 1, { overwrite: false });
    assert.deepEqual(await store.get('company', 'fresh'), { value: 1 });
  });

  test('keys merges seeds and stored keys, by prefix', async () => {
    await store.set('company', 'my_other', 'x');
    assert.deepEqual(await store.keys('company', 'my_'), ['my_key_from_company_namespace', 'my_other']);
    assert.deepEqual(await store.keys('nobody'), []);
  });

  test('keys with odd characters are stored safely; bad namespaces are refused', async () => {
    await store.set('company', 'a/b', 'slash');
    assert.deepEqual(await store.get('company', 'a/b'), { value: 'slash' });
    assert.ok((await store.keys('company')).includes('a/b'));
    await assert.rejects(store.get('../etc', 'x'), /not a valid namespace/);
  });

  test('an invalid kv.yaml is reported with its path', async () => {
    await mkdir(join(root, 'namespaces', 'broken'), { recursive: true });
    await writeFile(join(root, 'namespaces', 'broken', 'kv.yaml'), '- a\n- list\n');
    await assert.rejects(
      store.get('broken', 'x'),
      /namespaces\/broken\/kv\.yaml: must be a YAML map of key: value/,
    );
  });
});
