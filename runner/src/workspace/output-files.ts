/**
 * `outputFiles`: globs (relative to the working directory) whose matching files are uploaded to
 * internal storage after the run; the result is Kestra's `outputFiles` output, path → URI. A match
 * that is a symbolic link to outside the working directory is refused, not uploaded.
 */
import { createReadStream, type Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';
import picomatch from 'picomatch';
import type { InternalStorage, StorageScope } from '../../../protocol/src/internal-storage.ts';
import { TaskFailure } from '../../../protocol/src/task-contract.ts';
import { assertInsideReally, confine } from './confine.ts';

export function outputFilesList(raw: unknown, where: string): string[] {
  if (raw === undefined || raw === null) return [];
  if (typeof raw === 'string') return [raw];
  if (Array.isArray(raw)) return raw.map(String);
  throw new TaskFailure(`${where} must be a list of globs such as ["out.csv", "reports/*.json"]`, {
    retryable: false,
  });
}

export async function uploadOutputFiles(
  root: string,
  globs: readonly string[],
  storage: InternalStorage,
  scope: StorageScope,
  where: string,
): Promise<Record<string, string>> {
  if (globs.length === 0) return {};
  // Lexical check of each glob's fixed part: `../*.csv` or `/etc/*` are refused up front.
  for (const glob of globs) confine(root, glob.replace(/[*?[{].*$/, '') || glob.replace(/\*/g, 'x'), where);
  const match = picomatch([...globs], { dot: true });
  const entries: Dirent[] = await readdir(root, { withFileTypes: true, recursive: true });
  const uploaded: Record<string, string> = {};
  for (const entry of entries) {
    if (!entry.isFile() && !entry.isSymbolicLink()) continue;
    const path = join(entry.parentPath, entry.name);
    const rel = relative(root, path).split(sep).join('/');
    if (!match(rel)) continue;
    if (entry.isSymbolicLink()) {
      await assertInsideReally(root, path, where, rel);
      if (!(await stat(path)).isFile()) continue;
    }
    uploaded[rel] = await storage.put(scope, basename(rel), createReadStream(path));
  }
  return uploaded;
}
