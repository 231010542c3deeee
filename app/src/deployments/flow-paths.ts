/**
 * The repository convention as path rules: which files are flows (`<flows>/**\/*.yaml|yml`, hidden
 * folders skipped) and the flow id a file is expected to declare.
 */
import type { RepoConfig } from '../../../flows-schema/src/repo-config.ts';

const FLOW_FILE = /\.ya?ml$/i;

/** A folder setting as a path prefix: `./flows/` → `flows`; `.` or `` → the repository root. */
export function normalizeFolder(folder: string): string {
  return folder
    .replace(/^\.\/+/, '')
    .replace(/\/+$/, '')
    .replace(/^\.$/, '');
}

export function isFlowPath(path: string, config: Pick<RepoConfig, 'flows'>): boolean {
  const folder = normalizeFolder(config.flows);
  if (folder !== '' && !path.startsWith(`${folder}/`)) return false;
  if (!FLOW_FILE.test(path)) return false;
  const inside = folder === '' ? path : path.slice(folder.length + 1);
  return !inside.split('/').some((segment) => segment.startsWith('.'));
}

/** `flows/etl/daily.yaml` → `daily`: the flow id the convention expects the file to declare. */
export function flowFileStem(path: string): string {
  const name = path.slice(path.lastIndexOf('/') + 1);
  return name.replace(FLOW_FILE, '');
}

/** The folder of a namespace's files in the repository: `<namespaceFiles>/<namespace>/files`. */
export function namespaceFilesFolder(namespace: string, config: Pick<RepoConfig, 'namespaceFiles'>): string {
  const base = normalizeFolder(config.namespaceFiles);
  return [base, namespace, 'files'].filter((part) => part !== '').join('/');
}
