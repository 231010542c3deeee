/**
 * Osprey as a user deploys it, against the in-process GitHub emulator: `osprey server` (the real
 * CLI, `bin/osprey.js`) as a child process with the GitHub App configured from the environment, on
 * PGlite in a temp data folder or on Postgres in a schema of its own, and `osprey runner` as a
 * second process registered with the server's registration token. Clone URLs (`OSPREY_GIT_URL`)
 * point at local bare repositories `<git root>/{owner}/{repo}.git`, which MirroredRepo fills with
 * the same commits as the emulator. The emulator's webhook URL is fixed in its seed, so the
 * server's port is chosen before the emulator starts.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { WEBHOOK_PATH } from '../../../../app/src/github/webhook-route.ts';
import { mirrorPath } from '../../../../runner/src/workspace/git-url.ts';
import {
  type BackendName,
  freePort,
  POSTGRES_URL,
  type Proc,
  REGISTRATION_TOKEN,
  spawnNode,
} from '../../server/support/processes.ts';
import { APP_ID, type ApiResult, type GitHubEmulator, SECRET, startGitHubEmulator } from './emulator.ts';

const OSPREY = fileURLToPath(new URL('../../../../bin/osprey.js', import.meta.url));
export const API_TOKEN = 'e2e-api-token-0123456789abcdefghijklmnop';

export interface OspreyWithGitHub {
  readonly emulator: GitHubEmulator;
  /** The server's base URL. */
  readonly url: string;
  readonly server: Proc;
  readonly runner: Proc;
  /** The local bare repository that `OSPREY_GIT_URL` names for `owner/repo`. */
  bareDir(owner: string, repo: string): string;
  /** The runner's git mirror of a bare repository (its `--git-cache`). */
  runnerMirror(bareDir: string): string;
  /** Osprey's REST API with the admin API token. */
  api<T = unknown>(method: string, path: string): Promise<ApiResult<T>>;
  /** Both processes' output, for assertion messages. */
  output(): string;
  close(): Promise<void>;
}

export async function startOspreyWithGitHub(options: {
  backend: BackendName;
  repos: string[];
  /** More server environment (e.g. `LOG_LEVEL`). */
  env?: Record<string, string>;
  /** Sign-in with GitHub: the App's OAuth client, seeded in the emulator and given to the server. */
  oauth?: { clientId: string; clientSecret: string };
  /** Give the server its own URL as OSPREY_PUBLIC_URL (check runs then carry a Details link). */
  publicUrl?: boolean;
}): Promise<OspreyWithGitHub> {
  const work = await mkdtemp(join(tmpdir(), 'osprey-e2e-gh-'));
  const schema = `e2e_${randomBytes(5).toString('hex')}`;
  const gitRoot = join(work, 'git');
  const gitCache = join(work, 'runner-git-cache');
  const procs: Proc[] = [];
  let emulator: GitHubEmulator | undefined;

  const close = async () => {
    // The runner first (it would retry against a stopped server), then the server (its last
    // check-run updates go to the emulator), then the emulator.
    for (const proc of procs.reverse()) await stop(proc);
    await emulator?.close();
    if (options.backend === 'postgres') {
      const client = new pg.Client({ connectionString: POSTGRES_URL });
      await client.connect();
      try {
        await client.query(
          `DROP SCHEMA IF EXISTS "${schema}" CASCADE; DROP SCHEMA IF EXISTS "${schema}_pgboss" CASCADE`,
        );
      } finally {
        await client.end();
      }
    }
    await rm(work, { recursive: true, force: true });
  };

  try {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    emulator = await startGitHubEmulator({
      webhookUrl: `${url}${WEBHOOK_PATH}`,
      repos: options.repos,
      ...(options.oauth === undefined
        ? {}
        : { oauth: { ...options.oauth, redirectUri: `${url}/ui/auth/github/callback` } }),
    });
    const server = spawnNode([OSPREY, 'server', '--port', String(port), '--host', '127.0.0.1'], {
      OSPREY_DATA_DIR: join(work, 'data'),
      ...(options.backend === 'postgres'
        ? { DATABASE_URL: POSTGRES_URL, OSPREY_DATABASE_SCHEMA: schema }
        : { DATABASE_URL: '' }),
      OSPREY_RUNNER_TOKEN: REGISTRATION_TOKEN,
      OSPREY_API_TOKEN: API_TOKEN,
      APP_ID: String(APP_ID),
      PRIVATE_KEY: emulator.privateKey,
      WEBHOOK_SECRET: SECRET,
      GITHUB_API_URL: emulator.gh.url,
      OSPREY_GIT_URL: join(gitRoot, '{owner}', '{repo}.git'),
      LOG_LEVEL: process.env['OSPREY_TEST_LOG'] ?? 'info',
      ...(options.publicUrl === true ? { OSPREY_PUBLIC_URL: url } : {}),
      ...(options.oauth === undefined
        ? {}
        : { GITHUB_CLIENT_ID: options.oauth.clientId, GITHUB_CLIENT_SECRET: options.oauth.clientSecret }),
      ...options.env,
    });
    procs.push(server);
    const [, listening] = await server.waitFor(/Osprey server listening on (http:\/\/\S+)/, 60_000);
    if (listening !== url) throw new Error(`the server listens on ${listening}, not ${url}`);
    await server.waitFor(new RegExp(`GitHub App \\S+${WEBHOOK_PATH}`), 5_000);

    const runner = spawnNode(
      [
        OSPREY,
        'runner',
        '--server',
        url,
        '--token',
        REGISTRATION_TOKEN,
        '--name',
        'e2e-runner',
        '--state-dir',
        join(work, 'runner-state'),
        '--git-cache',
        gitCache,
        '--concurrency',
        '2',
      ],
      { XDG_CACHE_HOME: join(work, 'cache') },
    );
    procs.push(runner);
    await runner.waitFor(/is taking jobs/, 30_000);

    return {
      emulator,
      url,
      server,
      runner,
      bareDir: (owner, repo) => join(gitRoot, owner, `${repo}.git`),
      runnerMirror: (bareDir) => mirrorPath(gitCache, bareDir),
      async api(method, path) {
        const response = await fetch(`${url}${path}`, {
          method,
          headers: { authorization: `Bearer ${API_TOKEN}`, accept: 'application/json' },
        });
        const text = await response.text();
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {}
        return { status: response.status, body: body as never };
      },
      output: () => `--- server\n${server.output()}\n--- runner\n${runner.output()}`,
      close,
    };
  } catch (e) {
    await close();
    throw e;
  }
}

/** SIGTERM (a clean stop: no long-poll left open, check runs flushed), SIGKILL after 10 s. */
async function stop(proc: Proc): Promise<void> {
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) return;
  proc.child.kill('SIGTERM');
  const timer = setTimeout(() => proc.child.kill('SIGKILL'), 10_000);
  await proc.exited;
  clearTimeout(timer);
}
