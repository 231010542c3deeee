/**
 * Internal storage in a local folder (`osprey run`, `osprey dev`, the Action). A URI maps one to one
 * onto a path under the base folder, in Kestra's layout:
 * `kestra:///<namespace as path>/<flow>/executions/<execution>/tasks/<task>/<taskrun>/<random>-<name>`.
 * Every URI is checked before it touches the disk: a URI coming from a flow (an output, an input, a
 * template) must not reach outside the base folder.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  type InternalStorage,
  InvalidStorageUri,
  StorageFileNotFound,
  type StorageScope,
} from '../../../protocol/src/internal-storage.ts';

const SCHEME = 'kestra://';

export class LocalFolderStorage implements InternalStorage {
  readonly #base: string;

  constructor(baseDir: string) {
    this.#base = resolve(baseDir);
  }

  get baseDir(): string {
    return this.#base;
  }

  async put(scope: StorageScope, name: string, data: Buffer | string | Readable): Promise<string> {
    const segments = [
      ...scope.namespace.split('.'),
      scope.flowId,
      'executions',
      scope.executionId,
      ...(scope.taskId === undefined ? [] : ['tasks', scope.taskId]),
      ...(scope.taskRunId === undefined ? [] : [scope.taskRunId]),
      `${randomBytes(8).toString('hex')}-${safeFileName(name)}`,
    ];
    for (const s of segments) checkSegment(segments.join('/'), s);
    const uri = `${SCHEME}/${segments.map(encodeURIComponent).join('/')}`;
    const path = this.localPath(uri);
    await mkdir(dirname(path), { recursive: true });
    if (data instanceof Readable) await pipeline(data, createWriteStream(path));
    else await writeFile(path, data);
    return uri;
  }

  /**
   * Deletes every file of an execution (retention, PurgeCurrentExecutionFiles); a folder already
   * gone is fine. The URIs of the files deleted, sorted.
   */
  async deleteExecution(
    scope: Pick<StorageScope, 'namespace' | 'flowId' | 'executionId'>,
  ): Promise<string[]> {
    const segments = [...scope.namespace.split('.'), scope.flowId, 'executions', scope.executionId];
    for (const s of segments) checkSegment(segments.join('/'), s);
    const folder = resolve(this.#base, ...segments);
    const entries = await readdir(folder, { recursive: true, withFileTypes: true }).catch((e) => {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    });
    const uris = entries
      .filter((e) => e.isFile())
      .map((e) => {
        const rel = relative(this.#base, join(e.parentPath, e.name)).split(sep);
        return `${SCHEME}/${rel.map(encodeURIComponent).join('/')}`;
      })
      .sort();
    await rm(folder, { recursive: true, force: true });
    return uris;
  }

  async get(uri: string): Promise<Buffer> {
    try {
      return await readFile(this.localPath(uri));
    } catch (e) {
      throw notFoundOr(uri, e);
    }
  }

  async open(uri: string): Promise<Readable> {
    const path = this.localPath(uri);
    // Opening lazily would report a missing file as a stream error; check first for a clear message.
    if (!(await this.exists(uri))) throw new StorageFileNotFound(uri);
    return createReadStream(path);
  }

  async exists(uri: string): Promise<boolean> {
    try {
      return (await stat(this.localPath(uri))).isFile();
    } catch {
      return false;
    }
  }

  async size(uri: string): Promise<number> {
    try {
      return (await stat(this.localPath(uri))).size;
    } catch (e) {
      throw notFoundOr(uri, e);
    }
  }

  async delete(uri: string): Promise<boolean> {
    const path = this.localPath(uri);
    if (!(await this.exists(uri))) return false;
    await rm(path, { force: true });
    return true;
  }

  /** The absolute path of a URI; throws InvalidStorageUri when it would leave the base folder. */
  localPath(uri: string): string {
    if (!uri.startsWith(SCHEME)) throw new InvalidStorageUri(uri, `does not start with ${SCHEME}`);
    // Kestra writes kestra:///ns/...; kestra://ns/... (the namespace read as a host) means the same.
    const rest = uri.slice(SCHEME.length).replace(/^\/+/, '').split(/[?#]/)[0] ?? '';
    if (rest === '') throw new InvalidStorageUri(uri, 'names no file');
    if (rest.includes('\\')) throw new InvalidStorageUri(uri, 'contains a backslash');
    const segments = rest.split('/').map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        throw new InvalidStorageUri(uri, 'has an invalid percent-encoding');
      }
    });
    for (const s of segments) checkSegment(uri, s);
    const path = resolve(this.#base, ...segments);
    const rel = relative(this.#base, path);
    if (rel === '' || rel.startsWith(`..${sep}`) || rel === '..' || isAbsolute(rel)) {
      throw new InvalidStorageUri(uri, 'points outside the internal storage');
    }
    return path;
  }
}

function checkSegment(uri: string, segment: string): void {
  if (segment === '') throw new InvalidStorageUri(uri, 'has an empty path segment');
  if (segment === '.' || segment === '..')
    throw new InvalidStorageUri(uri, `contains a '${segment}' segment`);
  if (/[/\\\0]/.test(segment))
    throw new InvalidStorageUri(uri, 'has a path segment with a slash, backslash or NUL');
}

/** Keep a caller's file name readable but harmless (no separators, bounded length). */
function safeFileName(name: string): string {
  const base = name.replace(/[/\\\0]/g, '_') || 'file';
  return base.length > 120 ? base.slice(-120) : base;
}

function notFoundOr(uri: string, e: unknown): Error {
  if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'EISDIR') {
    return new StorageFileNotFound(uri);
  }
  return e as Error;
}
