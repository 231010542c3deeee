/**
 * Secrets as the rest of Osprey sees them: per-namespace backend selection (team-level
 * isolation), lookups with namespace inheritance, refusals of writes to read-only backends.
 * `secret('NAME')` in expressions is rendered by `execution/render.ts`, which registers every
 * resolved value with the execution's masker.
 */
import { assertNamespace, isUnder, NamespaceError, namespaceChain } from '../kv/namespaces.ts';
import type { Executor } from '../storage/database.ts';
import { EnvSecretBackend } from './env-secret-backend.ts';
import { FileSecretBackend } from './file-secret-backend.ts';
import type { MasterKey } from './master-key.ts';
import { PostgresSecretBackend } from './postgres-secret-backend.ts';
import {
  assertSecretName,
  readOnlyError,
  type SecretBackend,
  SecretError,
  type SecretInfo,
} from './secret-backend.ts';
import type { SecretBackendSpec, SecretBackendsConfig } from './secret-backends.schema.ts';

export interface NamespaceBackend {
  /** The namespace (and its children) served; `*` for the default. */
  namespace: string;
  backend: SecretBackend;
}

export interface SecretServiceOptions {
  /** Serves namespaces no entry matches. */
  defaultBackend: SecretBackend;
  backends?: readonly NamespaceBackend[];
}

/** Where a secret was found. */
export interface ResolvedSecret {
  namespace: string;
  value: string;
  backend: SecretBackend['kind'];
}

function checkNamespace(namespace: string): void {
  try {
    assertNamespace(namespace);
  } catch (e) {
    if (e instanceof NamespaceError) throw new SecretError('INVALID_NAME', e.message);
    throw e;
  }
}

export class SecretService {
  readonly #default: SecretBackend;
  readonly #backends: NamespaceBackend[];

  constructor(options: SecretServiceOptions) {
    this.#default = options.defaultBackend;
    // Longest namespace first: the most specific entry wins.
    this.#backends = [...(options.backends ?? [])]
      .filter((b) => b.namespace !== '*')
      .sort((a, b) => b.namespace.length - a.namespace.length);
    const star = options.backends?.find((b) => b.namespace === '*');
    if (star !== undefined) this.#default = star.backend;
  }

  /** The backend that holds the secrets of exactly this namespace. */
  backendFor(namespace: string): SecretBackend {
    return this.#backends.find((b) => isUnder(namespace, b.namespace))?.backend ?? this.#default;
  }

  /** The secret of exactly this namespace. */
  async get(namespace: string, name: string): Promise<string | undefined> {
    checkNamespace(namespace);
    assertSecretName(name);
    return this.backendFor(namespace).get(namespace, name);
  }

  /** How to define a missing secret of this namespace, from its backend. */
  howToDefine(name: string, namespace: string): string | undefined {
    return this.backendFor(namespace).howToDefine?.(name);
  }

  async set(
    namespace: string,
    name: string,
    value: string,
    options: { description?: string } = {},
  ): Promise<void> {
    checkNamespace(namespace);
    assertSecretName(name);
    const backend = this.backendFor(namespace);
    if (backend.readOnly) throw readOnlyError(backend.kind, namespace, name);
    if (value === '')
      throw new SecretError('INVALID_VALUE', `secret ${name} in namespace ${namespace}: the value is empty`);
    await backend.set(namespace, name, value, options);
  }

  async delete(namespace: string, name: string): Promise<boolean> {
    checkNamespace(namespace);
    assertSecretName(name);
    const backend = this.backendFor(namespace);
    if (backend.readOnly) throw readOnlyError(backend.kind, namespace, name);
    return backend.delete(namespace, name);
  }

  /** Names visible in exactly this namespace, each marked with its backend and `readOnly`. */
  async list(namespace: string): Promise<SecretInfo[]> {
    checkNamespace(namespace);
    return this.backendFor(namespace).list(namespace);
  }

  /**
   * Names visible from this namespace with inheritance (nearest wins), as the UI's "secrets
   * available to this flow" view.
   */
  async listInherited(namespace: string): Promise<SecretInfo[]> {
    const seen = new Map<string, SecretInfo>();
    for (const ns of namespaceChain(namespace)) {
      for (const info of await this.backendFor(ns).list(ns))
        if (!seen.has(info.name)) seen.set(info.name, info);
    }
    return [...seen.values()].sort((a, b) => a.name.localeCompare(b.name));
  }
}

export interface BuildSecretServiceOptions {
  db: Executor;
  /** Needed by `postgres` backends. */
  masterKey?: MasterKey | undefined;
  previousKeys?: readonly MasterKey[] | undefined;
  /** Per-namespace backends (`OSPREY_SECRETS_BACKENDS`); `*` overrides the default. */
  backends?: SecretBackendsConfig | undefined;
  /** Prefix of the default environment backend (`OSPREY_ENV_SECRET_PREFIX`, default `SECRET_`). */
  envPrefix?: string | undefined;
  env?: Readonly<Record<string, string | undefined>>;
}

/**
 * The service from configuration. Default backend: Postgres when a master key is set, else the
 * environment (read-only, Kestra OSS's `SECRET_<NAME>`).
 */
export function buildSecretService(options: BuildSecretServiceOptions): SecretService {
  const env = options.env ?? process.env;
  const make = (spec: SecretBackendSpec, where: string): SecretBackend => {
    switch (spec.type) {
      case 'postgres':
        if (options.masterKey === undefined) {
          throw new Error(
            `secrets backend for ${where} is postgres, which needs OSPREY_SECRETS_KEY (generate one with: openssl rand -base64 32)`,
          );
        }
        return new PostgresSecretBackend(options.db, {
          key: options.masterKey,
          ...(options.previousKeys === undefined ? {} : { previousKeys: options.previousKeys }),
        });
      case 'env':
        return new EnvSecretBackend({
          env,
          ...(spec.prefix === undefined ? {} : { prefix: spec.prefix }),
          ...(spec.base64 === undefined ? {} : { base64: spec.base64 }),
        });
      case 'file':
        return new FileSecretBackend({ dir: spec.dir });
    }
  };
  const defaultBackend =
    options.masterKey !== undefined
      ? make({ type: 'postgres' }, 'the default')
      : new EnvSecretBackend({
          env,
          ...(options.envPrefix === undefined ? {} : { prefix: options.envPrefix }),
        });
  const backends = Object.entries(options.backends ?? {}).map(([namespace, spec]) => ({
    namespace,
    backend: make(spec, namespace === '*' ? 'the default (*)' : `namespace ${namespace}`),
  }));
  return new SecretService({ defaultBackend, backends });
}
