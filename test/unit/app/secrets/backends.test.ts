/** The read-only backends and the master key: no database needed. */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { EnvSecretBackend } from '../../../../app/src/secrets/env-secret-backend.ts';
import { FileSecretBackend } from '../../../../app/src/secrets/file-secret-backend.ts';
import { parseMasterKey } from '../../../../app/src/secrets/master-key.ts';
import { SecretError } from '../../../../app/src/secrets/secret-backend.ts';

const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('master key', () => {
  it('accepts 32 bytes as base64 or hex, with a stable id', () => {
    const bytes = Buffer.alloc(32, 7);
    const a = parseMasterKey(bytes.toString('base64'));
    const b = parseMasterKey(bytes.toString('hex'));
    assert.equal(a.id, b.id);
    assert.ok(a.key.equals(bytes));
  });

  it('refuses a wrong length, says how to generate one, never echoes the value', () => {
    const short = Buffer.alloc(16, 1).toString('base64');
    assert.throws(
      () => parseMasterKey(short),
      (e: Error) =>
        /decodes to 16 bytes/.test(e.message) &&
        /openssl rand -base64 32/.test(e.message) &&
        !e.message.includes(short),
    );
    assert.throws(() => parseMasterKey('not a key!'), /neither base64 nor hex/);
  });
});

describe('environment backend', () => {
  const env = {
    SECRET_SLACK_WEBHOOK: b64('https://hooks.example/x'),
    SECRET_BROKEN: 'not base64!!',
    TEAM_API: 'plain',
  };

  it('reads SECRET_<NAME> base64 values, lists names, whatever the namespace', async () => {
    const backend = new EnvSecretBackend({ env });
    assert.equal(await backend.get('company.team', 'SLACK_WEBHOOK'), 'https://hooks.example/x');
    assert.equal(await backend.get('other', 'SLACK_WEBHOOK'), 'https://hooks.example/x');
    assert.equal(await backend.get('company', 'MISSING'), undefined);
    assert.deepEqual(
      (await backend.list('company')).map((s) => [s.name, s.readOnly, s.backend]),
      [
        ['BROKEN', true, 'env'],
        ['SLACK_WEBHOOK', true, 'env'],
      ],
    );
  });

  it('explains a value that is not base64 without echoing it', async () => {
    const backend = new EnvSecretBackend({ env });
    await assert.rejects(
      backend.get('company', 'BROKEN'),
      (e: Error) =>
        /SECRET_BROKEN is not base64-encoded/.test(e.message) && !e.message.includes('not base64!!'),
    );
  });

  it('matches names upper-cased, as Kestra does, and says which variable to set', async () => {
    const backend = new EnvSecretBackend({ env: { ...env, SECRET_Mixed: b64('exact') } });
    assert.equal(await backend.get('company', 'slack_webhook'), 'https://hooks.example/x');
    assert.equal(await backend.get('company', 'Mixed'), 'exact');
    assert.equal(
      backend.howToDefine('db_pass'),
      "set the environment variable SECRET_DB_PASS to its base64-encoded value: SECRET_DB_PASS=$(printf %s 'the value' | base64 -w 0)",
    );
  });

  it('takes another prefix and plain values', async () => {
    const backend = new EnvSecretBackend({ env, prefix: 'TEAM_', base64: false });
    assert.equal(await backend.get('company', 'API'), 'plain');
  });

  it('refuses writes with the read-only message', async () => {
    const backend = new EnvSecretBackend({ env });
    await assert.rejects(
      backend.set('company.team', 'X', 'v'),
      (e: unknown) =>
        e instanceof SecretError &&
        e.code === 'READ_ONLY' &&
        e.message ===
          'secret X in namespace company.team is managed by the read-only env backend; change it at the source',
    );
  });
});

describe('file backend', () => {
  async function kubernetesLikeDir() {
    const root = await mkdtemp(join(tmpdir(), 'osprey-secrets-'));
    const dir = join(root, 'mount');
    // The layout of a mounted Kubernetes secret: keys are symlinks into ..data.
    await mkdir(join(dir, '..2025_01_01'), { recursive: true });
    await writeFile(join(dir, '..2025_01_01', 'DB_PASSWORD'), 'pw-from-k8s\n');
    await writeFile(join(dir, '..2025_01_01', 'MULTI'), 'line1\nline2\n\n');
    await symlink('..2025_01_01', join(dir, '..data'));
    await symlink(join('..data', 'DB_PASSWORD'), join(dir, 'DB_PASSWORD'));
    await symlink(join('..data', 'MULTI'), join(dir, 'MULTI'));
    await writeFile(join(root, 'outside'), 'not yours');
    await symlink(join(root, 'outside'), join(dir, 'ESCAPE'));
    return { root, dir };
  }

  it('reads a mounted Kubernetes secret, dropping one trailing newline', async (t) => {
    const { root, dir } = await kubernetesLikeDir();
    t.after(() => rm(root, { recursive: true, force: true }));
    const backend = new FileSecretBackend({ dir });
    assert.equal(await backend.get('company', 'DB_PASSWORD'), 'pw-from-k8s');
    assert.equal(await backend.get('company', 'MULTI'), 'line1\nline2\n');
    assert.equal(await backend.get('company', 'NOPE'), undefined);
    assert.deepEqual(
      (await backend.list('company')).map((s) => s.name),
      ['DB_PASSWORD', 'MULTI'],
    );
  });

  it('refuses path traversal and symlinks that leave the directory', async (t) => {
    const { root, dir } = await kubernetesLikeDir();
    t.after(() => rm(root, { recursive: true, force: true }));
    const backend = new FileSecretBackend({ dir });
    for (const name of ['../outside', '..', '..data', 'a/b', '.hidden']) {
      await assert.rejects(backend.get('company', name), /is not a valid secret name/, name);
    }
    await assert.rejects(backend.get('company', 'ESCAPE'), /points outside the secrets directory/);
  });

  it('refuses writes with the read-only message', async (t) => {
    const { root, dir } = await kubernetesLikeDir();
    t.after(() => rm(root, { recursive: true, force: true }));
    await assert.rejects(
      new FileSecretBackend({ dir }).delete('company', 'DB_PASSWORD'),
      /secret DB_PASSWORD in namespace company is managed by the read-only file backend; change it at the source/,
    );
  });
});
