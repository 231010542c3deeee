/**
 * Which secrets backend serves which namespaces: `OSPREY_SECRETS_BACKENDS`, a YAML or JSON map from
 * a namespace (it and its children) to a backend. `*` sets the default. The longest matching
 * namespace wins, so `company.finance` can use its own backend while the rest of `company` uses the
 * default.
 *
 * ```yaml
 * company.finance: { type: file, dir: /var/run/secrets/finance }
 * company.ops: { type: env, prefix: OPS_SECRET_, base64: false }
 * "*": { type: postgres }
 * ```
 */
import { z } from 'zod';
import { Namespace } from '../../../flows-schema/src/schema/primitives.ts';

export const SecretBackendSpec = z.discriminatedUnion(
  'type',
  [
    z.strictObject({ type: z.literal('postgres') }),
    z.strictObject({
      type: z.literal('env'),
      prefix: z
        .string()
        .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable prefix such as SECRET_')
        .optional(),
      base64: z.boolean().optional(),
    }),
    z.strictObject({
      type: z.literal('file'),
      dir: z
        .string({ error: 'dir is required: the directory holding one file per secret' })
        .min(1, 'dir is required: the directory holding one file per secret'),
    }),
  ],
  { error: 'type must be postgres, env or file' },
);
export type SecretBackendSpec = z.infer<typeof SecretBackendSpec>;

export const SecretBackendsConfig = z.record(z.union([z.literal('*'), Namespace]), SecretBackendSpec, {
  error: (issue) =>
    issue.code === 'invalid_key'
      ? `'${String(issue.input)}' is not a namespace (lower-case, e.g. company.team) or * for the default`
      : issue.code === 'invalid_type'
        ? 'must be a map from namespace to backend, e.g. company.finance: { type: file, dir: /run/secrets/finance }'
        : undefined,
});
export type SecretBackendsConfig = z.infer<typeof SecretBackendsConfig>;
