/**
 * The server's configuration, read once from the environment at boot (STYLE.md #10). Every bad
 * value is reported at once, each with its variable and what to do; values of secret variables
 * (tokens, keys, the database URL) never appear in a message. docs/configuration.md lists them.
 */
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { Namespace } from '../../../flows-schema/src/schema/primitives.ts';
import { type MasterKey, parseMasterKey } from '../secrets/master-key.ts';
import { SecretBackendsConfig } from '../secrets/secret-backends.schema.ts';

const MIN_TOKEN_LENGTH = 32;
const TOKEN_HINT = 'generate one with: openssl rand -base64 32';

/** An unset or empty variable is absent. */
function optional<T extends z.ZodType>(schema: T) {
  return z.preprocess((v) => (v === '' ? undefined : v), schema.optional());
}

const token = (variable: string) =>
  optional(
    z
      .string()
      .min(MIN_TOKEN_LENGTH, `${variable} must be at least ${MIN_TOKEN_LENGTH} characters; ${TOKEN_HINT}`)
      .regex(/^\S+$/, `${variable} must not contain spaces; ${TOKEN_HINT}`),
  );

/** YAML or JSON text → value, with a message naming the variable. */
function yamlDocument(variable: string) {
  return z.string().transform((text, ctx) => {
    try {
      return parseYaml(text) as unknown;
    } catch (e) {
      ctx.addIssue({
        code: 'custom',
        message: `${variable} is not valid YAML or JSON (${(e as Error).message.split('\n')[0]})`,
      });
      return z.NEVER;
    }
  });
}

function masterKey(variable: string) {
  return z.string().transform((text, ctx): MasterKey => {
    try {
      return parseMasterKey(text, variable);
    } catch (e) {
      ctx.addIssue({ code: 'custom', message: (e as Error).message });
      return z.NEVER;
    }
  });
}

export const StorageBackendSpec = z.strictObject({
  type: z.literal('local', { error: 'type must be local (the only storage backend so far)' }),
  dir: z
    .string({ error: 'dir is required: the folder that holds the files' })
    .min(1, 'dir is required: the folder that holds the files'),
});
export type StorageBackendSpec = z.infer<typeof StorageBackendSpec>;

