/**
 * Namespace files from a local repository (`osprey run`, `osprey dev`): the working tree's
 * `namespaces/<namespace>/files/**`, uncommitted changes included. `.osprey.yml`'s `namespaceFiles`
 * key moves the root folder. Symbolic links are skipped: a link in the repository must not expose a
 * file from elsewhere on the machine.
 */
import type { Dirent } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { parse } from 'yaml';
import { RepoConfig } from '../../../flows-schema/src/repo-config.ts';
import { TaskFailure } from '../../../protocol/src/task-contract.ts';
import { confine } from './confine.ts';
import { checkNamespace, type NamespaceFilesProvider } from './namespace-files.ts';

export class LocalNamespaceFiles implements NamespaceFilesProvider {
  readonly #root: string;
  readonly #folder: string | undefined;
  #resolved: Promise<string> | undefined;

  /** `folder` (relative to the repository) wins over `.osprey.yml`; by default it is read from there. */
  constructor(repositoryRoot: string, options: { folder?: string } = {}) {
    this.#root = resolve(repositoryRoot);
    this.#folder = options.folder;
  }

  async read(namespace: string): Promise<Map<string, Buffer>> {
    checkNamespace(namespace, 'namespace files');
    const base = join(await this.#namespacesFolder(), namespace, 'files');
    const files = new Map<string, Buffer>();
    let entries: Dirent[];
    try {
      entries = await readdir(base, { withFileTypes: true, recursive: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return files;
      throw e;
    }
    for (const entry of entries) {
      if (!entry.isFile()) continue;
      const path = join(entry.parentPath, entry.name);
      files.set(relative(base, path).split(sep).join('/'), await readFile(path));
    }
    return new Map([...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }

  /** The folder holding `<namespace>/files`, resolved once. */
  #namespacesFolder(): Promise<string> {
    this.#resolved ??= (async () => {
      const folder = this.#folder ?? (await this.#configuredFolder());
      const normalized = folder.replace(/^\.\/+/, '').replace(/\/+$/, '');
      return normalized === '' || normalized === '.'
        ? this.#root
        : confine(this.#root, normalized, `.osprey.yml namespaceFiles`);
    })();
    return this.#resolved;
  }

  async #configuredFolder(): Promise<string> {
    const file = join(this.#root, '.osprey.yml');
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      return RepoConfig.parse({}).namespaceFiles;
    }
    let document: unknown;
    try {
      document = parse(text) ?? {};
    } catch (e) {
      throw invalidConfig(file, (e as Error).message.split('\n')[0] ?? 'not YAML');
    }
    const parsed = RepoConfig.safeParse(document);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw invalidConfig(file, `${issue?.path.join('.') || 'document'}: ${issue?.message ?? 'invalid'}`);
    }
    return parsed.data.namespaceFiles;
  }
}

function invalidConfig(file: string, problem: string): TaskFailure {
  return new TaskFailure(`${file}: ${problem}; fix .osprey.yml (see the repository convention in the docs)`, {
    retryable: false,
  });
}
