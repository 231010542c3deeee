import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EnvSecretStore } from '../../../../app/src/local/env-secret-store.ts';

test('secret NAME comes from SECRET_NAME, base64-decoded, whatever the namespace', async () => {
  const store = new EnvSecretStore({
    SECRET_SLACK_WEBHOOK: Buffer.from('https://hooks.example/x').toString('base64'),
    OTHER: 'x',
  });
  assert.equal(await store.get('company.team', 'SLACK_WEBHOOK'), 'https://hooks.example/x');
  assert.equal(await store.get('system', 'SLACK_WEBHOOK'), 'https://hooks.example/x');
  assert.equal(await store.get('company', 'MISSING'), undefined);
  assert.deepEqual(store.names(), ['SLACK_WEBHOOK']);
});

test('a value that is not base64 is refused with how to encode it', async () => {
  const store = new EnvSecretStore({ SECRET_PLAIN: 'not base64!' });
  await assert.rejects(
    store.get('ns', 'PLAIN'),
    /SECRET_PLAIN is not base64-encoded; set it with SECRET_PLAIN=\$\(printf %s 'the value' \| base64\)/,
  );
});
