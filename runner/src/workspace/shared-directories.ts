/**
 * The folders a remote runner keeps for WorkingDirectory tasks: one per affinity key (the
 * WorkingDirectory task run id), created when its first child arrives — with the WorkingDirectory's
 * namespace files and `inputFiles` laid down — handed to every child as its working directory, and
 * deleted when the server says the WorkingDirectory ended (the claim answer's
 * `finishedWorkingDirectories`), or with everything else when the runner stops or starts again.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JobAffinity } from '../../../protocol/src/job.ts';
import { type FilesContext, layDownFiles } from './working-directory.ts';

export class SharedDirectories {
  readonly #dirs = new Map<string, Promise<string>>();
  readonly #fixedRoot: string | undefined;
  #root: Promise<string> | undefined;

  /** `root`: a folder of this runner only (emptied at start); default: a new temp folder. */
  constructor(root?: string) {
    this.#fixedRoot = root;
  }

  /** Folders held now. */
  get size(): number {
    return this.#dirs.size;
  }

  /** The folder of `affinity.key`, created (and filled) by the first caller. */
  acquire(affinity: JobAffinity, ctx: FilesContext): Promise<string> {
    let dir = this.#dirs.get(affinity.key);
    if (dir === undefined) {
      dir = this.#create(affinity, ctx);
      this.#dirs.set(affinity.key, dir);
      // A folder that could not be filled is not kept: a retry starts afresh.
      dir.catch(() => this.#dirs.delete(affinity.key));
    }
    return dir;
  }

  async release(keys: readonly string[]): Promise<void> {
    for (const key of keys) {
      const dir = this.#dirs.get(key);
      if (dir === undefined) continue;
      this.#dirs.delete(key);
      const path = await dir.catch(() => undefined);
      if (path !== undefined) await rm(path, { recursive: true, force: true });
    }
  }

  /** Removes every folder (the runner stops). */
  async close(): Promise<void> {
    this.#dirs.clear();
    const root = await this.#root?.catch(() => undefined);
    this.#root = undefined;
    if (root !== undefined) await rm(root, { recursive: true, force: true });
  }

  async #create(affinity: JobAffinity, ctx: FilesContext): Promise<string> {
    const path = await mkdtemp(join(await this.#rootFolder(), 'wd-'));
    try {
      await layDownFiles(ctx, path, affinity, `task '${affinity.taskId}'`);
      return path;
    } catch (e) {
      await rm(path, { recursive: true, force: true });
      throw e;
    }
  }

  #rootFolder(): Promise<string> {
    this.#root ??= (async () => {
      if (this.#fixedRoot === undefined) return mkdtemp(join(tmpdir(), 'osprey-runner-wd-'));
      // Left over from a runner that died: nothing will ever ask for those folders again.
      await rm(this.#fixedRoot, { recursive: true, force: true });
      await mkdir(this.#fixedRoot, { recursive: true });
      return this.#fixedRoot;
    })();
    return this.#root;
  }
}
