import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { ConfigError, loadServerConfig, storageFor } from '../../../../app/src/config/server.schema.ts';

const key = randomBytes(32).toString('base64');

function problems(env: Record<string, string>): ConfigError {
  try {
    loadServerConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  assert.fail('the configuration was accepted');
}

describe('server configuration', () => {
  it('has defaults for an empty environment (embedded database, port 8080, .osprey)', () => {
    const config = loadServerConfig({});
    assert.equal(config.databaseUrl, undefined);
    assert.equal(config.port, 8080);
    assert.equal(config.dataDir, '.osprey');
    assert.equal(config.databaseSchema, 'osprey');
    assert.equal(config.secrets.masterKey, undefined);
    assert.equal(config.secrets.envPrefix, 'SECRET_');
    assert.deepEqual(config.storage.default, { type: 'local', dir: '.osprey/storage' });
  });

  it('reads every variable', () => {
    const config = loadServerConfig({
      DATABASE_URL: 'postgres://osprey:pw@db:5432/osprey',
      PORT: '9000',
      OSPREY_DATA_DIR: '/var/lib/osprey',
      OSPREY_RUNNER_TOKEN: 'r'.repeat(40),
      OSPREY_API_TOKEN: 'a'.repeat(40),
      OSPREY_SECRETS_KEY: key,
      OSPREY_SECRETS_BACKENDS: 'company.finance: { type: file, dir: /run/secrets/finance }',
      OSPREY_STORAGE_BACKENDS: '{"company.finance": {"type": "local", "dir": "/mnt/finance"}}',
      OSPREY_PUBLIC_URL: 'https://osprey.example.com/',
      OSPREY_ENVIRONMENT: 'production',
      EMPTY_IS_UNSET: '',
    });
    assert.equal(config.port, 9000);
    assert.equal(config.secrets.masterKey?.key.length, 32);
    assert.deepEqual(config.secrets.backends, {
      'company.finance': { type: 'file', dir: '/run/secrets/finance' },
    });
    assert.equal(config.publicUrl, 'https://osprey.example.com');
    assert.equal(storageFor(config, 'company.finance.reports').dir, '/mnt/finance');
    assert.equal(storageFor(config, 'company.team').dir, '/var/lib/osprey/storage');
  });

  it('reports every bad variable at once, each with what to do', () => {
    const e = problems({
      DATABASE_URL: 'mysql://root:hunter2-db-password@db/x',
      PORT: '80a',
      OSPREY_RUNNER_TOKEN: 'short-runner-token',
      OSPREY_SECRETS_KEY: Buffer.alloc(16).toString('base64'),
      OSPREY_SECRETS_BACKENDS: 'company: { type: vault }',
      OSPREY_PUBLIC_URL: 'osprey.example.com',
    });
    const byVariable = Object.fromEntries(e.problems.map((p) => [p.variable, p.message]));
    assert.deepEqual(Object.keys(byVariable).sort(), [
      'DATABASE_URL',
      'OSPREY_PUBLIC_URL',
      'OSPREY_RUNNER_TOKEN',
      'OSPREY_SECRETS_BACKENDS',
      'OSPREY_SECRETS_KEY',
      'PORT',
    ]);
    assert.match(byVariable.DATABASE_URL ?? '', /must be a postgres:\/\/ URL/);
    assert.match(byVariable.PORT ?? '', /whole number between 1 and 65535/);
    assert.match(
      byVariable.OSPREY_RUNNER_TOKEN ?? '',
      /at least 32 characters; generate one with: openssl rand -base64 32/,
    );
    assert.match(byVariable.OSPREY_SECRETS_KEY ?? '', /decodes to 16 bytes.*openssl rand -base64 32/);
    assert.match(byVariable.OSPREY_SECRETS_BACKENDS ?? '', /OSPREY_SECRETS_BACKENDS company/);
    assert.match(e.message, /the server configuration has 6 problems/);
  });

  it('never echoes the value of a secret variable', () => {
    const e = problems({
      DATABASE_URL: 'mysql://root:hunter2-db-password@db/x',
      OSPREY_API_TOKEN: 'tok-secret-but-short',
      OSPREY_SECRETS_KEY: 'c2hvcnQta2V5LXZhbHVl',
    });
    for (const secret of ['hunter2-db-password', 'tok-secret-but-short', 'c2hvcnQta2V5LXZhbHVl']) {
      assert.ok(!e.message.includes(secret), `message contains ${secret}`);
    }
  });

  it('reports invalid YAML in a mapping variable', () => {
    const e = problems({ OSPREY_STORAGE_BACKENDS: 'a: [unclosed' });
    assert.match(e.message, /OSPREY_STORAGE_BACKENDS is not valid YAML or JSON/);
  });
});
