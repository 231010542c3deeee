/** The flow files a comparison touches: present at head (added, modified, renamed to) and removed. */
import type { RepoConfig } from '../../../../flows-schema/src/repo-config.ts';
import { isFlowPath, normalizeFolder } from '../../deployments/flow-paths.ts';
import { REPO_CONFIG_PATH } from './repo-config.ts';
import type { ChangedFile, TreeFile } from './repository-reader.ts';

export interface FlowChanges {
  present: TreeFile[];
  removed: string[];
}

export function flowChangesOf(files: readonly ChangedFile[], config: Pick<RepoConfig, 'flows'>): FlowChanges {
  const present: TreeFile[] = [];
  const removed: string[] = [];
  for (const file of files) {
    if (file.status === 'unchanged') continue;
    if (file.status === 'removed') {
      if (isFlowPath(file.path, config)) removed.push(file.path);
      continue;
    }
    if (file.status === 'renamed' && file.previousPath !== undefined && isFlowPath(file.previousPath, config))
      removed.push(file.previousPath);
    if (isFlowPath(file.path, config) && file.blobSha !== undefined)
      present.push({ path: file.path, blobSha: file.blobSha });
  }
  return { present, removed };
}

/**
 * A change to `.osprey.yml` can move the flows folder or change namespace defaults, one to a
 * template can change any flow that includes it: plan from the whole tree.
 */
export function touchesRepoConfig(
  files: readonly ChangedFile[],
  config: Pick<RepoConfig, 'templates'> = { templates: 'templates' },
): boolean {
  const templates = normalizeFolder(config.templates);
  const hit = (p: string | undefined) =>
    p !== undefined && (p === REPO_CONFIG_PATH || (templates !== '' && p.startsWith(`${templates}/`)));
  return files.some((f) => hit(f.path) || hit(f.previousPath));
}

/** Paths of a comparison, for Git trigger path filters (both sides of a rename). */
export function changedPaths(files: readonly ChangedFile[]): string[] {
  const out = new Set<string>();
  for (const f of files) {
    out.add(f.path);
    if (f.previousPath !== undefined) out.add(f.previousPath);
  }
  return [...out].sort();
}
