/**
 * Namespace files: where they come from (one interface, a local repository or a git mirror at the
 * execution's pinned commit) and how a task's `namespaceFiles` option picks them. Kestra's rules:
 * the option is on as soon as it is present (`enabled` defaults to true), `namespaces` lists where
 * to read from in order (later ones override earlier ones), default the execution's namespace;
 * `include` / `exclude` are globs on the path inside the namespace.
 */
import picomatch from 'picomatch';
import { TaskFailure } from '../../../protocol/src/task-contract.ts';

/** Files of one namespace as `path inside the namespace` ('/'-separated) → bytes. */
export interface NamespaceFilesProvider {
  read(namespace: string): Promise<Map<string, Buffer>>;
}

export const IF_EXISTS = ['OVERWRITE', 'FAIL', 'WARN', 'IGNORE'] as const;
export type IfExists = (typeof IF_EXISTS)[number];

export interface NamespaceFilesOptions {
  namespaces: string[];
  include: string[];
  exclude: string[];
  folderPerNamespace: boolean;
  ifExists: IfExists;
}

const NAMESPACE = /^[A-Za-z0-9][A-Za-z0-9_-]*(\.[A-Za-z0-9][A-Za-z0-9_-]*)*$/;

/** Refuse a namespace that could not be a folder name of the repository convention. */
export function checkNamespace(namespace: string, where: string): void {
  if (!NAMESPACE.test(namespace)) {
    throw new TaskFailure(
      `${where}: '${namespace}' is not a namespace; use dot-separated names such as company.team`,
      { retryable: false },
    );
  }
}

/**
 * The task's `namespaceFiles` property as options, or undefined when namespace files are off.
 * `where` prefixes messages (`task 'ns': namespaceFiles`).
 */
export function namespaceFilesOptions(
  raw: unknown,
  executionNamespace: string,
  where: string,
): NamespaceFilesOptions | undefined {
  if (raw === undefined || raw === null) return undefined;
  const value = typeof raw === 'string' ? parseJson(raw, where) : raw;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail(where, 'must be an object such as { enabled: true, include: ["*.py"] }');
  }
  const o = value as Record<string, unknown>;
  if (!bool(o['enabled'], true, `${where}.enabled`)) return undefined;
  const namespaces = list(o['namespaces'], `${where}.namespaces`);
  for (const ns of namespaces) checkNamespace(ns, `${where}.namespaces`);
  const ifExists = o['ifExists'] === undefined ? 'OVERWRITE' : String(o['ifExists']).toUpperCase();
  if (!(IF_EXISTS as readonly string[]).includes(ifExists)) {
    fail(`${where}.ifExists`, `must be one of ${IF_EXISTS.join(', ')}, got '${String(o['ifExists'])}'`);
  }
  return {
    namespaces: namespaces.length === 0 ? [executionNamespace] : namespaces,
    include: list(o['include'], `${where}.include`),
    exclude: list(o['exclude'], `${where}.exclude`),
    folderPerNamespace: bool(o['folderPerNamespace'], false, `${where}.folderPerNamespace`),
    ifExists: ifExists as IfExists,
  };
}

/** A predicate on paths inside a namespace: included (or no include given) and not excluded. */
export function fileFilter(
  include: readonly string[],
  exclude: readonly string[],
): (path: string) => boolean {
  const compile = (globs: readonly string[]) =>
    globs.length === 0 ? undefined : picomatch(globs.map(stripLeadingSlash), { dot: true });
  const inc = compile(include);
  const exc = compile(exclude);
  return (path) => (inc === undefined || inc(path)) && (exc === undefined || !exc(path));
}

function stripLeadingSlash(glob: string): string {
  return glob.replace(/^\/+/, '');
}

function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return fail(where, `must be an object, got the text '${text.slice(0, 60)}'`);
  }
}

function list(v: unknown, where: string): string[] {
  if (v === undefined || v === null) return [];
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.map(String);
  return fail(where, 'must be a list of strings');
}

function bool(v: unknown, fallback: boolean, where: string): boolean {
  if (v === undefined || v === null) return fallback;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string' && /^(true|false)$/i.test(v.trim())) return v.trim().toLowerCase() === 'true';
  return fail(where, `must be true or false, got '${String(v)}'`);
}

function fail(where: string, problem: string): never {
  throw new TaskFailure(`${where} ${problem}`, { retryable: false });
}
