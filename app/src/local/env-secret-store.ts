/**
 * Secrets for `osprey run`, by Kestra OSS's convention: `secret('NAME')` reads the environment
 * variable `SECRET_NAME`, whose value is base64-encoded. Namespaces do not partition them (as in
 * Kestra OSS). Secrets never live in the repository, so there is no file form.
 */
import type { SecretStore } from '../execution/contract.ts';

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export class EnvSecretStore implements SecretStore {
  readonly #env: Readonly<Record<string, string | undefined>>;

  constructor(env: Readonly<Record<string, string | undefined>> = process.env) {
    this.#env = env;
  }

  async get(_namespace: string, name: string): Promise<string | undefined> {
    const variable = `SECRET_${name}`;
    const raw = this.#env[variable];
    if (raw === undefined) return undefined;
    const compact = raw.replace(/\s+/g, '');
    if (!BASE64.test(compact) || compact.length % 4 === 1) {
      throw new Error(
        `environment variable ${variable} is not base64-encoded; set it with ${variable}=$(printf %s 'the value' | base64)`,
      );
    }
    return Buffer.from(compact, 'base64').toString('utf8');
  }

  /** Secret names present in the environment (for "did you mean" messages). */
  names(): string[] {
    return Object.keys(this.#env)
      .filter((k) => k.startsWith('SECRET_') && k.length > 'SECRET_'.length)
      .map((k) => k.slice('SECRET_'.length))
      .sort();
  }
}
