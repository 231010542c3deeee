/**
 * Namespace files of a repository at an execution's pinned commit, read from a cached mirror
 * (`GitMirror`): only `<namespaces>/<namespace>/files/**` at that SHA is fetched and read, never the
 * whole repository. `.osprey.yml` at the same commit says where the namespaces folder is. Regular
 * files only: symbolic links and submodules in the tree are skipped.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { RepoConfig } from '../../../flows-schema/src/repo-config.ts';
import { TaskFailure } from '../../../protocol/src/task-contract.ts';
import { GitMirror } from './git-mirror.ts';
import { type GitCredential, mirrorPath, splitCredential } from './git-url.ts';
import { checkNamespace, type NamespaceFilesProvider } from './namespace-files.ts';

export type { GitCredential } from './git-url.ts';

export interface GitSource {
  /** Clone URL; user info in it (`https://x-access-token:T@host/o/r.git`) is used as the credential. */
  repository: string;
  /** The execution's pinned commit: a full SHA. */
  sha: string;
  credential?: GitCredential;
}

const FULL_SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/i;
const REGULAR_FILE = new Set(['100644', '100755']);

/** Mirrors under one cache folder; `at(source)` gives the namespace files of one commit. */
export class GitMirrorCache {
  readonly cacheDir: string;

  constructor(options: { cacheDir?: string } = {}) {
    this.cacheDir = options.cacheDir ?? defaultCacheDir();
  }

  mirrorPath(repository: string): string {
    return mirrorPath(this.cacheDir, splitCredential(repository).url);
  }

  at(source: GitSource): GitNamespaceFiles {
    if (!FULL_SHA.test(source.sha)) {
      throw new TaskFailure(
        `git: '${source.sha}' is not a full commit SHA; executions are pinned to the 40-character SHA they started from`,
        { retryable: false },
      );
    }
    const { url, credential } = splitCredential(source.repository);
    const mirror = new GitMirror(this.mirrorPath(url), url, source.credential ?? credential);
    return new GitNamespaceFiles(mirror, source.sha.toLowerCase());
  }
}

export class GitNamespaceFiles implements NamespaceFilesProvider {
  readonly #mirror: GitMirror;
  readonly #sha: string;
  readonly #namespaces = new Map<string, Promise<Map<string, Buffer>>>();
  #folder: Promise<string> | undefined;

  constructor(mirror: GitMirror, sha: string) {
    this.#mirror = mirror;
    this.#sha = sha;
  }

  get sha(): string {
    return this.#sha;
  }

  read(namespace: string): Promise<Map<string, Buffer>> {
    checkNamespace(namespace, 'namespace files');
    let files = this.#namespaces.get(namespace);
    if (files === undefined) {
      files = this.#load(namespace);
      // A failed read (network) may succeed next time; keep only successes.
      files.catch(() => this.#namespaces.delete(namespace));
      this.#namespaces.set(namespace, files);
    }
    return files;
  }

  async #load(namespace: string): Promise<Map<string, Buffer>> {
    const root = await this.#namespacesFolder();
    const folder = [root, namespace, 'files'].filter((p) => p !== '').join('/');
    await this.#mirror.ensure(this.#sha, [folder]);
    const entries = (await this.#mirror.list(this.#sha, `${folder}/`)).filter(
      (e) => e.type === 'blob' && REGULAR_FILE.has(e.mode),
    );
    const blobs = await this.#mirror.read([...new Set(entries.map((e) => e.oid))]);
    const files = new Map<string, Buffer>();
    for (const e of entries) files.set(e.path.slice(folder.length + 1), blobs.get(e.oid) ?? Buffer.alloc(0));
    return files;
  }

  /** The namespaces folder named by `.osprey.yml` at this commit (default `namespaces`). */
  #namespacesFolder(): Promise<string> {
    this.#folder ??= (async () => {
      await this.#mirror.ensure(this.#sha, ['.osprey.yml']);
      const entry = (await this.#mirror.list(this.#sha, '.osprey.yml')).find((e) => e.path === '.osprey.yml');
      let folder = RepoConfig.parse({}).namespaceFiles;
      if (entry !== undefined) {
        const text = (await this.#mirror.read([entry.oid])).get(entry.oid)?.toString('utf8') ?? '';
        folder = configuredFolder(text, `.osprey.yml at ${this.#sha.slice(0, 12)}`);
      }
      return folder
        .replace(/^\.\/+/, '')
        .replace(/\/+$/, '')
        .replace(/^\.$/, '');
    })();
    this.#folder.catch(() => {
      this.#folder = undefined;
    });
    return this.#folder;
  }
}

function configuredFolder(text: string, where: string): string {
  let parsed: ReturnType<typeof RepoConfig.safeParse>;
  try {
    parsed = RepoConfig.safeParse(parse(text) ?? {});
  } catch (e) {
    throw new TaskFailure(`${where}: ${(e as Error).message.split('\n')[0]}; fix .osprey.yml`, {
      retryable: false,
    });
  }
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new TaskFailure(
      `${where}: ${issue?.path.join('.') || 'document'}: ${issue?.message}; fix .osprey.yml`,
      {
        retryable: false,
      },
    );
  }
  const folder = parsed.data.namespaceFiles;
  if (folder.split('/').includes('..') || folder.startsWith('/')) {
    throw new TaskFailure(`${where}: namespaceFiles '${folder}' must be a folder inside the repository`, {
      retryable: false,
    });
  }
  return folder;
}

/** `$XDG_CACHE_HOME/osprey/git`, else `~/.cache/osprey/git`. */
export function defaultCacheDir(): string {
  const base = process.env['XDG_CACHE_HOME'] || join(homedir(), '.cache');
  return join(base, 'osprey', 'git');
}
