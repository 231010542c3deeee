/**
 * `NamespaceOwnership` on the database: `claim` is one atomic upsert, so of concurrent claimants the
 * first wins and every one of them is told the same owner.
 */

import type { Executor } from '../storage/database.ts';
import {
  claimNamespace,
  getNamespaceOwner,
  listNamespaceOwners,
  releaseNamespace,
} from '../storage/flows.ts';
import type { NamespaceOwnership } from './ports.ts';

export class PostgresNamespaceOwnership implements NamespaceOwnership {
  readonly #db: Executor;
  readonly #now: () => Date;

  constructor(db: Executor, options: { now?: () => Date } = {}) {
    this.#db = db;
    this.#now = options.now ?? (() => new Date());
  }

  claim(namespace: string, repository: string): Promise<string> {
    return claimNamespace(this.#db, namespace, repository, this.#now());
  }

  ownerOf(namespace: string): Promise<string | undefined> {
    return getNamespaceOwner(this.#db, namespace);
  }

  /** Every owned namespace → its repository. */
  all(): Promise<Map<string, string>> {
    return listNamespaceOwners(this.#db);
  }

  async release(namespace: string, repository: string): Promise<void> {
    await releaseNamespace(this.#db, namespace, repository);
  }
}
