/** In-memory `CheckRunLinks` and `InstallationIndex`. */
import type { CheckRunLink, CheckRunLinks, InstallationIndex } from '../ports.ts';

export class MemoryCheckRunLinks implements CheckRunLinks {
  readonly #links = new Map<string, CheckRunLink>();
  readonly #reporters = new Map<string, { reporter: string; until: number }>();

  async get(executionId: string): Promise<CheckRunLink | undefined> {
    return this.#links.get(executionId);
  }

  async set(executionId: string, link: CheckRunLink): Promise<void> {
    this.#links.set(executionId, link);
  }

  async claimReporter(executionId: string, reporter: string, leaseMs: number): Promise<boolean> {
    const now = Date.now();
    const held = this.#reporters.get(executionId);
    if (held !== undefined && held.reporter !== reporter && held.until > now) return false;
    this.#reporters.set(executionId, { reporter, until: now + leaseMs });
    return true;
  }
}

export class MemoryInstallationIndex implements InstallationIndex {
  readonly #ids = new Map<string, number>();

  async get(repository: string): Promise<number | undefined> {
    return this.#ids.get(repository.toLowerCase());
  }

  async set(repository: string, installationId: number): Promise<void> {
    this.#ids.set(repository.toLowerCase(), installationId);
  }
}
