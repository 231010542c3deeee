/**
 * `inputFiles`: a map of file name → content, or → a `kestra://` URI copied from internal storage.
 * Kestra also accepts the whole map as a JSON string (when it was written as one expression).
 */
import { copyFile, writeFile } from 'node:fs/promises';
import type { InternalStorage } from '../../../protocol/src/internal-storage.ts';
import { TaskFailure } from '../../../protocol/src/task-contract.ts';
import { confine, prepareParent } from './confine.ts';

/** The rendered property as name → value; null values are dropped as in Kestra. */
export function inputFilesMap(raw: unknown, where: string): Map<string, string> {
  if (raw === undefined || raw === null) return new Map();
  let value: unknown = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      value = undefined;
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TaskFailure(
      `${where} must be a map of file name to content or kestra:// URI, e.g. { data.csv: "{{ outputs.write.uri }}" }`,
      { retryable: false },
    );
  }
  const files = new Map<string, string>();
  for (const [name, content] of Object.entries(value as Record<string, unknown>)) {
    if (content === null || content === undefined) continue;
    files.set(name, typeof content === 'string' ? content : JSON.stringify(content));
  }
  return files;
}

/** Write the files into `root`; every name is confined to it. */
export async function writeInputFiles(
  root: string,
  files: Map<string, string>,
  storage: InternalStorage,
  where: string,
): Promise<void> {
  for (const [name, content] of files) {
    const target = confine(root, name, where);
    await prepareParent(root, target, where, name);
    if (!content.startsWith('kestra://')) {
      await writeFile(target, content);
      continue;
    }
    if (!(await storage.exists(content))) {
      throw new TaskFailure(
        `${where}: '${name}' comes from ${content}, which is not in internal storage (deleted, or produced by another execution); check the expression that gives it`,
        { retryable: false },
      );
    }
    const local = storage.localPath?.(content);
    if (local !== undefined) await copyFile(local, target);
    else await writeFile(target, await storage.get(content));
  }
}
