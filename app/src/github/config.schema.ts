/**
 * The GitHub App's configuration, read once from the environment at boot (Probot's variable names)
 * and validated with Zod: every problem names the variable and says where to find its value.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';

const PEM = /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]+-----END [A-Z ]*PRIVATE KEY-----/;

export const GitHubAppEnv = z.object({
  APP_ID: z
    .string({
      error:
        'required: the numeric App ID from the app settings page (Settings → Developer settings → GitHub Apps)',
    })
    .regex(/^\d+$/, { message: 'must be the numeric App ID, e.g. 123456' }),
  PRIVATE_KEY: z.string().optional(),
  PRIVATE_KEY_PATH: z.string().optional(),
  WEBHOOK_SECRET: z
    .string({ error: 'required: the webhook secret entered when the app was registered' })
    .min(1, { message: 'must not be empty: GitHub signs every delivery with it' }),
  GITHUB_API_URL: z
    .url({ message: 'must be a URL such as https://api.github.com or https://ghe.example.com/api/v3' })
    .default('https://api.github.com'),
  OSPREY_GIT_URL: z
    .string()
    .refine((t) => t.includes('{owner}') && t.includes('{repo}'), {
      message: 'must contain {owner} and {repo} (and usually {token})',
    })
    .optional(),
  OSPREY_PUBLIC_URL: z
    .url({ message: 'must be the URL users open Osprey at, e.g. https://osprey.example.com' })
    .optional(),
  GITHUB_CLIENT_ID: z.string().optional(),
  GITHUB_CLIENT_SECRET: z.string().optional(),
  OSPREY_ADMINS: z
    .string()
    .regex(/^[A-Za-z0-9-]+(\s*,\s*[A-Za-z0-9-]+)*$/, {
      message: 'must be GitHub logins separated by commas, e.g. alice,bob',
    })
    .optional(),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal']).default('info'),
});

export interface GitHubAppConfig {
  appId: number;
  privateKey: string;
  webhookSecret: string;
  /** REST API base URL, without a trailing slash. */
  apiUrl: string;
  /** Clone URL template with `{owner}`, `{repo}`, `{token}`. */
  gitUrlTemplate: string;
  publicUrl?: string;
  /** The App's OAuth client (GITHUB_CLIENT_ID + GITHUB_CLIENT_SECRET): sign-in with GitHub in the console. */
  oauth?: { clientId: string; clientSecret: string };
  /** GitHub logins that may set console announcements (OSPREY_ADMINS). */
  admins?: string[];
  logLevel: z.infer<typeof GitHubAppEnv>['LOG_LEVEL'];
}

export class GitHubAppConfigError extends Error {
  constructor(problems: string[]) {
    super(
      `GitHub App configuration is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}\nSee docs/github-app.md "Configuration".`,
    );
    this.name = 'GitHubAppConfigError';
  }
}

export function loadGitHubAppConfig(
  env: Record<string, string | undefined> = process.env,
  readFile: (path: string) => string = (p) => readFileSync(p, 'utf8'),
): GitHubAppConfig {
  const defined = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = GitHubAppEnv.safeParse(defined);
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((i) => `${i.path.join('.') || '(environment)'}: ${i.message}`);
  if (defined['PRIVATE_KEY'] === undefined && defined['PRIVATE_KEY_PATH'] === undefined) {
    problems.push(
      'PRIVATE_KEY: required (or PRIVATE_KEY_PATH): the .pem key generated on the app settings page',
    );
  }
  if ((defined['GITHUB_CLIENT_ID'] === undefined) !== (defined['GITHUB_CLIENT_SECRET'] === undefined)) {
    problems.push(
      `${defined['GITHUB_CLIENT_ID'] === undefined ? 'GITHUB_CLIENT_ID' : 'GITHUB_CLIENT_SECRET'}: required with ${defined['GITHUB_CLIENT_ID'] === undefined ? 'GITHUB_CLIENT_SECRET' : 'GITHUB_CLIENT_ID'} (both from the app settings page, "Client secrets") for signing in to the console with GitHub`,
    );
  }
  if (!parsed.success || problems.length > 0) throw new GitHubAppConfigError(problems);
  const e = parsed.data;
  let privateKey = e.PRIVATE_KEY;
  if (privateKey === undefined && e.PRIVATE_KEY_PATH !== undefined) {
    try {
      privateKey = readFile(e.PRIVATE_KEY_PATH);
    } catch (error) {
      throw new GitHubAppConfigError([
        `PRIVATE_KEY_PATH: cannot read ${e.PRIVATE_KEY_PATH} (${(error as Error).message}); point it at the app's .pem file`,
      ]);
    }
  }
  privateKey = (privateKey ?? '').replace(/\\n/g, '\n').trim();
  if (!PEM.test(privateKey)) {
    throw new GitHubAppConfigError([
      `${e.PRIVATE_KEY !== undefined ? 'PRIVATE_KEY' : 'PRIVATE_KEY_PATH'}: not a PEM private key (expected -----BEGIN RSA PRIVATE KEY----- …); download a new key from the app settings page`,
    ]);
  }
  const apiUrl = e.GITHUB_API_URL.replace(/\/+$/, '');
  return {
    appId: Number(e.APP_ID),
    privateKey,
    webhookSecret: e.WEBHOOK_SECRET,
    apiUrl,
    gitUrlTemplate: e.OSPREY_GIT_URL ?? defaultGitUrlTemplate(apiUrl),
    ...(e.OSPREY_PUBLIC_URL !== undefined ? { publicUrl: e.OSPREY_PUBLIC_URL.replace(/\/+$/, '') } : {}),
    ...(e.GITHUB_CLIENT_ID !== undefined && e.GITHUB_CLIENT_SECRET !== undefined
      ? { oauth: { clientId: e.GITHUB_CLIENT_ID, clientSecret: e.GITHUB_CLIENT_SECRET } }
      : {}),
    admins: (e.OSPREY_ADMINS ?? '')
      .split(',')
      .map((l) => l.trim())
      .filter((l) => l !== ''),
    logLevel: e.LOG_LEVEL,
  };
}

/** github.com → `https://x-access-token:{token}@github.com/{owner}/{repo}.git`; GHES: the API host. */
export function defaultGitUrlTemplate(apiUrl: string): string {
  const url = new URL(apiUrl);
  const host = url.hostname === 'api.github.com' ? 'github.com' : url.host;
  return `${url.protocol}//x-access-token:{token}@${host}/{owner}/{repo}.git`;
}

/** The clone URL of a repository with an installation token filled in. */
export function renderGitUrl(
  template: string,
  repository: { owner: string; repo: string },
  token: string,
): string {
  return template
    .replaceAll('{owner}', encodeURIComponent(repository.owner))
    .replaceAll('{repo}', encodeURIComponent(repository.repo))
    .replaceAll('{token}', encodeURIComponent(token));
}
