/**
 * An end-to-end GitHub setup in one process: the `emulate@0.12.2` GitHub emulator, the Osprey GitHub
 * App served over HTTP on 127.0.0.1 (hono + @hono/node-server, the real route and signature check),
 * users with admin / write / read access, and helpers to call the API and post signed webhooks.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { sign } from '@octokit/webhooks-methods';
import { createEmulator, type Emulator } from 'emulate';
import { Hono } from 'hono';
import type { ExecutionService } from '../../../../app/src/execution/contract.ts';
import { createGitHubApp, type GitHubApp } from '../../../../app/src/github/create-github-app.ts';
import { createMemoryPorts } from '../../../../app/src/github/memory/index.ts';
import { WEBHOOK_PATH } from '../../../../app/src/github/webhook-route.ts';

export const APP_ID = 4242;
export const INSTALLATION_ID = 777;
export const SECRET = 'test-webhook-secret';
export const ORG = 'acme';

const tempDirs = new Set<string>();

/** A temporary folder removed when the harness closes (git repositories, checkouts). */
export async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}

// biome-ignore lint/suspicious/noExplicitAny: GitHub's JSON is read loosely in tests; assertions check the shapes.
type LooseJson = any;

export interface ApiResult<T = LooseJson> {
  status: number;
  body: T;
}

/** A REST client for one user token of the emulator. */
export type Api = <T = LooseJson>(method: string, path: string, body?: unknown) => Promise<ApiResult<T>>;

export interface Harness {
  gh: Emulator;
  app: GitHubApp;
  ports: ReturnType<typeof createMemoryPorts>;
  /** Org admin. */
  alice: Api;
  /** Write access (`push`) on every repository. */
  bob: Api;
  /** Read access (`pull`) on every repository. */
  carol: Api;
  webhookUrl: string;
  /** POST a webhook to the app, signed with the app's secret unless `signature` is given. */
  deliver(
    event: string,
    payload: unknown,
    options?: { id?: string; signature?: string | null },
  ): Promise<Response>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  executions: ExecutionService;
  repos: string[];
  reporterIntervalMs?: number;
  /** Sees every request the app's HTTP server receives, on arrival (benchmarks time from here). */
  onRequest?: (request: Request) => void;
}

export async function startHarness(options: HarnessOptions): Promise<Harness> {
  let route: Hono | undefined;
  const front = new Hono();
  front.all('*', (c) => {
    options.onRequest?.(c.req.raw.clone());
    return route ? route.fetch(c.req.raw) : c.text('not ready', 503);
  });
  const server = serve({ fetch: front.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  const webhookUrl = `http://127.0.0.1:${port}${WEBHOOK_PATH}`;

  const gh = await createEmulator({
    service: 'github',
    port: 0,
    seed: {
      tokens: {
        ghp_alice: { login: 'alice', scopes: ['repo', 'user', 'admin:org'] },
        ghp_bob: { login: 'bob', scopes: ['repo'] },
        ghp_carol: { login: 'carol', scopes: ['repo'] },
      },
      github: {
        users: [
          { login: 'alice', name: 'Alice', email: 'alice@example.com' },
          { login: 'bob', name: 'Bob', email: 'bob@example.com' },
          { login: 'carol', name: 'Carol', email: 'carol@example.com' },
        ],
        orgs: [{ login: ORG, name: 'Acme', members: [{ login: 'alice', role: 'admin' }] }],
        repos: options.repos.map((name) => ({
          owner: ORG,
          name,
          auto_init: false,
          private: true,
          default_branch: 'main',
        })),
        apps: [
          {
            app_id: APP_ID,
            slug: 'osprey',
            name: 'Osprey',
            permissions: {
              contents: 'read',
              checks: 'write',
              pull_requests: 'read',
              metadata: 'read',
              issues: 'write',
            },
            events: ['push', 'pull_request', 'check_run', 'check_suite', 'issue_comment', 'create'],
            webhook_url: webhookUrl,
            webhook_secret: SECRET,
            installations: [{ installation_id: INSTALLATION_ID, account: ORG, repository_selection: 'all' }],
          },
        ],
      },
    },
  });
  const privateKey = gh.generatedSecrets.find(
    (s) => s.kind === 'github.app_private_key' && s.id === String(APP_ID),
  )?.value;
  if (privateKey === undefined) throw new Error('the emulator generated no private key for the app');

  const ports = createMemoryPorts();
  const app = createGitHubApp({
    config: {
      appId: APP_ID,
      privateKey,
      webhookSecret: SECRET,
      apiUrl: gh.url,
      gitUrlTemplate: 'file:///nowhere/{owner}/{repo}?{token}',
      logLevel: (process.env['OSPREY_TEST_LOG'] as 'fatal' | undefined) ?? 'fatal',
    },
    executions: options.executions,
    ...ports,
    octokit: { throttle: false, retry: false },
    reporterIntervalMs: options.reporterIntervalMs ?? 50,
  });
  const mounted = new Hono();
  mounted.route('/', app.routes);
  route = mounted;

  const client =
    (token: string): Api =>
    async (method, path, body) => {
      const response = await fetch(gh.url + path, {
        method,
        headers: {
          authorization: `token ${token}`,
          'content-type': 'application/json',
          accept: 'application/vnd.github+json',
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {}
      return { status: response.status, body: parsed as LooseJson };
    };
  const alice = client('ghp_alice');
  for (const name of options.repos) {
    await expectStatus(
      alice('PUT', `/repos/${ORG}/${name}/collaborators/bob`, { permission: 'push' }),
      [201, 204],
    );
    await expectStatus(
      alice('PUT', `/repos/${ORG}/${name}/collaborators/carol`, { permission: 'pull' }),
      [201, 204],
    );
  }

  return {
    gh,
    app,
    ports,
    alice,
    bob: client('ghp_bob'),
    carol: client('ghp_carol'),
    webhookUrl,
    async deliver(event, payload, opts = {}) {
      const body = JSON.stringify(payload);
      const signature = opts.signature === undefined ? await sign(SECRET, body) : opts.signature;
      return fetch(webhookUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-github-event': event,
          'x-github-delivery': opts.id ?? randomUUID(),
          ...(signature !== null ? { 'x-hub-signature-256': signature } : {}),
        },
        body,
      });
    },
    async close() {
      await app.close();
      await gh.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.all([...tempDirs].map((dir) => rm(dir, { recursive: true, force: true })));
      tempDirs.clear();
    },
  };
}

export async function expectStatus<T>(
  call: Promise<ApiResult<T>>,
  expected: number[],
): Promise<ApiResult<T>> {
  const result = await call;
  if (!expected.includes(result.status))
    throw new Error(
      `expected HTTP ${expected.join('/')}, got ${result.status}: ${JSON.stringify(result.body)}`,
    );
  return result;
}

/** Poll until `probe` returns a value (not undefined), or fail after `timeoutMs` with `what`. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
