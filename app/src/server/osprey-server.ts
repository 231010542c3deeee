/**
 * Everything `osprey server` serves, on top of `createServer`: the REST API, webhook triggers and
 * the trigger scheduler, and the GitHub App when it is configured (`APP_ID`), else its one-step
 * registration pages. Routes are mounted after the runner routes so each keeps its own auth; the
 * webhook-trigger route before the API, since its key is its only credential (as in Kestra).
 */

import { randomBytes } from 'node:crypto';
import {
  type ValidateOptions,
  validateFlowSource,
} from '../../../flows-schema/src/validate/validate-flow.ts';
import { logger, logSecrets } from '../../../protocol/src/logger.ts';
import { SecretMasker } from '../../../protocol/src/masking.ts';
import type { TriggerPollerDeps } from '../../../protocol/src/trigger-poller.ts';
import type { FlowWriter } from '../api/deps.ts';
import { DatabaseExecutionSearch } from '../api/executions/database-execution-search.ts';
import { apiRoutes } from '../api/index.ts';
import { AppApprovals } from '../apps/app-approvals.ts';
import { appRoutes } from '../apps/app-routes.ts';
import { AppStore } from '../apps/app-store.ts';
import { AuditLog } from '../audit/audit-log.ts';
import { NamespaceAccess } from '../auth/namespace-access.ts';
import type { ServerConfig } from '../config/server.schema.ts';
import { Announcements } from '../console/announcements.ts';
import { consoleRoutes } from '../console/console-routes.ts';
import { consoleSession } from '../console/console-session.ts';
import { UserSessions } from '../console/user-sessions.ts';
import { systemClock } from '../execution/clock.ts';
import { renderProperties, servicesFor } from '../execution/render.ts';
import { loadGitHubAppConfig } from '../github/config.schema.ts';
import { createGitHubApp, type GitHubApp } from '../github/create-github-app.ts';
import { githubManifestRoutes } from '../github/manifest-routes.ts';
import { githubNamespaceFiles } from '../github/namespace-files.ts';
import { createPostgresPorts } from '../github/postgres/index.ts';
import { DatabaseTriggerStore, TriggerScheduler, webhookRoutes } from '../triggers/index.ts';
import type { TriggerPoller } from '../triggers/types.ts';
import { DeployedFlows } from './deployed-flows.ts';
import { type CreateServerOptions, createServer, type OspreyServer } from './main.ts';

export interface OspreyServerParts extends OspreyServer {
  readonly triggers: DatabaseTriggerStore;
  readonly scheduler: TriggerScheduler;
  /** Present when APP_ID is set. */
  readonly github: GitHubApp | undefined;
  readonly ports: ReturnType<typeof createPostgresPorts>;
  /** The deployed apps (apps/**.yaml), deployed with the flows. */
  readonly apps: AppStore;
  readonly audit: AuditLog;
}

export interface OspreyServerOptions extends CreateServerOptions {
  /** `osprey dev`: visitors on this machine use the console without signing in (docs/console.md). */
  localConsole?: boolean;
  /** `osprey dev`: flows written through the API go to the flows folder (api/deps.ts FlowWriter). */
  flowWriter?: FlowWriter;
  /**
   * `osprey dev`: what flows sent to the API are validated with besides their text (the folder's
   * templates and namespace pluginDefaults), read when a flow arrives.
   */
  flowContext?: () => ValidateOptions;
  /**
   * Polling triggers by type (the JDBC and HTTP Triggers): plugin code, so the composition root
   * (cli/) passes them in; app/ does not import runner/.
   */
  triggerPollers?: (deps: TriggerPollerDeps) => ReadonlyMap<string, TriggerPoller>;
}

const triggerLogger = logger('triggers');

