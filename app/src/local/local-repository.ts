/**
 * The local repository a command runs in: its root (the nearest folder up from cwd holding
 * `.osprey.yml`, `flows/` or `.git`), its `.osprey.yml`, and the flow files under it.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parse } from 'yaml';
import {
  DEFAULT_REPO_CONFIG,
  namespacePluginDefaults,
  RepoConfig,
} from '../../../flows-schema/src/repo-config.ts';
import { type TemplateLookup, templateSet } from '../../../flows-schema/src/templates.ts';
import type { ValidateOptions } from '../../../flows-schema/src/validate/validate-flow.ts';

export interface LocalRepository {
  root: string;
  config: RepoConfig;
  flowsDir: string;
}

export function findRepositoryRoot(from: string = process.cwd()): string {
  let dir = resolve(from);
  for (;;) {
    if (['.osprey.yml', 'flows', '.git'].some((m) => existsSync(join(dir, m)))) return dir;
    const up = dirname(dir);
    if (up === dir) return resolve(from);
    dir = up;
  }
}

export function openRepository(from: string = process.cwd()): LocalRepository {
  const root = findRepositoryRoot(from);
  const file = join(root, '.osprey.yml');
  let config = DEFAULT_REPO_CONFIG;
  if (existsSync(file)) {
    const parsed = RepoConfig.safeParse(parse(readFileSync(file, 'utf8')) ?? {});
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      throw new Error(
        `${file}: ${first?.path.join('.') || '(root)'}: ${first?.message}. See README.md "Repository convention".`,
      );
    }
    config = parsed.data;
  }
  return { root, config, flowsDir: join(root, config.flows) };
}

const FLOW_FILE = /\.ya?ml$/i;

/** Flow files under the given files or folders (folders searched recursively, sorted). */
export function collectFlowFiles(paths: readonly string[]): { files: string[]; missing: string[] } {
  const files: string[] = [];
  const missing: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (FLOW_FILE.test(entry.name)) files.push(full);
    }
  };
  for (const p of paths) {
    if (!existsSync(p)) missing.push(p);
    else if (statSync(p).isDirectory()) walk(p);
    else files.push(p);
  }
  return { files, missing };
}

/** The templates of a local repository (`templates/**.yaml`, or `.osprey.yml`'s `templates`). */
export function localTemplates(
  root: string,
  config: Pick<RepoConfig, 'templates'>,
): TemplateLookup & { fingerprint: string } {
  const dir = join(root, config.templates);
  const { files } = collectFlowFiles([dir]);
  return templateSet(
    files.map((path) => ({
      path: path
        .slice(root.length + 1)
        .split('\\')
        .join('/'),
      text: readFileSync(path, 'utf8'),
    })),
  );
}

/**
 * What a flow of this repository is read with besides its text: its namespace's pluginDefaults
 * (`.osprey.yml`) and the templates its Template tasks include. Templates are read now.
 */
export function repositoryContext(
  repository: Pick<LocalRepository, 'root' | 'config'>,
): Required<Pick<ValidateOptions, 'namespaceDefaults' | 'templates'>> {
  const { root, config } = repository;
  return {
    namespaceDefaults: (namespace) => namespacePluginDefaults(config, namespace),
    templates: localTemplates(root, config),
  };
}
