/**
 * `CheckRunLinks` and `InstallationIndex` on the database, so a restarted or second app replica
 * updates an execution's check run instead of adding one. Repository names are case-insensitive
 * on GitHub: the installation index keys them lower-case, as the in-memory one does.
 */

import type { Executor } from '../../storage/database.ts';
import {
  claimCheckRunReporter,
  getCheckRunLink,
  getInstallationId,
  setCheckRunLink,
  setInstallationId,
} from '../../storage/github-links.ts';
import type { CheckRunLink, CheckRunLinks, InstallationIndex } from '../ports.ts';

export class PostgresCheckRunLinks implements CheckRunLinks {
  readonly #db: Executor;
  readonly #now: () => Date;

  constructor(db: Executor, options: { now?: () => Date } = {}) {
    this.#db = db;
    this.#now = options.now ?? (() => new Date());
  }

  get(executionId: string): Promise<CheckRunLink | undefined> {
    return getCheckRunLink(this.#db, executionId);
  }

  set(executionId: string, link: CheckRunLink): Promise<void> {
    return setCheckRunLink(this.#db, executionId, link, this.#now());
  }

  claimReporter(executionId: string, reporter: string, leaseMs: number): Promise<boolean> {
    const now = this.#now();
    return claimCheckRunReporter(this.#db, executionId, reporter, now, new Date(now.getTime() + leaseMs));
  }
}

export class PostgresInstallationIndex implements InstallationIndex {
  readonly #db: Executor;
  readonly #now: () => Date;

  constructor(db: Executor, options: { now?: () => Date } = {}) {
    this.#db = db;
    this.#now = options.now ?? (() => new Date());
  }

  get(repository: string): Promise<number | undefined> {
    return getInstallationId(this.#db, repository.toLowerCase());
  }

  set(repository: string, installationId: number): Promise<void> {
    return setInstallationId(this.#db, repository.toLowerCase(), installationId, this.#now());
  }
}
