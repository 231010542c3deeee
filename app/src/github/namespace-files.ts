/**
 * A namespace's files as the console shows them: read from the repository that owns the namespace
 * (its nearest owned parent for one without flows) at a commit — by default the commit its flows
 * were last deployed at — through the GitHub API (`git/trees?recursive=1`, blobs), as executions
 * pinned to that commit see them. The folder is `.osprey.yml`'s `namespaceFiles` (default
 * `namespaces/<namespace>/files`).
 */
import type { RepoConfig } from '../../../flows-schema/src/repo-config.ts';
import type { FlowCatalog } from '../api/deps.ts';
import { namespaceFilesFolder } from '../deployments/flow-paths.ts';
import { namespaceChain } from '../kv/namespaces.ts';
import { parseRepoConfig, REPO_CONFIG_PATH } from './repository/repo-config.ts';
import type { RepositoryReader } from './repository/repository-reader.ts';

export interface NamespaceFileList {
  namespace: string;
  repository: string;
  sha: string;
  folder: string;
  files: Array<{ path: string; blobSha: string }>;
}

export interface NamespaceFiles {
  /** Undefined when no repository owns the namespace (or a parent). */
  list(namespace: string, sha?: string): Promise<NamespaceFileList | undefined>;
  /** The text of one file (a path relative to the namespace's folder) at the commit. */
  read(namespace: string, path: string, sha?: string): Promise<string | undefined>;
}

export function githubNamespaceFiles(options: {
  owners: () => Promise<Map<string, string>>;
  flows: Pick<FlowCatalog, 'list'>;
  reader: (repository: string) => Promise<RepositoryReader>;
}): NamespaceFiles {
  const locate = async (namespace: string, sha: string | undefined) => {
    const owners = await options.owners();
    const repository = namespaceChain(namespace)
      .map((ns) => owners.get(ns))
      .find((r) => r !== undefined);
    if (repository === undefined) return undefined;
    const reader = await options.reader(repository);
    // The commit the repository's flows in this namespace (or under it) were last deployed at.
    const deployed = (await options.flows.list(namespace))
      .filter((f) => f.repository === repository)
      .sort((a, b) => b.deployedAt.localeCompare(a.deployedAt))[0]?.sha;
    const at = sha ?? deployed;
    if (at === undefined) return undefined;
    const configText = (await reader.file(REPO_CONFIG_PATH, at))?.text;
    // A broken .osprey.yml fails the deployment; here the defaults still show the files.
    const parsed = parseRepoConfig(configText);
    const config = parsed.ok
      ? parsed.config
      : (parseRepoConfig(undefined) as { ok: true; config: RepoConfig }).config;
    const folder = namespaceFilesFolder(namespace, config);
    return { repository, reader, sha: at, folder };
  };
  return {
    async list(namespace, sha) {
      const where = await locate(namespace, sha);
      if (where === undefined) return undefined;
      const files = (await where.reader.tree(where.sha))
        .filter((f) => f.path.startsWith(`${where.folder}/`))
        .map((f) => ({ path: f.path.slice(where.folder.length + 1), blobSha: f.blobSha }));
      return { namespace, repository: where.repository, sha: where.sha, folder: where.folder, files };
    },
    async read(namespace, path, sha) {
      const where = await locate(namespace, sha);
      if (where === undefined) return undefined;
      return (await where.reader.file(`${where.folder}/${path}`, where.sha))?.text;
    },
  };
}
