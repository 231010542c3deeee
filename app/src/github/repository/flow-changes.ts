/** The flow files a comparison touches: present at head (added, modified, renamed to) and removed. */
import type { RepoConfig } from '../../../../flows-schema/src/repo-config.ts';
import { isFlowPath } from '../../deployments/flow-paths.ts';
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

/** A change to `.osprey.yml` can move the flows folder: plan from the whole tree. */
export function touchesRepoConfig(files: readonly ChangedFile[]): boolean {
  return files.some((f) => f.path === REPO_CONFIG_PATH || f.previousPath === REPO_CONFIG_PATH);
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