export async function createOspreyServer(
  config: ServerConfig,
  options: OspreyServerOptions = {},
  env: Record<string, string | undefined> = process.env,
): Promise<OspreyServerParts> {
  const github = env['APP_ID'] ? loadGitHubAppConfig(env) : undefined;
  const { localConsole, flowWriter, flowContext, triggerPollers, ...serverOptions } = options;
  const validate: typeof validateFlowSource =
    flowContext === undefined
      ? validateFlowSource
      : (source, registry, own) =>
          validateFlowSource(
            source,
            registry,
            own?.templates !== undefined && own.namespaceDefaults !== undefined
              ? own
              : { ...flowContext(), ...own },
          );
  // The server's own credentials are masked in every log line, like the secrets executions resolve.
  for (const value of [
    config.runnerToken,
    config.apiToken,
    config.sessionSecret,
    config.databaseUrl === undefined ? undefined : decodeURIComponent(new URL(config.databaseUrl).password),
    github?.privateKey,
    github?.webhookSecret,
  ])
    if (value) logSecrets.register(value);
  const server = await createServer(config, serverOptions);
  const { db, executions, kv, secrets, tokens, storage } = server.services;
  const flows = new DeployedFlows(db);
  const triggers = new DatabaseTriggerStore(db, systemClock);
  const ports = createPostgresPorts(db);
  // Polling triggers render their properties (secret(), kv()) in their flow's namespace, as a task's.
  const renderDeps = {
    kv,
    secrets,
    storage: server.services.storage,
    logs: async () => [],
    now: () => Date.now(),
  };
  const pollers = triggerPollers?.({
    render: (properties, namespace, options) =>
      renderProperties(
        properties,
        { flow: { namespace }, ...options?.variables },
        servicesFor(renderDeps, { id: '', namespace }, (value) => {
          logSecrets.register(value);
          options?.onSecret?.(value);
        }),
      ),
    storage: server.services.storage,
    log: (level, message) => {
      if (level === 'ERROR') triggerLogger.error(message);
      else if (level === 'WARN') triggerLogger.warn(message);
    },
  });
  const scheduler = new TriggerScheduler({
    store: triggers,
    executions,
    flows,
    db,
    timeZone: 'UTC',
    ...(pollers === undefined ? {} : { pollers }),
  });

  // Without OSPREY_SESSION_SECRET console sign-ins last until the server restarts.
  const sessionSecret = config.sessionSecret ?? randomBytes(32);
  const users = new UserSessions(db, { admins: github?.admins ?? [] });
  const session = consoleSession(sessionSecret, users);
  const audit = new AuditLog(db);
  const apps = new AppStore(db);
  server.app.route('/', webhookRoutes({ store: triggers, executions, flows }));
  server.app.get('/', (c) => c.redirect('/ui/'));
  server.app.route(
    '/ui',
    consoleRoutes({
      tokens,
      session,
      audit,
      ...(localConsole === true ? { localToken: config.apiToken } : {}),
      ...(github?.oauth === undefined
        ? {}
        : {
            github: {
              ...github.oauth,
              apiUrl: github.apiUrl,
              publicUrl: github.publicUrl ?? config.publicUrl,
              secret: sessionSecret,
            },
          }),
    }),
  );
  // Created before the API (which reads namespace files through it), mounted after it.
  const app: GitHubApp | undefined =
    github === undefined
      ? undefined
      : createGitHubApp({ config: github, executions, ...ports, triggers, apps });
  server.app.route(
    '/apps',
    appRoutes({
      apps,
      approvals: new AppApprovals(db),
      executions,
      flows: ports.store,
      validate,
      tokens,
      session,
      audit,
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
      validate,
      masker: new SecretMasker(),
      announcements: new Announcements(db),
      access: new NamespaceAccess(() => ports.ownership.all()),
      ...(app === undefined
        ? {}
        : {
            namespaceFiles: githubNamespaceFiles({
              owners: () => ports.ownership.all(),
              flows: ports.store,
              reader: (repository) => app.reader(repository),
            }),
          }),
      ...(flowWriter === undefined ? {} : { flowWriter }),
      audit,
    }),
  );
  if (app !== undefined) {
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
    apps,
    audit,
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
