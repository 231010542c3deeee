/**
 * Flow files of a commit, read through the API and validated. Validation results are cached by blob
 * SHA (same bytes, same result), so a push that touches one flow re-validates one flow.
 */
import { LRUCache } from 'lru-cache';
import type { RepoConfig } from '../../../../flows-schema/src/repo-config.ts';
import { type TemplateLookup, templateSet } from '../../../../flows-schema/src/templates.ts';
import { type FlowFile, toFlowFile } from '../../deployments/flow-file.ts';
import { isFlowPath, normalizeFolder } from '../../deployments/flow-paths.ts';
import { mapLimit } from './map-limit.ts';
import type { RepositoryReader, TreeFile } from './repository-reader.ts';

export class FlowFileCache {
  readonly #entries: LRUCache<string, FlowFile>;

  constructor(maxEntries = 2000) {
    this.#entries = new LRUCache({ max: maxEntries });
  }

  /**
   * The validated file, from cache when the same blob was seen at the same path with the same
   * namespace pluginDefaults in `.osprey.yml` and the same templates.
   */
  get(
    path: string,
    blobSha: string,
    text: () => Promise<string>,
    config: Pick<RepoConfig, 'pluginDefaults'>,
    templates: CommitTemplates,
  ): Promise<FlowFile> | FlowFile {
    const defaults =
      Object.keys(config.pluginDefaults).length === 0 ? '' : JSON.stringify(config.pluginDefaults);
    const key = `${blobSha}:${path}:${defaults}:${templates.fingerprint}`;
    const hit = this.#entries.get(key);
    if (hit !== undefined) return hit;
    return text().then((t) => {
      const file = toFlowFile(path, blobSha, t, config, templates);
      this.#entries.set(key, file);
      return file;
    });
  }
}

/** How many blob reads run at once against GitHub. */
const READ_CONCURRENCY = 16;

/** The templates of a commit (`templates/**.yaml`); `fingerprint` changes when any of them does. */
export type CommitTemplates = TemplateLookup & { fingerprint: string };

/** Read once per reader and commit (a deploy or a check reads flows in several passes). */
const templatesRead = new WeakMap<RepositoryReader, Map<string, Promise<CommitTemplates>>>();

export function readTemplates(
  reader: RepositoryReader,
  sha: string,
  config: Pick<RepoConfig, 'templates'>,
): Promise<CommitTemplates> {
  let bySha = templatesRead.get(reader);
  if (bySha === undefined) {
    bySha = new Map();
    templatesRead.set(reader, bySha);
  }
  const key = `${sha}:${config.templates}`;
  let read = bySha.get(key);
  if (read === undefined) {
    read = listTemplates(reader, sha, config);
    read.catch(() => bySha.delete(key));
    bySha.set(key, read);
  }
  return read;
}

async function listTemplates(
  reader: RepositoryReader,
  sha: string,
  config: Pick<RepoConfig, 'templates'>,
): Promise<CommitTemplates> {
  const folder = normalizeFolder(config.templates);
  const files =
    folder === ''
      ? []
      : (await reader.tree(sha)).filter((f) => /\.ya?ml$/i.test(f.path) && f.path.startsWith(`${folder}/`));
  if (files.length === 0) return { ...templateSet([]), fingerprint: '' };
  const read = await mapLimit(files, READ_CONCURRENCY, async (f) => ({
    path: f.path,
    text: await reader.blob(f.blobSha, f.path),
  }));
  return { ...templateSet(read), fingerprint: files.map((f) => f.blobSha).join(',') };
}

/** The flow files of commit `sha`, validated with its `.osprey.yml` namespace defaults and templates. */
export async function readFlowFiles(
  reader: RepositoryReader,
  sha: string,
  files: readonly TreeFile[],
  config: Pick<RepoConfig, 'pluginDefaults' | 'templates'>,
  cache?: FlowFileCache,
): Promise<FlowFile[]> {
  const templates = await readTemplates(reader, sha, config);
  const sorted = [...files].sort((a, b) => a.path.localeCompare(b.path));
  return mapLimit(sorted, READ_CONCURRENCY, async ({ path, blobSha }) => {
    const text = () => reader.blob(blobSha, path);
    return cache
      ? cache.get(path, blobSha, text, config, templates)
      : toFlowFile(path, blobSha, await text(), config, templates);
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
