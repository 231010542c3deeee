/**
 * The environment of a script process: the runner's own environment minus Osprey's secrets (tokens,
 * keys, database URL, `SECRET_*` values), plus the task's `env`. And a `python` that works: Kestra's
 * examples call `python`, many machines only have `python3`, so a shim is put first on PATH then.
 */
import { access, chmod, constants, mkdir, writeFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { TaskFailure } from '../../../../protocol/src/task-contract.ts';

const OSPREY_SECRETS = [
  /^OSPREY_/,
  /^SECRET_/,
  /^(DATABASE_URL|PRIVATE_KEY|PRIVATE_KEY_PATH|WEBHOOK_SECRET|GITHUB_TOKEN|GH_TOKEN)$/,
  /^ACTIONS_(RUNTIME_TOKEN|ID_TOKEN_REQUEST_TOKEN|ID_TOKEN_REQUEST_URL)$/,
];

export function processEnv(
  extra: Record<string, string>,
  base: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  // The server's environment secrets backend may use another prefix than SECRET_.
  const prefix = base['OSPREY_ENV_SECRET_PREFIX'];
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(base)) {
    if (v === undefined || OSPREY_SECRETS.some((re) => re.test(k))) continue;
    if (prefix !== undefined && prefix !== '' && k.startsWith(prefix)) continue;
    env[k] = v;
  }
  return { ...env, ...extra };
}

/** The task's `env` property as strings (numbers and booleans as written). */
export function envProperty(raw: unknown, where: string): Record<string, string> {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new TaskFailure(`${where} must be a map of variable name to value`, { retryable: false });
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
    if (v === null || v === undefined) continue;
    out[k] = typeof v === 'string' ? v : JSON.stringify(v);
  }
  return out;
}

/** When PATH has `python3` but no `python`, put a `python` shim (in `scratch`) first on PATH. */
export async function withPythonShim(
  env: Record<string, string>,
  scratch: string,
): Promise<Record<string, string>> {
  const path = env['PATH'] ?? '';
  if ((await onPath('python', path)) || !(await onPath('python3', path))) return env;
  const bin = join(scratch, 'bin');
  await mkdir(bin, { recursive: true });
  const shim = join(bin, 'python');
  await writeFile(shim, '#!/bin/sh\nexec python3 "$@"\n');
  await chmod(shim, 0o755);
  return { ...env, PATH: `${bin}${delimiter}${path}` };
}

export async function onPath(program: string, path: string): Promise<boolean> {
  for (const dir of path.split(delimiter)) {
    if (dir === '') continue;
    try {
      await access(join(dir, program), constants.X_OK);
      return true;
    } catch {
      // Not in this folder.
    }
  }
  return false;
}
