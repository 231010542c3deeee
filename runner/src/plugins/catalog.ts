/**
 * Versioned task plugins. Osprey's built-in tasks are one version of every type they implement:
 * the version of Osprey itself (package `osprey`). Other versions come from plugin packages
 * installed under the plugins folder (`OSPREY_PLUGINS_DIR`, default `.osprey/plugins`) as
 * `<folder>/<package name>/<version>/`, npm-style folders whose package.json says which task
 * types they implement:
 *
 *   { "name": "acme-log", "version": "2.0.0",
 *     "osprey": { "tasks": { "io.kestra.plugin.core.log.Log": "./log.js" } } }
 *
 * Each module's default export is a RunnableTask body (`{ run(ctx) }`). A task picks a version with
 * `version:` (exact, `LATEST` or `OLDEST`; pluginDefaults can set it for a flow or a type prefix);
 * without one, the instance default applies (`OSPREY_PLUGIN_VERSION`, LATEST unless set).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import semver from 'semver';
import { defaultRegistry } from '../../../flows-schema/src/schema/flow.ts';
import ospreyPackage from '../../../package.json' with { type: 'json' };
import { type RunnableTask, TaskFailure } from '../../../protocol/src/task-contract.ts';

export const CORE_PACKAGE = 'osprey';

/** Osprey's own version: the version of every built-in task. */
export const CORE_VERSION: string = ospreyPackage.version;

export interface PluginVersion {
  type: string;
  package: string;
  version: string;
  /** The built-in implementation, for Osprey's own version. */
  builtIn?: RunnableTask;
  /** An installed package's module (absolute path). */
  module?: string;
}

export interface PluginManifest {
  name: string;
  version: string;
  osprey: { tasks: Record<string, string> };
}

export const SELECTORS = ['LATEST', 'OLDEST'] as const;

/** The folder plugin packages are installed in. */
export function pluginsDir(env: NodeJS.ProcessEnv = process.env): string {
  return env['OSPREY_PLUGINS_DIR'] ?? join(env['OSPREY_DATA_DIR'] ?? '.osprey', 'plugins');
}

/** A problem with package.json of a plugin package, or the manifest. */
export function readManifest(folder: string): PluginManifest | { problem: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8'));
  } catch (e) {
    return { problem: `${join(folder, 'package.json')} could not be read: ${(e as Error).message}` };
  }
  const m = raw as Partial<PluginManifest>;
  if (typeof m.name !== 'string' || m.name === '' || m.name.includes('..'))
    return { problem: `${folder}: package.json needs a "name"` };
  if (typeof m.version !== 'string' || semver.valid(m.version) === null)
    return {
      problem: `${folder}: package.json needs a semantic "version" such as 1.2.0, got ${JSON.stringify(m.version)}`,
    };
  const tasks = m.osprey?.tasks;
  if (tasks === null || typeof tasks !== 'object' || Object.keys(tasks).length === 0)
    return {
      problem: `${folder}: package.json needs "osprey": { "tasks": { "<task type>": "./module.js" } } naming the task types it implements`,
    };
  for (const [type, module] of Object.entries(tasks))
    if (typeof module !== 'string')
      return { problem: `${folder}: osprey.tasks["${type}"] must be a module path` };
  return m as PluginManifest;
}

export class PluginCatalog {
  readonly #byType = new Map<string, PluginVersion[]>();
  readonly #instanceDefault: string;
  readonly #loaded = new Map<string, Promise<RunnableTask>>();
  /** Installed packages that could not be read, with why (shown by `osprey plugins list`). */
  readonly problems: string[] = [];

  constructor(builtIns: ReadonlyMap<string, RunnableTask>, instanceDefault = 'LATEST') {
    this.#instanceDefault = instanceDefault;
    for (const [type, task] of builtIns)
      this.#add({ type, package: CORE_PACKAGE, version: CORE_VERSION, builtIn: task });
  }

