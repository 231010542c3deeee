/**
 * `osprey runner` options, parsed once (flags first, then OSPREY_SERVER / OSPREY_RUNNER_TOKEN from
 * the environment). Every problem names the flag and what to pass instead.
 */
import { hostname } from 'node:os';
import { z } from 'zod';
import { defaultStateDir } from './credential-store.ts';
import type { RemoteRunnerOptions } from './remote-runner.ts';

const int = (flag: string, min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, `${flag} must be a whole number`)
    .transform(Number)
    .refine((n) => n >= min && n <= max, `${flag} must be between ${min} and ${max}`);

export const RunnerFlags = z.object({
  server: z
    .string({ error: '--server is required: the URL of the Osprey server, e.g. https://osprey.example.com' })
    .refine(
      (v) => /^https?:\/\//.test(v) && URL.canParse(v),
      '--server must be an http(s) URL, e.g. https://osprey.example.com',
    ),
  token: z.string().min(1, '--token must not be empty').optional(),
  'worker-group': z
    .string()
    .regex(
      /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/,
      '--worker-group must be 1 to 63 letters, digits, "_", "." or "-", starting with a letter or digit',
    )
    .optional(),
  concurrency: int('--concurrency', 1, 256).optional(),
  name: z
    .string()
    .regex(
      /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,99}$/,
      '--name must be 1 to 100 letters, digits, spaces, ".", "_" or "-"',
    )
    .optional(),
  'state-dir': z.string().min(1).optional(),
  grace: int('--grace', 0, 86_400).optional(),
  'git-cache': z.string().min(1).optional(),
});

export type RunnerCommandOptions = RemoteRunnerOptions & { graceMs: number };

/** Flags and environment → the runner's options; throws one message listing every problem. */
export function runnerOptions(
  flags: Record<string, string | undefined>,
  env: Readonly<Record<string, string | undefined>> = process.env,
): RunnerCommandOptions {
  const parsed = RunnerFlags.safeParse({
    ...flags,
    server: flags['server'] ?? env['OSPREY_SERVER'],
    token: flags['token'] ?? env['OSPREY_RUNNER_TOKEN'],
  });
  if (!parsed.success) throw new Error(parsed.error.issues.map((i) => i.message).join('\n'));
  const f = parsed.data;
  const name = f.name ?? hostname().slice(0, 100);
  return {
    server: f.server.replace(/\/+$/, ''),
    name,
    ...(f.token === undefined ? {} : { registrationToken: f.token }),
    ...(f['worker-group'] === undefined ? {} : { workerGroup: f['worker-group'] }),
    concurrency: f.concurrency ?? 4,
    stateDir: f['state-dir'] ?? defaultStateDir(),
    graceMs: (f.grace ?? 30) * 1000,
    ...(f['git-cache'] === undefined ? {} : { gitCacheDir: f['git-cache'] }),
  };
}
