/**
 * Everything `osprey server` serves, on top of `createServer`: the REST API, webhook triggers and
 * the trigger scheduler, and the GitHub App when it is configured (`APP_ID`), else its one-step
 * registration pages. Routes are mounted after the runner routes so each keeps its own auth; the
 * webhook-trigger route before the API, since its key is its only credential (as in Kestra).
 */
import { randomBytes } from 'node:crypto';
import { validateFlowSource } from '../../../flows-schema/src/validate/validate-flow.ts';
import { SecretMasker } from '../../../runner/src/masking.ts';
import { apiRoutes } from '../api/index.ts';
import type { ServerConfig } from '../config/server.schema.ts';
import { consoleRoutes } from '../console/console-routes.ts';
import { consoleSession } from '../console/console-session.ts';
import { systemClock } from '../execution/clock.ts';
import { loadGitHubAppConfig } from '../github/config.schema.ts';
import { createGitHubApp, type GitHubApp } from '../github/create-github-app.ts';
import { githubManifestRoutes } from '../github/manifest-routes.ts';
import { createPostgresPorts, DatabaseExecutionSearch } from '../stores/index.ts';
import { DatabaseTriggerStore, TriggerScheduler, webhookRoutes } from '../triggers/index.ts';
import { DeployedFlows } from './deployed-flows.ts';
import { type CreateServerOptions, createServer, type OspreyServer } from './main.ts';

export interface OspreyServerParts extends OspreyServer {
  readonly triggers: DatabaseTriggerStore;
  readonly scheduler: TriggerScheduler;
  /** Present when APP_ID is set. */
  readonly github: GitHubApp | undefined;
  readonly ports: ReturnType<typeof createPostgresPorts>;
}

export interface OspreyServerOptions extends CreateServerOptions {
  /** `osprey dev`: visitors on this machine use the console without signing in (docs/console.md). */
  localConsole?: boolean;
}

export async function createOspreyServer(
  config: ServerConfig,
  options: OspreyServerOptions = {},
  env: Record<string, string | undefined> = process.env,
): Promise<OspreyServerParts> {
  const github = env['APP_ID'] ? loadGitHubAppConfig(env) : undefined;
  const { localConsole, ...serverOptions } = options;
  const server = await createServer(config, serverOptions);
  const { db, executions, kv, secrets, tokens, storage } = server.services;
  const flows = new DeployedFlows(db);
  const triggers = new DatabaseTriggerStore(db, systemClock);
  const ports = createPostgresPorts(db);
  const scheduler = new TriggerScheduler({ store: triggers, executions, flows, db, timeZone: 'UTC' });

  // Without OSPREY_SESSION_SECRET console sign-ins last until the server restarts.
  const session = consoleSession(config.sessionSecret ?? randomBytes(32));
  server.app.route('/', webhookRoutes({ store: triggers, executions, flows }));
  server.app.get('/', (c) => c.redirect('/ui/'));
  server.app.route(
    '/ui',
    consoleRoutes({
      tokens,
      session,
      ...(localConsole === true ? { localToken: config.apiToken } : {}),
    }),
  );
  server.app.route(
    '/api/v1',
    apiRoutes({
      session,
      executions,
      search: new DatabaseExecutionSearch(db),
      flows: ports.store,
      triggers,
      storage,
      checkRuns: ports.checkRunLinks,
      kv,
      secrets,
      tokens,
      validate: validateFlowSource,
      masker: new SecretMasker(),
    }),
  );
  let app: GitHubApp | undefined;
  if (github !== undefined) {
    app = createGitHubApp({ config: github, executions, ...ports, triggers });
    server.app.route('/', app.routes);
    server.useGitAccess({ cloneUrl: (repository) => (app as GitHubApp).cloneUrl(repository) });
  } else if (config.publicUrl !== undefined) {
    server.app.route('/', githubManifestRoutes({ publicUrl: config.publicUrl }));
  }

  return {
    ...server,
    app: server.app,
    services: server.services,
    triggers,
    scheduler,
    github: app,
    ports,
    async start() {
      const url = await server.start();
      await scheduler.start();
      // Listening first: deliveries GitHub is asked to make again must find the server up.
      app?.reconciler.start();
      return url;
    },
    async stop() {
      await scheduler.stop();
      await app?.close();
      await server.stop();
    },
  };
}
