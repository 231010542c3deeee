/**
 * Internal storage: files produced and consumed by tasks, addressed by URI. Kestra writes
 * `kestra:///<namespace path>/<flow>/executions/<id>/tasks/<task>/<taskrun>/<file>`; Osprey accepts
 * that scheme as written. Backends implement this interface (local folder now; others later).
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
}
