/**
 * The flows of a commit that have a Git trigger: valid files only, and only in namespaces that no
 * other repository owns (a repository cannot run flows in someone else's namespace).
 */
import type { RepoConfig } from '../../../../flows-schema/src/repo-config.ts';
import type { FlowFile } from '../../deployments/flow-file.ts';
import { sameRepository } from '../../deployments/ports.ts';
import type { HandlerDeps } from '../deps.ts';
import { listFlowFiles, readFlowFiles } from '../repository/read-flows.ts';
import type { RepositoryReader } from '../repository/repository-reader.ts';
import { hasGitTrigger } from './fire-git-triggers.ts';

export async function flowsWithGitTriggers(
  deps: HandlerDeps,
  reader: RepositoryReader,
  sha: string,
  config: RepoConfig,
): Promise<FlowFile[]> {
  const files = await readFlowFiles(
    reader,
    sha,
    await listFlowFiles(reader, sha, config),
    config,
    deps.flowFiles,
  );
  const out: FlowFile[] = [];
  for (const file of files) {
    if (file.flow === undefined || !hasGitTrigger(file)) continue;
    const owner = await deps.ownership.ownerOf(file.flow.namespace);
    if (owner !== undefined && !sameRepository(owner, reader.fullName)) {
      deps.log.warn(
        { repository: reader.fullName, path: file.path, owner },
        'git trigger skipped: the namespace belongs to another repository',
      );
      continue;
    }
    out.push(file);
  }
  return out;
}
