/**
 * KV values a repository ships for local runs (`namespaces/<namespace>/kv.yaml`, a map key → value)
 * seed the dev database: a key is written only when absent, so values changed while developing
 * (kv.Set tasks, the API) are kept across redeploys.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { KvStore } from '../../../protocol/src/task-contract.ts';

/** Returns `namespace.key` of each key written. */
export async function seedKv(namespacesDir: string, kv: KvStore): Promise<string[]> {
  let namespaces: string[];
  try {
    namespaces = (await readdir(namespacesDir, { withFileTypes: true }))
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
  } catch {
    return [];
  }
  const written: string[] = [];
  for (const namespace of namespaces.sort()) {
    let text: string;
    try {
      text = await readFile(join(namespacesDir, namespace, 'kv.yaml'), 'utf8');
    } catch {
      continue;
    }
    const values = parse(text) as unknown;
    if (values === null || typeof values !== 'object' || Array.isArray(values)) {
      throw new Error(`${join(namespacesDir, namespace, 'kv.yaml')}: expected a map of key: value`);
    }
    for (const [key, value] of Object.entries(values)) {
      if ((await kv.get(namespace, key)) !== undefined) continue;
      await kv.set(namespace, key, value);
      written.push(`${namespace}.${key}`);
    }
  }
  return written;
}
