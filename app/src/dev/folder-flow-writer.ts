/**
 * `osprey dev`'s write-back: a flow created, changed or deleted through the API is written to (or
 * removed from) the flows folder, then deployed from the folder as any edit there is, so the folder
 * stays the one source of truth and its git history shows every change. An existing flow keeps its
 * file; a new one goes to `<flows>/<namespace as folders>/<id>.yaml` (`flows/company/team/etl.yaml`). Files are replaced atomically (written
 * beside, then renamed) so the folder watcher never reads half a file.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import type { RepoConfig } from '../../../flows-schema/src/repo-config.ts';
import type { FlowWriter } from '../api/deps.ts';
import { toFlowFile } from '../deployments/flow-file.ts';
import { collectFlowFiles } from '../local/local-repository.ts';

export class FolderFlowWriter implements FlowWriter {
  readonly #root: string;
  readonly #config: RepoConfig;
  readonly #deploy: () => Promise<unknown>;

  constructor(root: string, config: RepoConfig, deploy: () => Promise<unknown>) {
    this.#root = root;
    this.#config = config;
    this.#deploy = deploy;
  }

  async save(namespace: string, flowId: string, source: string): Promise<{ path: string; created: boolean }> {
    const existing = await this.#find(namespace, flowId);
    const path = existing ?? join(this.#root, this.#config.flows, ...namespace.split('.'), `${flowId}.yaml`);
    await mkdir(dirname(path), { recursive: true });
    const scratch = join(dirname(path), `.${randomBytes(6).toString('hex')}.osprey-tmp`);
    await writeFile(scratch, source.endsWith('\n') ? source : `${source}\n`);
    await rename(scratch, path);
    await this.#deploy();
    return { path: this.#shown(path), created: existing === undefined };
  }

  async delete(namespace: string, flowId: string): Promise<string | undefined> {
    const existing = await this.#find(namespace, flowId);
    if (existing === undefined) return undefined;
    await rm(existing);
    await this.#deploy();
    return this.#shown(existing);
  }

  /** The file in the flows folder that declares the flow, if any. */
  async #find(namespace: string, flowId: string): Promise<string | undefined> {
    const { files } = collectFlowFiles([join(this.#root, this.#config.flows)]);
    for (const path of files) {
      const file = toFlowFile(this.#shown(path), '', await readFile(path, 'utf8'));
      if (file.declared?.namespace === namespace && file.declared.id === flowId) return path;
    }
    return undefined;
  }

  #shown(path: string): string {
    return relative(this.#root, path).split(sep).join('/');
  }
}
