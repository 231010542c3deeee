/** Secrets on both drivers: encryption at rest, tamper detection, rotation, per-namespace backends, masking. */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { servicesFor } from '../../../app/src/execution/render.ts';
import { KvService } from '../../../app/src/kv/kv-service.ts';
import { parseMasterKey } from '../../../app/src/secrets/master-key.ts';
import { PostgresSecretBackend } from '../../../app/src/secrets/postgres-secret-backend.ts';
import { SecretError } from '../../../app/src/secrets/secret-backend.ts';
import { SecretBackendsConfig } from '../../../app/src/secrets/secret-backends.schema.ts';
import { buildSecretService } from '../../../app/src/secrets/secret-service.ts';
import { LocalFolderStorage } from '../../../app/src/server/local-folder-storage.ts';
import { MASK, SecretMasker } from '../../../protocol/src/masking.ts';
import { renderServices } from '../../support/render-services.ts';
import { describeBackends } from '../helpers/backends.ts';

const newKey = () => parseMasterKey(randomBytes(32).toString('base64'));

describeBackends('secrets', (backend) => {
  it('round-trips a value that the database holds only encrypted', async (t) => {
    const { db, schema, admin, cleanup } = await backend.open();
    t.after(cleanup);
    const key = newKey();
    const secrets = new PostgresSecretBackend(db, { key });
    const value = 'xoxb-very-secret-☃-value';
    await secrets.set('company.team', 'SLACK_TOKEN', value, { description: 'bot token' });
    assert.equal(await secrets.get('company.team', 'SLACK_TOKEN'), value);
    const rows = await admin<{ ciphertext: Uint8Array; iv: Uint8Array; key_id: string; all: string }>(
      `SELECT ciphertext, iv, key_id, row_to_json(s)::text AS all FROM "${schema}".secrets s`,
    );
    assert.equal(rows.length, 1);
    assert.equal(rows[0]?.key_id, key.id);
    assert.ok(!rows[0]?.all.includes('very-secret'), 'plaintext found in the row');
    assert.ok(
      !Buffer.from(rows[0]?.ciphertext ?? [])
        .toString('utf8')
        .includes('very-secret'),
    );
    // A fresh IV per write: the same value encrypts differently.
    await secrets.set('company.team', 'SLACK_TOKEN', value);
    const again = await admin<{ iv: Uint8Array }>(`SELECT iv FROM "${schema}".secrets`);
    assert.ok(!Buffer.from(again[0]?.iv ?? []).equals(Buffer.from(rows[0]?.iv ?? [])));
    assert.deepEqual(
      (await secrets.list('company.team')).map((s) => [s.name, s.readOnly, s.description]),
      [['SLACK_TOKEN', false, 'bot token']],
    );
  });

  it('detects a tampered ciphertext, and a ciphertext moved to another row', async (t) => {
    const { db, schema, admin, cleanup } = await backend.open();
    t.after(cleanup);
    const secrets = new PostgresSecretBackend(db, { key: newKey() });
    await secrets.set('company', 'A', 'value-of-a');
    await secrets.set('company', 'B', 'value-of-b');
    // Flip one bit of A's ciphertext.
    await admin(
      `UPDATE "${schema}".secrets SET ciphertext = set_byte(ciphertext, 0, get_byte(ciphertext, 0) # 1) WHERE name = 'A'`,
    );
    await assert.rejects(
      secrets.get('company', 'A'),
      (e: unknown) =>
        e instanceof SecretError && e.code === 'UNREADABLE' && /failed its integrity check/.test(e.message),
    );
    // Copy B's sealed value onto a row named C: bound to (namespace, name), it does not decrypt there.
    await admin(
      `INSERT INTO "${schema}".secrets (namespace, name, ciphertext, iv, tag, key_id)
       SELECT namespace, 'C', ciphertext, iv, tag, key_id FROM "${schema}".secrets WHERE name = 'B'`,
    );
    await assert.rejects(secrets.get('company', 'C'), /failed its integrity check/);
    assert.equal(await secrets.get('company', 'B'), 'value-of-b');
  });

  it('decrypts with a previous key after rotation and re-encrypts under the new one', async (t) => {
    const { db, cleanup } = await backend.open();
    t.after(cleanup);
    const oldKey = newKey();
    const newer = newKey();
    await new PostgresSecretBackend(db, { key: oldKey }).set('company', 'TOKEN', 'rotating-value');
    await assert.rejects(
      new PostgresSecretBackend(db, { key: newer }).get('company', 'TOKEN'),
      new RegExp(
        `encrypted with master key ${oldKey.id}, which is not configured; add that key to OSPREY_SECRETS_PREVIOUS_KEYS`,
      ),
    );
    const rotated = new PostgresSecretBackend(db, { key: newer, previousKeys: [oldKey] });
    assert.equal(await rotated.get('company', 'TOKEN'), 'rotating-value');
    assert.equal(await rotated.reencrypt(), 1);
    assert.equal(
      await new PostgresSecretBackend(db, { key: newer }).get('company', 'TOKEN'),
      'rotating-value',
    );
  });

  it('selects a backend per namespace, inherits across them and refuses writes to read-only ones', async (t) => {
    const { db, cleanup } = await backend.open();
    t.after(cleanup);
    const dir = await mkdtemp(join(tmpdir(), 'osprey-team-secrets-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    await writeFile(join(dir, 'DB_PASSWORD'), 'finance-db-pw\n');
    const config = SecretBackendsConfig.parse({
      'company.finance': { type: 'file', dir },
      'company.ops': { type: 'env', prefix: 'OPS_SECRET_', base64: false },
    });
    const service = buildSecretService({
      db,
      masterKey: newKey(),
      backends: config,
      env: { OPS_SECRET_PAGER: 'ops-pager-key', SECRET_PAGER: Buffer.from('wrong').toString('base64') },
    });
    assert.equal(service.backendFor('company.finance.reports').kind, 'file');
    assert.equal(service.backendFor('company.ops').kind, 'env');
    assert.equal(service.backendFor('company.team').kind, 'postgres');
    assert.equal(service.backendFor('company').kind, 'postgres');

    await service.set('company', 'SHARED', 'from-company-in-postgres');
    // The finance team's own secrets come from its mount; shared ones are inherited from `company`.
    // secret('NAME') as a flow of that namespace renders it.
    const secretOf = (ns: string, name: string) =>
      renderServices(ns, { secrets: service }).secret?.(name, undefined);
    assert.equal(await secretOf('company.finance.reports', 'DB_PASSWORD'), 'finance-db-pw');
    assert.equal(await secretOf('company.finance', 'SHARED'), 'from-company-in-postgres');
    assert.equal(await secretOf('company.ops.oncall', 'PAGER'), 'ops-pager-key');
    // Another team does not see the finance mount.
    await assert.rejects(
      secretOf('company.team', 'DB_PASSWORD') ?? Promise.resolve(),
      /secret 'DB_PASSWORD' is not defined in namespace company\.team or company/,
    );

    await assert.rejects(
      service.set('company.finance', 'DB_PASSWORD', 'x'),
      (e: unknown) =>
        e instanceof SecretError &&
        e.code === 'READ_ONLY' &&
        e.message ===
          'secret DB_PASSWORD in namespace company.finance is managed by the read-only file backend; change it at the source',
    );
    await assert.rejects(
      service.delete('company.ops', 'PAGER'),
      /read-only env backend; change it at the source/,
    );
    assert.deepEqual(
      (await service.list('company.finance')).map((s) => ({
        name: s.name,
        backend: s.backend,
        readOnly: s.readOnly,
      })),
      [{ name: 'DB_PASSWORD', backend: 'file', readOnly: true }],
    );
    assert.deepEqual(
      (await service.listInherited('company.finance')).map((s) => [s.name, s.readOnly]),
      [
        ['DB_PASSWORD', true],
        ['SHARED', false],
      ],
    );
  });

  it('secret() registers each resolved value with the masker; a missing one says where it looked', async (t) => {
    const { db, cleanup } = await backend.open();
    t.after(cleanup);
    const service = buildSecretService({ db, masterKey: newKey(), env: {} });
    await service.set('company', 'SNOWFLAKE_PASSWORD', 'sn0wfl@ke-pw');
    const masker = new SecretMasker();
    // secret() as an execution of company.team renders it (the executor's expression services).
    const storage = new LocalFolderStorage(await mkdtemp(join(tmpdir(), 'osprey-secrets-')));
    const services = servicesFor(
      { kv: new KvService(db), secrets: service, storage, logs: async () => [], now: Date.now },
      { id: 'e1', namespace: 'company.team' },
      (v) => masker.register(v),
    );
    const secret = (name: string, namespace: string | undefined) => services.secret!(name, namespace);
    const value = await secret('SNOWFLAKE_PASSWORD', undefined);
    assert.equal(value, 'sn0wfl@ke-pw');
    assert.equal(masker.mask(`connecting with password=${value}`), `connecting with password=${MASK}`);
    assert.deepEqual(masker.maskValue({ outputs: { dsn: `user:${value}@host` } }), {
      outputs: { dsn: `user:${MASK}@host` },
    });
    await assert.rejects(secret('MISSING', undefined), (e: Error) => {
      assert.match(e.message, /secret 'MISSING' is not defined in namespace company\.team or company/);
      return true;
    });
    await assert.rejects(
      secret('SNOWFLAKE_PASSWORD', 'company.team'),
      /not defined in namespace company\.team(;|$)/,
    );
  });

  it('without a master key the default backend is the read-only environment', async (t) => {
    const { db, cleanup } = await backend.open();
    t.after(cleanup);
    const service = buildSecretService({
      db,
      env: { SECRET_API: Buffer.from('from-env').toString('base64') },
    });
    assert.equal(
      await renderServices('company.team', { secrets: service }).secret?.('API', undefined),
      'from-env',
    );
    await assert.rejects(service.set('company', 'API', 'x'), /read-only env backend/);
    assert.throws(
      () => buildSecretService({ db, env: {}, backends: { company: { type: 'postgres' } } }),
      /secrets backend for namespace company is postgres, which needs OSPREY_SECRETS_KEY/,
    );
  });
});
