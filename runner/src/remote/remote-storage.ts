/**
 * Internal storage for a job on a remote runner: files live on the app, reached through the job's
 * lease. Uploads land in the job's own task-run folder whatever scope a plugin names (the app
 * decides where a job may write); reads are limited by the app to the job's namespace.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { InternalStorage, StorageScope } from '../../../protocol/src/internal-storage.ts';
import { StorageFileNotFound } from '../../../protocol/src/internal-storage.ts';
import type { LeaseRef } from '../../../protocol/src/runner-protocol.schema.ts';
import { type RunnerClient, retrying } from './runner-client.ts';

export class RemoteStorage implements InternalStorage {
  readonly #client: RunnerClient;
  readonly #lease: LeaseRef;

  constructor(client: RunnerClient, lease: LeaseRef) {
    this.#client = client;
    this.#lease = lease;
  }

  async put(_scope: StorageScope, name: string, data: Buffer | string | Readable): Promise<string> {
    if (!(data instanceof Readable)) {
      const bytes = typeof data === 'string' ? Buffer.from(data) : data;
      return retrying(() => this.#client.upload(this.#lease, name, bytes, bytes.length), { forMs: 60_000 });
    }
    // A stream's length is known once it is written down; the app wants it before the bytes.
    const dir = await mkdtemp(join(tmpdir(), 'osprey-upload-'));
    try {
      const path = join(dir, 'file');
      await pipeline(data, createWriteStream(path));
      const { size } = await stat(path);
      return await retrying(() => this.#client.upload(this.#lease, name, createReadStream(path), size), {
        forMs: 60_000,
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  async get(uri: string): Promise<Buffer> {
    const stream = await this.open(uri);
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  async open(uri: string): Promise<Readable> {
    const stream = await retrying(() => this.#client.download(this.#lease, uri), { forMs: 60_000 });
    if (stream === undefined) throw new StorageFileNotFound(uri);
    return stream;
  }

  async exists(uri: string): Promise<boolean> {
    return (await retrying(() => this.#client.size(this.#lease, uri), { forMs: 60_000 })) !== undefined;
  }

  async size(uri: string): Promise<number> {
    const size = await retrying(() => this.#client.size(this.#lease, uri), { forMs: 60_000 });
    if (size === undefined) throw new StorageFileNotFound(uri);
    return size;
  }

  delete(uri: string): Promise<boolean> {
    return retrying(() => this.#client.deleteFile(this.#lease, uri), { forMs: 60_000 });
  }
}
