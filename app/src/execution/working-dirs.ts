/**
 * Working directories of `flow.WorkingDirectory` task runs: created on the first job that needs one
 * (with the task's `inputFiles` written into it), removed when the execution is finished.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve, sep } from 'node:path';
import type { InternalStorage } from '../../../runner/src/storage/internal-storage.ts';
import type { Live } from './live.ts';

/** The folder of a WorkingDirectory task run, created once with its rendered `inputFiles`. */
export function workingDirectory(
  live: Live,
  scopeRunId: string,
  inputFiles: () => Promise<unknown>,
  storage: InternalStorage,
): Promise<string> {
  let dir = live.workDirs.get(scopeRunId);
  if (dir === undefined) {
    dir = (async () => {
      const path = await mkdtemp(join(tmpdir(), 'osprey-wd-'));
      await writeInputFiles(path, await inputFiles(), storage);
      return path;
    })();
    live.workDirs.set(scopeRunId, dir);
  }
  return dir;
}

async function writeInputFiles(root: string, files: unknown, storage: InternalStorage): Promise<void> {
  if (typeof files !== 'object' || files === null) return;
  for (const [name, content] of Object.entries(files as Record<string, unknown>)) {
    const target = resolve(root, name);
    if (!target.startsWith(root + sep))
      throw new Error(`inputFiles: '${name}' points outside the working directory`);
    await mkdir(dirname(target), { recursive: true });
    const text = String(content);
    await writeFile(target, text.startsWith('kestra://') ? await storage.get(text) : text);
  }
}

export async function removeWorkingDirectories(live: Live): Promise<void> {
  const dirs = [...live.workDirs.values()];
  live.workDirs.clear();
  for (const d of dirs) await rm(await d.catch(() => ''), { recursive: true, force: true }).catch(() => {});
}
