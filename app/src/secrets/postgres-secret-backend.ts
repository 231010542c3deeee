/**
 * Secrets stored in Osprey's database, encrypted with AES-256-GCM under the master key: a random
 * 12-byte IV per value, the 16-byte tag checked on every read, and `namespace\0name` as additional
 * data so a ciphertext copied onto another row does not decrypt. The only read-write backend.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Executor } from '../storage/database.ts';
import {
  deleteSecretRow,
  getSecretRow,
  listSecretRows,
  putSecretRow,
  secretsNotUnderKey,
} from '../storage/secrets.ts';
import type { MasterKey } from './master-key.ts';
import { assertSecretName, type SecretBackend, SecretError, type SecretInfo } from './secret-backend.ts';

export interface PostgresSecretBackendOptions {
  /** Encrypts new values; decrypts values under its id. */
  key: MasterKey;
  /** Older keys, to decrypt values written before a rotation. */
  previousKeys?: readonly MasterKey[];
  now?: () => number;
}

export interface Sealed {
  ciphertext: Buffer;
  iv: Buffer;
  tag: Buffer;
  keyId: string;
}

function aad(namespace: string, name: string): Buffer {
  return Buffer.from(`${namespace}\u0000${name}`, 'utf8');
}

export function seal(key: MasterKey, namespace: string, name: string, value: string): Sealed {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key.key, iv);
  cipher.setAAD(aad(namespace, name));
  const ciphertext = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
  return { ciphertext, iv, tag: cipher.getAuthTag(), keyId: key.id };
}

export function unseal(
  keys: ReadonlyMap<string, MasterKey>,
  namespace: string,
  name: string,
  sealed: Sealed,
): string {
  const key = keys.get(sealed.keyId);
  if (key === undefined) {
    throw new SecretError(
      'UNREADABLE',
      `secret ${name} in namespace ${namespace} was encrypted with master key ${sealed.keyId}, which is not configured; add that key to OSPREY_SECRETS_PREVIOUS_KEYS`,
    );
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', key.key, sealed.iv);
    decipher.setAAD(aad(namespace, name));
    decipher.setAuthTag(sealed.tag);
    return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]).toString('utf8');
  } catch (e) {
    throw new SecretError(
      'UNREADABLE',
      `secret ${name} in namespace ${namespace} failed its integrity check (altered in the database, or a different key with the same id); set it again`,
      { cause: e },
    );
  }
}

export class PostgresSecretBackend implements SecretBackend {
  readonly kind = 'postgres' as const;
  readonly readOnly = false;
  readonly #db: Executor;
  readonly #key: MasterKey;
  readonly #keys: Map<string, MasterKey>;
  readonly #now: () => number;

  constructor(db: Executor, options: PostgresSecretBackendOptions) {
    this.#db = db;
    this.#key = options.key;
    this.#keys = new Map([...(options.previousKeys ?? []), options.key].map((k) => [k.id, k]));
    this.#now = options.now ?? Date.now;
  }

  async get(namespace: string, name: string): Promise<string | undefined> {
    assertSecretName(name);
    const row = await getSecretRow(this.#db, namespace, name);
    return row === undefined ? undefined : unseal(this.#keys, namespace, name, row);
  }

  async list(namespace: string): Promise<SecretInfo[]> {
    return (await listSecretRows(this.#db, namespace)).map((r) => ({
      namespace: r.namespace,
      name: r.name,
      backend: this.kind,
      readOnly: false,
      ...(r.description === null ? {} : { description: r.description }),
      updatedAt: r.updatedAt,
    }));
  }

  async set(
    namespace: string,
    name: string,
    value: string,
    options: { description?: string } = {},
  ): Promise<void> {
    assertSecretName(name);
    await putSecretRow(
      this.#db,
      { namespace, name, ...seal(this.#key, namespace, name, value), description: options.description },
      new Date(this.#now()),
    );
  }

  async delete(namespace: string, name: string): Promise<boolean> {
    assertSecretName(name);
    return deleteSecretRow(this.#db, namespace, name);
  }

  /** Re-encrypts values written under older keys with the current one; returns how many. */
  async reencrypt(batchSize = 100): Promise<number> {
    let total = 0;
    for (;;) {
      const rows = await secretsNotUnderKey(this.#db, this.#key.id, batchSize);
      if (rows.length === 0) return total;
      for (const row of rows) {
        const value = unseal(this.#keys, row.namespace, row.name, row);
        await putSecretRow(
          this.#db,
          { namespace: row.namespace, name: row.name, ...seal(this.#key, row.namespace, row.name, value) },
          new Date(this.#now()),
        );
      }
      total += rows.length;
    }
  }
}
