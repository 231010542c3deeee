/**
 * Internal storage with a folder per namespace (`OSPREY_STORAGE_BACKENDS`): a file is written to
 * the folder of its scope's namespace, and a URI is read from the folder of the namespace it names
 * (`kestra:///<namespace as path>/<flow>/executions/...`).
 */
import type { Readable } from 'node:stream';
import type { InternalStorage, StorageScope } from '../../../protocol/src/internal-storage.ts';
import { type ServerConfig, storageFor } from '../config/server.schema.ts';
import { LocalFolderStorage } from './local-folder-storage.ts';

export class NamespacedStorage implements InternalStorage {
  readonly #config: ServerConfig;
  readonly #folders = new Map<string, LocalFolderStorage>();

  constructor(config: ServerConfig) {
    this.#config = config;
  }

  put(scope: StorageScope, name: string, data: Buffer | string | Readable): Promise<string> {
    return this.#for(scope.namespace).put(scope, name, data);
  }
  get(uri: string): Promise<Buffer> {
    return this.#forUri(uri).get(uri);
  }
  open(uri: string): Promise<Readable> {
    return this.#forUri(uri).open(uri);
  }
  exists(uri: string): Promise<boolean> {
    return this.#forUri(uri).exists(uri);
  }
  size(uri: string): Promise<number> {
    return this.#forUri(uri).size(uri);
  }
  delete(uri: string): Promise<boolean> {
    return this.#forUri(uri).delete(uri);
  }
  /** Deletes every file of an execution, in its namespace's folder (retention); the URIs deleted. */
  deleteExecution(scope: Pick<StorageScope, 'namespace' | 'flowId' | 'executionId'>): Promise<string[]> {
    return this.#for(scope.namespace).deleteExecution(scope);
  }
  localPath(uri: string): string {
    return this.#forUri(uri).localPath(uri);
  }

  #for(namespace: string): LocalFolderStorage {
    const { dir } = storageFor(this.#config, namespace);
    let storage = this.#folders.get(dir);
    if (storage === undefined) {
      storage = new LocalFolderStorage(dir);
      this.#folders.set(dir, storage);
    }
    return storage;
  }

  /** The namespace is the path before `<flow>/executions/`. */
  #forUri(uri: string): LocalFolderStorage {
    const segments = uri
      .replace(/^kestra:\/\//, '')
      .replace(/^\/+/, '')
      .split('/');
    const at = segments.indexOf('executions');
    return this.#for(at >= 2 ? segments.slice(0, at - 1).join('.') : '');
  }
}
