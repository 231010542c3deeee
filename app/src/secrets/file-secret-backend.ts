/**
 * Read-only secrets from a directory with one file per secret, such as a mounted Kubernetes secret
 * (`/var/run/secrets/<team>/SLACK_WEBHOOK`). Kubernetes mounts keys as symlinks into a `..data`
 * folder of the same directory; those resolve. A name never leaves the directory: separators and
 * hidden names are refused, and a symlink pointing outside is refused too.
 *
 * One trailing newline is dropped from a file's content (`echo value > NAME` adds it); any other
 * whitespace is kept.
 */
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import {
  assertSecretName,
  isValidSecretName,
  readOnlyError,
  type SecretBackend,
  SecretError,
  type SecretInfo,
} from './secret-backend.ts';

export interface FileSecretBackendOptions {
  dir: string;
}

export class FileSecretBackend implements SecretBackend {
  readonly kind = 'file' as const;
  readonly readOnly = true;
  readonly #dir: string;

  constructor(options: FileSecretBackendOptions) {
    this.#dir = resolve(options.dir);
  }

  async get(namespace: string, name: string): Promise<string | undefined> {
    assertSecretName(name);
    const file = await this.#resolve(name);
    if (file === undefined) return undefined;
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      throw new SecretError(
        'UNREADABLE',
        `secret ${name} in namespace ${namespace}: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? 'error'}); check the mount and its permissions`,
      );
    }
    return text.replace(/\r?\n$/, '');
  }

  async list(namespace: string): Promise<SecretInfo[]> {
    let names: string[];
    try {
      names = await readdir(this.#dir);
    } catch {
      return [];
    }
    const out: SecretInfo[] = [];
    for (const name of names.sort()) {
      if (!isValidSecretName(name)) continue;
      const file = await this.#resolve(name).catch(() => undefined);
      if (file !== undefined) out.push({ namespace, name, backend: this.kind, readOnly: true });
    }
    return out;
  }

  async set(namespace: string, name: string, _value?: string): Promise<void> {
    throw readOnlyError(this.kind, namespace, name);
  }

  async delete(namespace: string, name: string): Promise<boolean> {
    throw readOnlyError(this.kind, namespace, name);
  }

  /** The real path of the secret's file, or undefined when there is none; refuses escapes. */
  async #resolve(name: string): Promise<string | undefined> {
    let root: string;
    let real: string;
    try {
      root = await realpath(this.#dir);
      real = await realpath(join(this.#dir, name));
    } catch {
      return undefined;
    }
    const rel = relative(root, real);
    if (rel === '' || rel.startsWith(`..${sep}`) || rel === '..' || resolve(root, rel) !== real) {
      throw new SecretError(
        'UNREADABLE',
        `secret ${name}: ${join(this.#dir, name)} points outside the secrets directory ${this.#dir}; refusing to read it`,
      );
    }
    const info = await stat(real);
    return info.isFile() ? real : undefined;
  }
}
