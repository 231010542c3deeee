/**
 * `{{ workingDir }}` in tasks that run in a working directory (script tasks, DuckDB): the control
 * plane renders it as this token, since the folder only exists on the runner; the runner replaces
 * the token with the folder's path once it has made it.
 */
export const WORKING_DIR_TOKEN = '__OSPREY_WORKING_DIR__';

/** `value` with `change` applied to every string in it, at any depth (JSON values). */
export function mapStrings<T>(value: T, change: (text: string) => string): T {
  if (typeof value === 'string') return change(value) as T;
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, change)) as T;
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapStrings(v, change)])) as T;
  return value;
}

/** `value` with every occurrence of the token in its strings replaced by `path`. */
export function withWorkingDir<T>(value: T, path: string): T {
  return mapStrings(value, (text) => text.replaceAll(WORKING_DIR_TOKEN, path));
}
