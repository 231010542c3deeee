/**
 * Writing check runs on any repository the app is installed on, outside a webhook (an execution
 * reports long after the event that started it): the installation is looked up once per
 * repository, its Octokit (with cached, refreshed installation tokens) kept per installation.
 */
import type { Probot } from 'probot';
import { type CheckRunFields, CheckRuns, type NewCheckRun } from '../checks/check-runs.ts';
import { callGitHub } from '../github-errors.ts';
import type { InstallationIndex } from '../ports.ts';
import type { GitHubClient } from '../repository/github-client.ts';
import { repoParams } from '../repository/github-client.ts';

export interface CheckRunWriter {
  create(repository: string, run: NewCheckRun): Promise<number>;
  update(repository: string, id: number, fields: CheckRunFields, nameForMessages?: string): Promise<void>;
}

export class InstallationClients {
  readonly #probot: Probot;
  readonly #index: InstallationIndex;
  readonly #clients = new Map<number, Promise<GitHubClient>>();

  constructor(probot: Probot, index: InstallationIndex) {
    this.#probot = probot;
    this.#index = index;
  }

  async forRepository(repository: string): Promise<GitHubClient> {
    return this.forInstallation(await this.installationOf(repository));
  }

  forInstallation(installationId: number): Promise<GitHubClient> {
    let client = this.#clients.get(installationId);
    if (client === undefined) {
      client = this.#probot.auth(installationId) as Promise<GitHubClient>;
      client.catch(() => this.#clients.delete(installationId));
      this.#clients.set(installationId, client);
    }
    return client;
  }

  async installationOf(repository: string): Promise<number> {
    const known = await this.#index.get(repository);
    if (known !== undefined) return known;
    const app = await this.#probot.auth();
    const { data } = await callGitHub(`finding the app's installation on ${repository}`, () =>
      app.request('GET /repos/{owner}/{repo}/installation', repoParams(repository)),
    );
    await this.#index.set(repository, data.id);
    return data.id;
  }
}

export function installationCheckRunWriter(clients: InstallationClients): CheckRunWriter {
  return {
    async create(repository, run) {
      return new CheckRuns(await clients.forRepository(repository), repository).create(run);
    },
    async update(repository, id, fields, name) {
      await new CheckRuns(await clients.forRepository(repository), repository).update(id, fields, name);
    },
  };
}
