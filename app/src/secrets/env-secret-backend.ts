/**
 * Read-only secrets from environment variables, by Kestra OSS's convention: `secret('NAME')` reads
 * `SECRET_NAME`, base64-encoded. Names are matched as Kestra does, upper-cased: `secret('my_key')`
 * reads `SECRET_MY_KEY` (an exact `SECRET_my_key` is read first). The prefix is configurable (a team's backend can read
 * `FINANCE_SECRET_*`) and values may be plain text. Namespaces do not partition the environment:
 * every namespace this backend serves sees the same variables.
 */
import {
  assertSecretName,
  readOnlyError,
  type SecretBackend,
  SecretError,
  type SecretInfo,
} from './secret-backend.ts';

export interface EnvSecretBackendOptions {
  /** Variable prefix (default `SECRET_`). */
  prefix?: string;
  /** Values are base64-encoded (default true, as in Kestra). */
  base64?: boolean;
  env?: Readonly<Record<string, string | undefined>>;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export class EnvSecretBackend implements SecretBackend {
  readonly kind = 'env' as const;
  readonly readOnly = true;
  readonly #prefix: string;
  readonly #base64: boolean;
  readonly #env: Readonly<Record<string, string | undefined>>;

  constructor(options: EnvSecretBackendOptions = {}) {
    this.#prefix = options.prefix ?? 'SECRET_';
    this.#base64 = options.base64 ?? true;
    this.#env = options.env ?? process.env;
  }

  async get(_namespace: string, name: string): Promise<string | undefined> {
    assertSecretName(name);
    const exact = `${this.#prefix}${name}`;
    const variable = this.#env[exact] === undefined ? `${this.#prefix}${name.toUpperCase()}` : exact;
    const raw = this.#env[variable];
    if (raw === undefined) return undefined;
    if (!this.#base64) return raw;
    const compact = raw.replace(/\s+/g, '');
    if (!BASE64.test(compact) || compact.length % 4 === 1) {
      // Never echo the value: it is the secret.
      throw new SecretError(
        'UNREADABLE',
        `environment variable ${variable} is not base64-encoded; set it with ${variable}=$(printf %s 'the value' | base64)`,
      );
    }
    return Buffer.from(compact, 'base64').toString('utf8');
  }

  howToDefine(name: string): string {
    const variable = `${this.#prefix}${name.toUpperCase()}`;
    return this.#base64
      ? `set the environment variable ${variable} to its base64-encoded value: ${variable}=$(printf %s 'the value' | base64 -w 0)`
      : `set the environment variable ${variable}`;
  }

  async list(namespace: string): Promise<SecretInfo[]> {
    return Object.keys(this.#env)
      .filter((k) => k.startsWith(this.#prefix) && k.length > this.#prefix.length)
      .map((k) => k.slice(this.#prefix.length))
      .filter((name) => /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(name))
      .sort()
      .map((name) => ({ namespace, name, backend: this.kind, readOnly: true }));
  }

  async set(namespace: string, name: string, _value?: string): Promise<void> {
    throw readOnlyError(this.kind, namespace, name);
  }

  async delete(namespace: string, name: string): Promise<boolean> {
    throw readOnlyError(this.kind, namespace, name);
  }
}