  /** The catalog of the built-ins plus every package installed in `dir` (a missing folder is empty). */
  static load(
    builtIns: ReadonlyMap<string, RunnableTask>,
    dir: string,
    instanceDefault?: string,
  ): PluginCatalog {
    const catalog = new PluginCatalog(builtIns, instanceDefault);
    const names = entries(dir).flatMap((n) =>
      n.startsWith('@') ? entries(join(dir, n)).map((m) => `${n}/${m}`) : [n],
    );
    for (const name of names) {
      for (const version of entries(join(dir, name))) {
        const folder = join(dir, name, version);
        const manifest = readManifest(folder);
        if ('problem' in manifest) {
          catalog.problems.push(manifest.problem);
          continue;
        }
        for (const [written, module] of Object.entries(manifest.osprey.tasks)) {
          const type = defaultRegistry.get(written)?.type;
          if (type === undefined) {
            catalog.problems.push(
              `${folder}: '${written}' is not a task type Osprey knows (flows could not validate it); a plugin package provides versions of known types`,
            );
            continue;
          }
          catalog.#add({
            type,
            package: manifest.name,
            version: manifest.version,
            module: join(folder, module),
          });
        }
      }
    }
    return catalog;
  }

  #add(entry: PluginVersion): void {
    const list = this.#byType.get(entry.type) ?? [];
    list.push(entry);
    list.sort((a, b) => semver.compare(a.version, b.version));
    this.#byType.set(entry.type, list);
  }

  types(): string[] {
    return [...this.#byType.keys()].sort();
  }

  /** The versions of a type, oldest first. */
  versions(type: string): readonly PluginVersion[] {
    return this.#byType.get(type) ?? [];
  }

  /** The version a task gets for `requested` (its `version:`, else the instance default). */
  resolve(type: string, requested: string | undefined): PluginVersion | { problem: string } {
    const versions = this.versions(type);
    const wanted = (requested ?? this.#instanceDefault).trim();
    const hit =
      wanted.toUpperCase() === 'LATEST'
        ? versions.at(-1)
        : wanted.toUpperCase() === 'OLDEST'
          ? versions[0]
          : versions.find((v) => v.version === wanted);
    if (hit !== undefined) return hit;
    const installed = versions.map((v) => `${v.version} (${v.package})`).join(', ');
    return {
      problem:
        versions.length === 0
          ? `no plugin implements '${type}'`
          : `'${type}' has no version '${wanted}'; installed: ${installed}; use one of them, LATEST or OLDEST, or install it with 'osprey plugins install'`,
    };
  }

  /** For validation: the problem with `version` of `type`, or undefined when it resolves. */
  problem(type: string, version: string): string | undefined {
    if (this.versions(type).length === 0) return undefined;
    const entry = this.resolve(type, version);
    return 'problem' in entry ? entry.problem : undefined;
  }

  /** The plugin to run for a task: resolved, and an installed module imported once. */
  async task(type: string, requested: string | undefined): Promise<RunnableTask | undefined> {
    const entry = this.resolve(type, requested);
    if ('problem' in entry) {
      if (this.versions(type).length === 0) return undefined;
      throw new TaskFailure(entry.problem, { retryable: false });
    }
    if (entry.builtIn !== undefined) return entry.builtIn;
    const module = entry.module as string;
    let loading = this.#loaded.get(module);
    if (loading === undefined) {
      loading = importTask(entry);
      this.#loaded.set(module, loading);
    }
    return loading;
  }
}

async function importTask(entry: PluginVersion): Promise<RunnableTask> {
  const where = `${entry.package}@${entry.version} (${entry.module})`;
  let mod: { default?: Partial<RunnableTask> };
  try {
    mod = (await import(pathToFileURL(entry.module as string).href)) as { default?: Partial<RunnableTask> };
  } catch (e) {
    throw new TaskFailure(`plugin ${where} could not be loaded: ${(e as Error).message}`, {
      retryable: false,
    });
  }
  if (typeof mod.default?.run !== 'function')
    throw new TaskFailure(`plugin ${where} must export default { run(ctx) } for '${entry.type}'`, {
      retryable: false,
    });
  return { type: entry.type, run: mod.default.run.bind(mod.default) };
}

function entries(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort();
  } catch {
    return [];
  }
}
