/** In-memory `NamespaceOwnership`. */

import type { NamespaceOwnership } from './ports.ts';
import { sameRepository } from './ports.ts';

export class MemoryNamespaceOwnership implements NamespaceOwnership {
  readonly #owners = new Map<string, string>();

  async claim(namespace: string, repository: string): Promise<string> {
    const owner = this.#owners.get(namespace);
    if (owner !== undefined) return owner;
    this.#owners.set(namespace, repository);
    return repository;
  }

  async ownerOf(namespace: string): Promise<string | undefined> {
    return this.#owners.get(namespace);
  }

  async release(namespace: string, repository: string): Promise<void> {
    const owner = this.#owners.get(namespace);
    if (owner !== undefined && sameRepository(owner, repository)) this.#owners.delete(namespace);
  }
}
