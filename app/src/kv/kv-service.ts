/**
 * The KV store on the database. It implements the runner's `KvStore` contract (explicit namespace)
 * and adds what the control plane needs: `lookup` walking namespace inheritance for `kv('k')`,
 * typed entries with metadata for the REST API and CLI, expiry.
 *
 * Expired entries are invisible to every read at once; `purgeExpired` deletes them (run it
 * periodically under a singleton lock).
 */
import type { KvStore } from '../../../protocol/src/task-contract.ts';
import type { Executor } from '../storage/database.ts';
import { deleteKv, getKv, type KvRow, listAllKv, listKv, purgeExpiredKv, putKv } from '../storage/kv.ts';
import { assertKvKey, durationToMs, inferKvType, KvError, type KvType, toKvValue } from './kv-values.ts';
import { assertNamespace, NamespaceError } from './namespaces.ts';

export interface KvEntry {
  namespace: string;
  key: string;
  type: KvType;
  value: unknown;
  description?: string;
  expiresAt?: Date;
  createdAt: Date;
  updatedAt: Date;
}

export interface KvSetOptions {
  /** Time to live in milliseconds. */
  ttlMs?: number;
  /** Time to live as an ISO-8601 duration (PT1H, P7D); an alternative to `ttlMs`. */
  ttl?: string;
  /** When false, an existing live value is an error (default true). */
  overwrite?: boolean;
  /** Store as this type (default: inferred from the value). */
  type?: KvType;
  description?: string;
}

export interface KvServiceOptions {
  /** Clock in epoch ms (tests move it to expire values). */
  now?: () => number;
}

function toEntry(row: KvRow): KvEntry {
  return {
    namespace: row.namespace,
    key: row.key,
    type: row.type as KvType,
    value: row.value,
    ...(row.description === null ? {} : { description: row.description }),
    ...(row.expiresAt === null ? {} : { expiresAt: row.expiresAt }),
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

function checkNamespace(namespace: string): void {
  try {
    assertNamespace(namespace);
  } catch (e) {
    if (e instanceof NamespaceError) throw new KvError('INVALID_NAMESPACE', e.message);
    throw e;
  }
}

export class KvService implements KvStore {
  readonly #db: Executor;
  readonly #now: () => number;

  constructor(db: Executor, options: KvServiceOptions = {}) {
    this.#db = db;
    this.#now = options.now ?? Date.now;
  }

  async get(namespace: string, key: string): Promise<{ value: unknown } | undefined> {
    const entry = await this.entry(namespace, key);
    return entry === undefined ? undefined : { value: entry.value };
  }

  async set(namespace: string, key: string, value: unknown, options: KvSetOptions = {}): Promise<void> {
    checkNamespace(namespace);
    assertKvKey(key);
    const type = options.type ?? inferKvType(value);
    const stored = toKvValue(key, type, value);
    const now = this.#now();
    const ttlMs = this.#ttl(key, options);
    const written = await putKv(
      this.#db,
      {
        namespace,
        key,
        type,
        value: stored,
        description: options.description,
        expiresAt: ttlMs === undefined ? undefined : new Date(now + ttlMs),
      },
      new Date(now),
      options.overwrite ?? true,
    );
    if (!written) {
      throw new KvError(
        'KEY_EXISTS',
        `KV key '${key}' already exists in namespace '${namespace}' and overwrite is false; delete it first or allow overwrite`,
      );
    }
  }

  async delete(namespace: string, key: string): Promise<boolean> {
    checkNamespace(namespace);
    assertKvKey(key);
    return deleteKv(this.#db, namespace, key, new Date(this.#now()));
  }

  async keys(namespace: string, prefix?: string): Promise<string[]> {
    return (await this.list(namespace, prefix)).map((e) => e.key);
  }

  /** The entry of `key` in exactly `namespace`. */
  async entry(namespace: string, key: string): Promise<KvEntry | undefined> {
    checkNamespace(namespace);
    assertKvKey(key);
    const row = await getKv(this.#db, namespace, key, new Date(this.#now()));
    return row === undefined ? undefined : toEntry(row);
  }

  /** Live entries of a namespace, by key. */
  async list(namespace: string, prefix?: string): Promise<KvEntry[]> {
    checkNamespace(namespace);
    return (await listKv(this.#db, namespace, new Date(this.#now()), prefix)).map(toEntry);
  }

  /** Live entries of every namespace, or of a namespace and its children. */
  async listAll(namespacePrefix?: string): Promise<KvEntry[]> {
    if (namespacePrefix !== undefined) checkNamespace(namespacePrefix);
    return (await listAllKv(this.#db, new Date(this.#now()), namespacePrefix)).map(toEntry);
  }

  /** Deletes expired entries; returns how many. */
  async purgeExpired(): Promise<number> {
    return purgeExpiredKv(this.#db, new Date(this.#now()));
  }

  #ttl(key: string, options: KvSetOptions): number | undefined {
    if (options.ttlMs !== undefined && options.ttl !== undefined) {
      throw new KvError('INVALID_VALUE', `KV key '${key}': give the TTL once, as ttl or as ttlMs`);
    }
    const ms = options.ttl === undefined ? options.ttlMs : durationToMs(options.ttl);
    if (ms === undefined) {
      if (options.ttl !== undefined) {
        throw new KvError(
          'INVALID_VALUE',
          `KV key '${key}': TTL '${options.ttl}' is not an ISO-8601 duration such as PT1H or P7D`,
        );
      }
      return undefined;
    }
    if (!Number.isFinite(ms) || ms <= 0) {
      throw new KvError('INVALID_VALUE', `KV key '${key}': the TTL must be positive (got ${ms} ms)`);
    }
    return ms;
  }
}
