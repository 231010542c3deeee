/**
 * Namespace files of a local repository (`namespaces/<namespace>/files/**`), as script tasks will
 * receive them in `osprey run`. Read on demand; nothing is copied.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

/** `namespacesDir`: the repository's namespaces folder (`namespaces/` unless .osprey.yml says otherwise). */
export function localNamespaceFiles(
  namespacesDir: string,
): (namespace: string) => Promise<Map<string, Buffer>> {
  return async (namespace) => {
    if (!/^[a-z0-9][a-z0-9._-]*$/.test(namespace)) throw new Error(`'${namespace}' is not a valid namespace`);
    const base = join(namespacesDir, namespace, 'files');
    const files = new Map<string, Buffer>();
    let entries: import('node:fs').Dirent[];
    try {
      entries = await readdir(base, { withFileTypes: true, recursive: true });
    } catch {
      return files;
    }
    for (const e of entries) {
      if (!e.isFile()) continue;
      const path = join(e.parentPath, e.name);
      files.set(relative(base, path).split(sep).join('/'), await readFile(path));
    }
    return files;
  };
}
