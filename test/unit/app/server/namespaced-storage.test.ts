/** Internal storage per namespace (OSPREY_STORAGE_BACKENDS): files land in their team's folder. */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadServerConfig } from '../../../../app/src/config/server.schema.ts';
import { NamespacedStorage } from '../../../../app/src/server/namespaced-storage.ts';

test('a namespace with its own backend (and its children) write and read in that folder only', async () => {
  const root = mkdtempSync(join(tmpdir(), 'osprey-ns-storage-'));
  const finance = join(root, 'finance');
  const config = loadServerConfig({
    OSPREY_DATA_DIR: join(root, 'data'),
    OSPREY_STORAGE_BACKENDS: JSON.stringify({ 'company.finance': { type: 'local', dir: finance } }),
  });
  const storage = new NamespacedStorage(config);
  const scope = (namespace: string) => ({ namespace, flowId: 'f', executionId: 'e' });
  const money = await storage.put(scope('company.finance.payroll'), 'pay.csv', 'secret,numbers');
  const other = await storage.put(scope('company.team'), 'hello.txt', 'hi');
  assert.ok(storage.localPath(money).startsWith(finance), storage.localPath(money));
  assert.equal(storage.localPath(other).startsWith(finance), false);
  assert.ok(existsSync(storage.localPath(other)));
  assert.equal((await storage.get(money)).toString(), 'secret,numbers');
  assert.equal((await storage.get(other)).toString(), 'hi');
});
