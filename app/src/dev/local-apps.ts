/** `osprey dev`'s apps: the apps folder of the local repository, deployed with the flows. */
import { readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { RepoConfig } from '../../../flows-schema/src/repo-config.ts';
import type { AppDeployment, AppStore } from '../apps/app-store.ts';
import { collectFlowFiles } from '../local/local-repository.ts';
import { localRepositoryName } from './local-deployer.ts';

export async function deployLocalApps(
  root: string,
  config: Pick<RepoConfig, 'apps'>,
  sha: string,
  store: Pick<AppStore, 'deploy'>,
): Promise<AppDeployment> {
  const { files: paths } = collectFlowFiles([join(root, config.apps)]);
  const files = await Promise.all(
    paths.map(async (p) => ({
      path: relative(root, p).split(sep).join('/'),
      source: await readFile(p, 'utf8'),
    })),
  );
  return store.deploy(localRepositoryName(root), sha, files);
}

/** One line per app: `app company.team/vm_request → http://…/apps/company.team/vm_request`. */
export function describeApps(d: AppDeployment, url: string): string[] {
  const lines = d.deployed.map(
    (a) => `app ${a.namespace}/${a.id} (${a.path}) → ${url}/apps/${a.namespace}/${a.id}`,
  );
  for (const r of d.refused) {
    lines.push(`! ${r.path} refused:`);
    for (const i of r.issues.filter((x) => x.severity === 'error'))
      lines.push(`    ${r.path}:${i.range.start.line}:${i.range.start.col}: ${i.message} [${i.code}]`);
  }
  return lines;
}
