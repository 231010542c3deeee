/**
 * The server's runtime options beyond `ServerConfig` (app/src/config): where it listens and how the
 * runner protocol is tuned. Read once from the environment at boot; every bad value is reported
 * with its variable. Tests shorten leases through the same variables.
 */

import { z } from 'zod';
import { parseDuration } from '../../../flows-schema/src/time.ts';

function ms(variable: string, fallback: number, min: number, max: number) {
  return z.preprocess(
    (v) => (v === '' || v === undefined ? undefined : v),
    z
      .string()
      .regex(/^\d+$/, `${variable} must be a whole number of milliseconds`)
      .transform(Number)
      .refine((n) => n >= min && n <= max, `${variable} must be between ${min} and ${max} milliseconds`)
      .optional()
      .transform((v) => v ?? fallback),
  );
}

/** A retention: an ISO-8601 duration (`P30D`), unset to keep forever; milliseconds. */
function retention(variable: string) {
  return z.preprocess(
    (v) => (v === '' ? undefined : v),
    z
      .string()
      .transform((text, ctx) => {
        const ms = parseDuration(text);
        if (ms === undefined || ms <= 0) {
          ctx.addIssue({
            code: 'custom',
            message: `${variable} must be a positive ISO-8601 duration such as P30D or PT12H, got '${text}'; unset it to keep forever`,
          });
          return z.NEVER;
        }
        return ms;
      })
      .optional(),
  );
}

export const ServerOptionsEnv = z
  .object({
    OSPREY_HOST: z.preprocess(
      (v) => (v === '' ? undefined : v),
      z
        .string()
        .regex(
          /^[A-Za-z0-9.:[\]-]+$/,
          'OSPREY_HOST must be a host name or IP address to listen on, e.g. 0.0.0.0',
        )
        .optional(),
    ),
    OSPREY_LEASE_TTL_MS: ms('OSPREY_LEASE_TTL_MS', 30_000, 200, 3_600_000),
    OSPREY_CLAIM_WAIT_MS: ms('OSPREY_CLAIM_WAIT_MS', 25_000, 0, 120_000),
    OSPREY_SHIPPER_SETTLE_MS: ms('OSPREY_SHIPPER_SETTLE_MS', 3000, 0, 600_000),
    OSPREY_MAX_UPLOAD_BYTES: z.preprocess(
      (v) => (v === '' || v === undefined ? undefined : v),
      z
        .string()
        .regex(/^\d+$/, 'OSPREY_MAX_UPLOAD_BYTES must be a whole number of bytes')
        .transform(Number)
        .optional()
        .transform((v) => v ?? 1024 ** 3),
    ),
    OSPREY_ENGINE_CONCURRENCY: z.preprocess(
      (v) => (v === '' || v === undefined ? undefined : v),
      z
        .string()
        .regex(/^[1-9]\d{0,2}$/, 'OSPREY_ENGINE_CONCURRENCY must be a number of fetch loops from 1 to 999')
        .transform(Number)
        .optional()
        .transform((v) => v ?? 2),
    ),
    OSPREY_RETENTION_EXECUTIONS: retention('OSPREY_RETENTION_EXECUTIONS'),
    OSPREY_RETENTION_LOGS: retention('OSPREY_RETENTION_LOGS'),
    OSPREY_RETENTION_INTERVAL_MS: ms('OSPREY_RETENTION_INTERVAL_MS', 3_600_000, 1000, 7 * 86_400_000),
  })
  .transform((e) => ({
    host: e.OSPREY_HOST ?? '0.0.0.0',
    leaseTtlMs: e.OSPREY_LEASE_TTL_MS,
    claimWaitMs: e.OSPREY_CLAIM_WAIT_MS,
    maxUploadBytes: e.OSPREY_MAX_UPLOAD_BYTES,
    engineConcurrency: e.OSPREY_ENGINE_CONCURRENCY,
    shipperSettleMs: e.OSPREY_SHIPPER_SETTLE_MS,
    retention: {
      executionsMs: e.OSPREY_RETENTION_EXECUTIONS,
      logsMs: e.OSPREY_RETENTION_LOGS,
      intervalMs: e.OSPREY_RETENTION_INTERVAL_MS,
    },
  }));
export type ServerOptions = z.output<typeof ServerOptionsEnv>;

/** Parses the environment; throws one error listing every bad variable. */
export function loadServerOptions(
  env: Readonly<Record<string, string | undefined>> = process.env,
): ServerOptions {
  const parsed = ServerOptionsEnv.safeParse(env);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((i) => `  - ${i.message}`);
  throw new Error(
    `the server options have ${lines.length} problem(s) (see docs/runners.md):\n${lines.join('\n')}`,
  );
}
