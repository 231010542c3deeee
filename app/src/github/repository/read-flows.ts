/**
 * Flow files of a commit, read through the API and validated. Validation results are cached by blob
 * SHA (same bytes, same result), so a push that touches one flow re-validates one flow.
 */
import { LRUCache } from 'lru-cache';
import type { RepoConfig } from '../../../../flows-schema/src/repo-config.ts';
import { type FlowFile, toFlowFile } from '../../deployments/flow-file.ts';
import { isFlowPath } from '../../deployments/flow-paths.ts';
import { mapLimit } from './map-limit.ts';
import type { RepositoryReader, TreeFile } from './repository-reader.ts';

export class FlowFileCache {
  readonly #entries: LRUCache<string, FlowFile>;

  constructor(maxEntries = 2000) {
    this.#entries = new LRUCache({ max: maxEntries });
  }

  /**
   * The validated file, from cache when the same blob was seen at the same path with the same
   * namespace pluginDefaults in `.osprey.yml`.
   */
  get(
    path: string,
    blobSha: string,
    text: () => Promise<string>,
    config: Pick<RepoConfig, 'pluginDefaults'>,
  ): Promise<FlowFile> | FlowFile {
    const defaults =
      Object.keys(config.pluginDefaults).length === 0 ? '' : JSON.stringify(config.pluginDefaults);
    const key = `${blobSha}:${path}:${defaults}`;
    const hit = this.#entries.get(key);
    if (hit !== undefined) return hit;
    return text().then((t) => {
      const file = toFlowFile(path, blobSha, t, config);
      this.#entries.set(key, file);
      return file;
    });
  }
}

/** How many blob reads run at once against GitHub. */
const READ_CONCURRENCY = 16;

export async function readFlowFiles(
  reader: RepositoryReader,
  files: readonly TreeFile[],
  config: Pick<RepoConfig, 'pluginDefaults'>,
  cache?: FlowFileCache,
): Promise<FlowFile[]> {
  const sorted = [...files].sort((a, b) => a.path.localeCompare(b.path));
  return mapLimit(sorted, READ_CONCURRENCY, async ({ path, blobSha }) => {
    const text = () => reader.blob(blobSha, path);
    return cache ? cache.get(path, blobSha, text, config) : toFlowFile(path, blobSha, await text(), config);
  });
}

/** Every flow file of a commit, per the repository convention. */
export async function listFlowFiles(
  reader: RepositoryReader,
  sha: string,
  config: RepoConfig,
): Promise<TreeFile[]> {
  return (await reader.tree(sha)).filter((f) => isFlowPath(f.path, config));
}