export const ServerConfig = z
  .object({
    DATABASE_URL: optional(
      z
        .string()
        .refine(
          (v) => /^postgres(ql)?:\/\/[^\s]+$/.test(v) && URL.canParse(v),
          'DATABASE_URL must be a postgres:// URL such as postgres://user:password@host:5432/osprey; unset it to use the embedded database',
        ),
    ),
    PORT: optional(
      z
        .string()
        .regex(/^\d+$/, 'PORT must be a whole number between 1 and 65535 (default 8080)')
        .transform(Number)
        .refine((n) => n >= 1 && n <= 65535, 'PORT must be between 1 and 65535 (default 8080)'),
    ),
    OSPREY_DATA_DIR: optional(z.string()),
    OSPREY_DATABASE_SCHEMA: optional(
      z
        .string()
        .regex(
          /^[a-z_][a-z0-9_]{0,47}$/,
          'OSPREY_DATABASE_SCHEMA must be lower-case letters, digits and _ (at most 48 characters), e.g. osprey',
        ),
    ),
    OSPREY_RUNNER_TOKEN: token('OSPREY_RUNNER_TOKEN'),
    OSPREY_API_TOKEN: token('OSPREY_API_TOKEN'),
    OSPREY_SESSION_SECRET: token('OSPREY_SESSION_SECRET'),
    OSPREY_SECRETS_KEY: optional(masterKey('OSPREY_SECRETS_KEY')),
    OSPREY_SECRETS_PREVIOUS_KEYS: optional(
      z.string().transform((text, ctx) => {
        const keys: MasterKey[] = [];
        for (const [i, part] of text.split(',').entries()) {
          try {
            keys.push(parseMasterKey(part, `OSPREY_SECRETS_PREVIOUS_KEYS (key ${i + 1})`));
          } catch (e) {
            ctx.addIssue({ code: 'custom', message: (e as Error).message });
          }
        }
        return keys;
      }),
    ),
    OSPREY_SECRETS_BACKENDS: optional(yamlDocument('OSPREY_SECRETS_BACKENDS').pipe(SecretBackendsConfig)),
    OSPREY_ENV_SECRET_PREFIX: optional(
      z
        .string()
        .regex(
          /^[A-Za-z_][A-Za-z0-9_]*$/,
          'OSPREY_ENV_SECRET_PREFIX must be a variable-name prefix such as SECRET_',
        ),
    ),
    OSPREY_STORAGE_BACKENDS: optional(
      yamlDocument('OSPREY_STORAGE_BACKENDS').pipe(
        z.record(z.union([z.literal('*'), Namespace]), StorageBackendSpec),
      ),
    ),
    OSPREY_PUBLIC_URL: optional(
      z
        .string()
        .refine(
          (v) => /^https?:\/\//.test(v) && URL.canParse(v),
          'OSPREY_PUBLIC_URL must be the http(s) URL users and GitHub reach this server at, e.g. https://osprey.example.com',
        ),
    ),
    OSPREY_ENVIRONMENT: optional(
      z
        .string()
        .regex(
          /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/,
          'OSPREY_ENVIRONMENT must be a short label such as production or staging',
        ),
    ),
  })
  .transform((env) => {
    const dataDir = env.OSPREY_DATA_DIR ?? '.osprey';
    const storage = env.OSPREY_STORAGE_BACKENDS ?? {};
    return {
      databaseUrl: env.DATABASE_URL,
      databaseSchema: env.OSPREY_DATABASE_SCHEMA ?? 'osprey',
      port: env.PORT ?? 8080,
      dataDir,
      runnerToken: env.OSPREY_RUNNER_TOKEN,
      apiToken: env.OSPREY_API_TOKEN,
      sessionSecret: env.OSPREY_SESSION_SECRET,
      secrets: {
        masterKey: env.OSPREY_SECRETS_KEY,
        previousKeys: env.OSPREY_SECRETS_PREVIOUS_KEYS ?? [],
        backends: env.OSPREY_SECRETS_BACKENDS ?? {},
        envPrefix: env.OSPREY_ENV_SECRET_PREFIX ?? 'SECRET_',
      },
      storage: {
        default: storage['*'] ?? { type: 'local' as const, dir: `${dataDir}/storage` },
        namespaces: Object.fromEntries(Object.entries(storage).filter(([ns]) => ns !== '*')),
      },
      publicUrl: env.OSPREY_PUBLIC_URL?.replace(/\/+$/, ''),
      environment: env.OSPREY_ENVIRONMENT,
    };
  });
export type ServerConfig = z.output<typeof ServerConfig>;

/** Every problem of the environment, one line each. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  readonly problems: ReadonlyArray<{ variable: string; message: string }>;
  constructor(problems: ReadonlyArray<{ variable: string; message: string }>) {
    const lines = problems.map(
      (p) => `  - ${p.message.startsWith(p.variable) ? p.message : `${p.variable}: ${p.message}`}`,
    );
    super(
      `the server configuration has ${problems.length} problem${problems.length === 1 ? '' : 's'} (see docs/configuration.md):\n${lines.join('\n')}`,
    );
    this.problems = problems;
  }
}

/** Parses the environment; throws `ConfigError` listing every bad variable. */
export function loadServerConfig(
  env: Readonly<Record<string, string | undefined>> = process.env,
): ServerConfig {
  const parsed = ServerConfig.safeParse(env);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const variable = String(issue.path[0] ?? 'environment');
    const rest = issue.path.slice(1).join('.');
    // Zod's own messages (from nested schemas) get the path inside the variable in front.
    const message =
      issue.message.startsWith(variable) || rest === ''
        ? issue.message
        : `${variable} ${rest}: ${issue.message}`;
    return { variable, message };
  });
  throw new ConfigError(problems);
}

/** The storage folder of a namespace: the most specific configured entry, else the default. */
export function storageFor(config: ServerConfig, namespace: string): StorageBackendSpec {
  let best: [string, StorageBackendSpec] | undefined;
  for (const [ns, spec] of Object.entries(config.storage.namespaces)) {
    if (
      (namespace === ns || namespace.startsWith(`${ns}.`)) &&
      (best === undefined || ns.length > best[0].length)
    ) {
      best = [ns, spec];
    }
  }
  return best?.[1] ?? config.storage.default;
}
