/**
 * Installing and removing plugin packages in the plugins folder (`osprey plugins install|remove`).
 * A package comes from a folder or from an npm tarball (`npm pack name@version` makes one); it is
 * copied to `<plugins>/<name>/<version>/`, so several versions sit side by side.
 */
import { execFile } from 'node:child_process';
import { access, cp, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { type PluginManifest, readManifest } from './catalog.ts';

export class PluginInstallError extends Error {}

export async function installPlugin(dir: string, source: string): Promise<PluginManifest> {
  const from = resolve(source);
  const info = await stat(from).catch(() => undefined);
  if (info === undefined)
    throw new PluginInstallError(`${source} does not exist; pass a plugin folder or a .tgz from 'npm pack'`);
  let scratch: string | undefined;
  try {
    let folder = from;
    if (info.isFile()) {
      scratch = await mkdtemp(join(tmpdir(), 'osprey-plugin-'));
      await promisify(execFile)('tar', ['-xzf', from, '-C', scratch]).catch((e: Error) => {
        throw new PluginInstallError(`${source} is not a readable .tgz (${e.message.split('\n')[0]})`);
      });
      const top = await readdir(scratch);
      folder = top.length === 1 ? join(scratch, top[0] as string) : scratch;
    }
    const manifest = readManifest(folder);
    if ('problem' in manifest) throw new PluginInstallError(manifest.problem);
    for (const [type, module] of Object.entries(manifest.osprey.tasks)) {
      await access(join(folder, module)).catch(() => {
        throw new PluginInstallError(
          `${manifest.name}@${manifest.version}: the module of '${type}', ${module}, is missing`,
        );
      });
    }
    const target = join(dir, manifest.name, manifest.version);
    if (await stat(target).catch(() => undefined))
      throw new PluginInstallError(
        `${manifest.name}@${manifest.version} is already installed in ${dir}; remove it first ('osprey plugins remove ${manifest.name}@${manifest.version}')`,
      );
    await cp(folder, target, { recursive: true });
    return manifest;
  } finally {
    if (scratch !== undefined) await rm(scratch, { recursive: true, force: true });
  }
}

/** Remove `name@version`, or every version of `name`; the versions removed. */
export async function removePlugin(dir: string, spec: string): Promise<string[]> {
  const at = spec.lastIndexOf('@');
  const [name, version] = at > 0 ? [spec.slice(0, at), spec.slice(at + 1)] : [spec, undefined];
  if (name.includes('..') || (name.includes('/') && !name.startsWith('@')))
    throw new PluginInstallError(`'${spec}' is not a plugin name`);
  const installed = await readdir(join(dir, name)).catch(() => [] as string[]);
  const gone = version === undefined ? installed : installed.filter((v) => v === version);
  if (gone.length === 0)
    throw new PluginInstallError(
      installed.length === 0
        ? `${name} is not installed in ${dir}`
        : `${name} has no version ${version} installed; installed: ${installed.join(', ')}`,
    );
  for (const v of gone) await rm(join(dir, name, v), { recursive: true, force: true });
  if (gone.length === installed.length) await rm(join(dir, name), { recursive: true, force: true });
  return gone;
}
