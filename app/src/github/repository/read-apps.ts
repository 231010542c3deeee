/** App files of a commit (`apps/**.yaml` by default, `.osprey.yml`'s `apps:` folder otherwise). */
import type { RepoConfig } from '../../../../flows-schema/src/repo-config.ts';
import type { AppFile } from '../../apps/app-store.ts';
import { mapLimit } from './map-limit.ts';
import type { RepositoryReader } from './repository-reader.ts';

const YAML = /\.ya?ml$/i;

export function isAppPath(path: string, config: Pick<RepoConfig, 'apps'>): boolean {
  const folder = config.apps.replace(/^\.?\/+|\/+$/g, '');
  return path.startsWith(`${folder}/`) && YAML.test(path);
}

/** Every app file of a commit, read through the API. */
export async function readAppFiles(
  reader: RepositoryReader,
  sha: string,
  config: Pick<RepoConfig, 'apps'>,
): Promise<AppFile[]> {
  const files = (await reader.tree(sha)).filter((f) => isAppPath(f.path, config));
  files.sort((a, b) => a.path.localeCompare(b.path));
  return mapLimit(files, 8, async (f) => ({ path: f.path, source: await reader.blob(f.blobSha, f.path) }));
}
