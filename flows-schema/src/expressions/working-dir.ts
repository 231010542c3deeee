/**
 * `{{ workingDir }}` in tasks that run in a working directory (script tasks, DuckDB): the control
 * plane renders it as this token, since the folder only exists on the runner; the runner replaces
 * the token with the folder's path once it has made it.
 */
export const WORKING_DIR_TOKEN = '__OSPREY_WORKING_DIR__';

/** `value` with every occurrence of the token in its strings replaced by `path`. */
export function withWorkingDir<T>(value: T, path: string): T {
  if (typeof value === 'string') return value.replaceAll(WORKING_DIR_TOKEN, path) as T;
  if (Array.isArray(value)) return value.map((v) => withWorkingDir(v, path)) as T;
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withWorkingDir(v, path)])) as T;
  return value;
}
