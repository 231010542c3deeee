/**
 * An end-to-end GitHub setup in one process: the `emulate@0.12.2` GitHub emulator (emulator.ts), the
 * Osprey GitHub App served over HTTP on 127.0.0.1 (hono + @hono/node-server, the real route and
 * signature check) with in-memory ports, and helpers to call the API and post signed webhooks.
 */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Emulator } from 'emulate';
import { Hono } from 'hono';
import type { ExecutionService } from '../../../../app/src/execution/contract.ts';
import {
  createGitHubApp,
  type GitHubApp,
  type GitHubAppOptions,
} from '../../../../app/src/github/create-github-app.ts';
import { createMemoryPorts } from '../../../../app/src/github/memory/index.ts';
import { WEBHOOK_PATH } from '../../../../app/src/github/webhook-route.ts';
import {
  APP_ID,
  type Api,
  type GitHubEmulator,
  removeTempDirs,
  SECRET,
  startGitHubEmulator,
} from './emulator.ts';

export {
  APP_ID,
  type Api,
  type ApiResult,
  expectStatus,
  INSTALLATION_ID,
  ORG,
  SECRET,
  tempDir,
  waitFor,
} from './emulator.ts';

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
  deliver: GitHubEmulator['deliver'];
  close(): Promise<void>;
}

export interface HarnessOptions {
  executions: ExecutionService;
  repos: string[];
  reporterIntervalMs?: number;
  /** Sees every request the app's HTTP server receives, on arrival (benchmarks time from here). */
  onRequest?: (request: Request) => void;
  /** While this answers false, the app's server answers 503 to everything (Osprey is down). */
  up?: () => boolean;
  /** The API base URL the app uses, given the emulator (default: the emulator itself). */
  apiUrl?: (emulator: GitHubEmulator) => Promise<string>;
  /** Where deployed apps go (apps/**.yaml); without it apps are only validated. */
  apps?: GitHubAppOptions['apps'];
}

export async function startHarness(options: HarnessOptions): Promise<Harness> {
  let route: Hono | undefined;
  const front = new Hono();
  front.all('*', (c) => {
    options.onRequest?.(c.req.raw.clone());
    if (options.up !== undefined && !options.up()) return c.text('down for maintenance', 503);
    return route ? route.fetch(c.req.raw) : c.text('not ready', 503);
  });
  const server = serve({ fetch: front.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  const emulator = await startGitHubEmulator({
    webhookUrl: `http://127.0.0.1:${port}${WEBHOOK_PATH}`,
    repos: options.repos,
  });

  const ports = createMemoryPorts();
  const app = createGitHubApp({
    config: {
      appId: APP_ID,
      privateKey: emulator.privateKey,
      webhookSecret: SECRET,
      apiUrl: options.apiUrl ? await options.apiUrl(emulator) : emulator.gh.url,
      gitUrlTemplate: 'file:///nowhere/{owner}/{repo}?{token}',
      logLevel: (process.env['OSPREY_TEST_LOG'] as 'fatal' | undefined) ?? 'fatal',
    },
    executions: options.executions,
    ...ports,
    octokit: { throttle: false, retry: false },
    reporterIntervalMs: options.reporterIntervalMs ?? 50,
    ...(options.apps === undefined ? {} : { apps: options.apps }),
  });
  const mounted = new Hono();
  mounted.route('/', app.routes);
  route = mounted;

  return {
    gh: emulator.gh,
    app,
    ports,
    alice: emulator.alice,
    bob: emulator.bob,
    carol: emulator.carol,
    webhookUrl: emulator.webhookUrl,
    deliver: emulator.deliver,
    async close() {
      await app.close();
      await emulator.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await removeTempDirs();
    },
  };
}
