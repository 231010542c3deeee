/**
 * Internal storage: files produced and consumed by tasks, addressed by URI. Kestra writes
 * `kestra:///<namespace path>/<flow>/executions/<id>/tasks/<task>/<taskrun>/<file>`; Osprey accepts
 * that scheme as written. Backends implement this interface and throw these errors (the server's
 * local folders, the remote runner's HTTP storage).
 */
import type { Readable } from 'node:stream';

export interface StorageScope {
  namespace: string;
  flowId: string;
  executionId: string;
  taskId?: string;
  taskRunId?: string;
}

export interface InternalStorage {
  /** Store bytes under a new URI inside `scope`; `name` is the file name (extension kept). */
  put(scope: StorageScope, name: string, data: Buffer | string | Readable): Promise<string>;
  get(uri: string): Promise<Buffer>;
  /** A stream of the file (large files). */
  open(uri: string): Promise<Readable>;
  exists(uri: string): Promise<boolean>;
  size(uri: string): Promise<number>;
  delete(uri: string): Promise<boolean>;
  /** Absolute local path when the backend is a local folder (script tasks copy from it). */
  localPath?(uri: string): string;
  /**
   * Delete every file of an execution (what `put` stored in its scope or under it); the URIs
   * deleted. Backends the server holds have it (retention, PurgeCurrentExecutionFiles).
   */
  deleteExecution?(scope: Pick<StorageScope, 'namespace' | 'flowId' | 'executionId'>): Promise<string[]>;
}

/** A URI that cannot name a file of this storage (wrong scheme, traversal, empty). */
export class InvalidStorageUri extends Error {
  constructor(uri: string, reason: string) {
    super(
      `internal storage URI '${uri}' ${reason}; use a URI produced by a task output, e.g. {{ outputs.write.uri }}`,
    );
    this.name = 'InvalidStorageUri';
  }
}

export class StorageFileNotFound extends Error {
  readonly uri: string;
  constructor(uri: string) {
    super(
      `internal storage file '${uri}' does not exist (deleted, or produced by another execution or machine)`,
    );
    this.name = 'StorageFileNotFound';
    this.uri = uri;
  }
}
