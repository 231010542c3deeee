/**
 * KV store for `osprey run`: no database, one JSON file per key under `.osprey/kv/<namespace>/`.
 * A repository can ship values for local runs in `namespaces/<namespace>/kv.yaml` (a map of
 * key: value); those seeds are read-only: a Set overrides a seed in `.osprey/kv`, a Delete hides it
 * with a tombstone, and `kv.yaml` is never written. Deleting `.osprey/kv` resets the local state.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { KvStore } from '../execution/contract.ts';

const NAMESPACE = /^[a-z0-9][a-z0-9._-]*$/;

type Entry = { value: unknown; expiresAt?: number; updatedAt: string } | { deleted: true; updatedAt: string };

export interface FileKvStoreOptions {
  /** Where values are written, e.g. `<repo>/.osprey/kv`. */
  dir: string;
  /** The repository's namespaces folder (`<repo>/namespaces`) holding `<ns>/kv.yaml` seeds; none when absent. */
  seedDir?: string;
  now?: () => number;
}

export class FileKvStore implements KvStore {
  readonly #dir: string;
  readonly #seedDir: string | undefined;
  readonly #now: () => number;

  constructor(options: FileKvStoreOptions) {
    this.#dir = options.dir;
    this.#seedDir = options.seedDir;
    this.#now = options.now ?? Date.now;
  }

  async get(namespace: string, key: string): Promise<{ value: unknown } | undefined> {
    const entry = await this.#read(namespace, key);
    if (entry !== undefined) return 'deleted' in entry ? undefined : { value: entry.value };
    const seeds = await this.#seeds(namespace);
    return seeds.has(key) ? { value: seeds.get(key) } : undefined;
  }

  async set(
    namespace: string,
    key: string,
    value: unknown,
    options?: { ttlMs?: number; overwrite?: boolean },
  ): Promise<void> {
    if (options?.overwrite === false && (await this.get(namespace, key)) !== undefined) {
      throw new Error(`KV key '${key}' already exists in namespace '${namespace}' and overwrite is false`);
    }
    const entry: Entry = {
      value,
      updatedAt: new Date(this.#now()).toISOString(),
      ...(options?.ttlMs === undefined ? {} : { expiresAt: this.#now() + options.ttlMs }),
    };
    await this.#write(namespace, key, entry);
  }

  async delete(namespace: string, key: string): Promise<boolean> {
    const existed = (await this.get(namespace, key)) !== undefined;
    if ((await this.#seeds(namespace)).has(key)) {
      // The seed file is read-only: hide its value.
      await this.#write(namespace, key, { deleted: true, updatedAt: new Date(this.#now()).toISOString() });
    } else {
      await rm(this.#file(namespace, key), { force: true });
    }
    return existed;
  }

  async keys(namespace: string, prefix?: string): Promise<string[]> {
    const names = new Set((await this.#seeds(namespace)).keys());
    let files: string[] = [];
    try {
      files = await readdir(this.#folder(namespace));
    } catch {
      // No value written in this namespace yet.
    }
    for (const f of files) {
      if (!f.endsWith('.json')) continue;
      const key = decodeURIComponent(f.slice(0, -'.json'.length));
      const entry = await this.#read(namespace, key);
      if (entry === undefined || 'deleted' in entry) names.delete(key);
      else names.add(key);
    }
    return [...names].filter((k) => prefix === undefined || k.startsWith(prefix)).sort();
  }

  #folder(namespace: string): string {
    if (!NAMESPACE.test(namespace)) {
      throw new Error(
        `'${namespace}' is not a valid namespace for the KV store (lower-case letters, digits, '.', '_', '-')`,
      );
    }
    return join(this.#dir, namespace);
  }

  #file(namespace: string, key: string): string {
    if (key === '') throw new Error('a KV key cannot be empty');
    return join(this.#folder(namespace), `${encodeURIComponent(key)}.json`);
  }

  /** The stored entry; undefined when absent or expired (an expired file is removed). */
  async #read(namespace: string, key: string): Promise<Entry | undefined> {
    const file = this.#file(namespace, key);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      return undefined;
    }
    let entry: Entry;
    try {
      entry = JSON.parse(text) as Entry;
    } catch {
      throw new Error(`KV file ${file} is not valid JSON; delete it to drop the value`);
    }
    if (!('deleted' in entry) && entry.expiresAt !== undefined && entry.expiresAt <= this.#now()) {
      await rm(file, { force: true });
      return undefined;
    }
    return entry;
  }

  async #write(namespace: string, key: string, entry: Entry): Promise<void> {
    const file = this.#file(namespace, key);
    await mkdir(this.#folder(namespace), { recursive: true });
    // Write then rename, so a concurrent reader (another `osprey run`) never sees half a file.
    const tmp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
    await writeFile(tmp, JSON.stringify(entry));
    await rename(tmp, file);
  }

  async #seeds(namespace: string): Promise<Map<string, unknown>> {
    if (this.#seedDir === undefined) return new Map();
    this.#folder(namespace);
    const file = join(this.#seedDir, namespace, 'kv.yaml');
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      return new Map();
    }
    let doc: unknown;
    try {
      doc = parse(text);
    } catch (e) {
      throw new Error(
        `${file}: invalid YAML (${(e as Error).message.split('\n')[0]}); it must be a map of key: value`,
      );
    }
    if (doc === null || doc === undefined) return new Map();
    if (typeof doc !== 'object' || Array.isArray(doc))
      throw new Error(`${file}: must be a YAML map of key: value`);
    return new Map(Object.entries(doc));
  }
}
