/**
 * What a caller may do in a namespace. API tokens (machines, operators) may do everything. A
 * person signed in with GitHub may read a namespace when they can read the repository that owns
 * it, and change things there (start, kill, pause, resume, restart, write KV and secrets,
 * enable triggers) when they can write to it. A namespace nobody owns takes the owner of its
 * nearest owned parent (`company.team.ops` → `company.team`); one with no owned parent is open to
 * API tokens only.
 */
import { namespaceChain } from '../kv/namespaces.ts';
import type { Principal } from './token-service.ts';

export type AccessLevel = 'none' | 'read' | 'write';

export class NamespaceAccess {
  readonly #owners: () => Promise<Map<string, string>>;

  /** `owners`: every owned namespace → `owner/name` of its repository. */
  constructor(owners: () => Promise<Map<string, string>>) {
    this.#owners = owners;
  }

  async level(principal: Principal, namespace: string): Promise<AccessLevel> {
    if (principal.kind !== 'user') return principal.kind === 'runner' ? 'none' : 'write';
    return levelIn(principal.repositories, ownerIn(await this.#owners(), namespace));
  }

  /** The namespaces a person may read (owned ones); undefined for API tokens: all of them. */
  async readable(principal: Principal): Promise<string[] | undefined> {
    if (principal.kind !== 'user') return undefined;
    const owners = await this.#owners();
    return [...owners.keys()].filter((ns) => levelIn(principal.repositories, ownerIn(owners, ns)) !== 'none');
  }
}

function ownerIn(owners: Map<string, string>, namespace: string): string | undefined {
  for (const ns of namespaceChain(namespace)) {
    const owner = owners.get(ns);
    if (owner !== undefined) return owner;
  }
  return undefined;
}

function levelIn(
  repositories: Readonly<Record<string, string>>,
  repository: string | undefined,
): AccessLevel {
  if (repository === undefined) return 'none';
  const permission = repositories[repository.toLowerCase()] ?? repositories[repository];
  if (permission === undefined) return 'none';
  return permission === 'read' ? 'read' : 'write';
}
