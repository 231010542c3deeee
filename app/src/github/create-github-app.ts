/**
 * Builds the GitHub App: Probot (App JWT, installation tokens cached and refreshed by Octokit's app
 * auth; throttling and retry on unless a test turns them off), the webhook receiver and its hono
 * route, the event handlers, the execution launcher and the check-run reporter. Wiring only.
 */
import { Probot, ProbotOctokit } from 'probot';
import { type Logger, logger } from '../../../protocol/src/logger.ts';
import type { FlowRevisionStore, NamespaceOwnership, TriggerRegistry } from '../deployments/ports.ts';
import type { ExecutionService } from '../execution/contract.ts';
import { SerialByKey } from '../execution/serial-by-key.ts';
import { handleIssueComment } from './commands/run-command.ts';
import { type GitHubAppConfig, renderGitUrl } from './config.schema.ts';
import type { HandlerDeps, Log } from './deps.ts';
import { liquidTriggerInputs, type RenderTriggerInputs } from './git-triggers/render-trigger-inputs.ts';
import { handleCheckRun } from './handlers/check-run.ts';
import { handleCheckSuite } from './handlers/check-suite.ts';
import { handlePullRequest } from './handlers/pull-request.ts';
import { handlePush } from './handlers/push.ts';
import { createExecutionLauncher } from './launch/execution-launcher.ts';
import type { CheckRunLinks, DeliveryLog, ExecutionLauncher, InstallationIndex } from './ports.ts';
import { DeliveryReconciler } from './redeliver.ts';
import { InstallationClients, installationCheckRunWriter } from './reporter/check-run-writer.ts';
import { ExecutionCheckReporter } from './reporter/execution-reporter.ts';
import { BlobCache } from './repository/blob-cache.ts';
import type { GitHubClient } from './repository/github-client.ts';
import { repoParams } from './repository/github-client.ts';
import { FlowFileCache } from './repository/read-flows.ts';
import { RepositoryReader } from './repository/repository-reader.ts';
import { WebhookReceiver } from './webhook-receiver.ts';
import { githubWebhookRoutes } from './webhook-route.ts';

export interface GitHubAppOptions {
  config: GitHubAppConfig;
  executions: ExecutionService;
  /**
   * Ports, all required: production passes the database ones (`createPostgresPorts()` and the
   * trigger store), tests pass `createMemoryPorts()`. A missing one is a wiring bug, not a default.
   */
  store: FlowRevisionStore;
  ownership: NamespaceOwnership;
  deliveries: DeliveryLog;
  triggers: TriggerRegistry;
  checkRunLinks: CheckRunLinks;
  installations: InstallationIndex;
  /**
   * Octokit throttling (GitHub's rate limits; writes spaced 1 s apart per process) and retry of
   * failed requests: both on by default; tests against the emulator turn them off.
   */
  octokit?: { throttle?: boolean; retry?: boolean };
  renderInputs?: RenderTriggerInputs;
  /** Where deployed commits' apps go. */
  apps?: HandlerDeps['apps'];
  /** Minimum time between two updates of one execution check run (default 3 s). */
  reporterIntervalMs?: number;
  /** Between two looks for deliveries to process again or to have redelivered (default 5 minutes). */
  reconcileIntervalMs?: number;
}

export interface GitHubApp {
  readonly probot: Probot;
  readonly receiver: WebhookReceiver;
  readonly reporter: ExecutionCheckReporter;
  readonly launcher: ExecutionLauncher;
  /** Finds deliveries that failed or were cut short and has them processed (start it once listening). */
  readonly reconciler: DeliveryReconciler;
  /** `POST /api/github/webhooks`, to mount with `server.route('/', app.routes)`. */
  readonly routes: ReturnType<typeof githubWebhookRoutes>;
  /** Clone URL of a repository with a fresh installation token (for runners checking out namespace files). */
  cloneUrl(repository: string): Promise<string>;
  /** Reads `owner/name` at a commit through the GitHub API (the installation's token). */
  reader(repository: string): Promise<RepositoryReader>;
  /** Resolves when accepted deliveries are processed and check-run updates sent. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

export function createGitHubApp(options: GitHubAppOptions): GitHubApp {
  const { config } = options;
  // Probot logs through Osprey's logger (one format, one redaction); LOG_LEVEL sets its level.
  const log: Log = logger('github');
  (log as Logger).level = config.logLevel;
  const probot = new Probot({
    log: log as Logger,
    appId: config.appId,
    privateKey: config.privateKey,
    secret: config.webhookSecret,
    baseUrl: config.apiUrl,
    ...(options.octokit ? { Octokit: octokitWith(options.octokit) } : {}),
  });
  const installations = options.installations;
  const clients = new InstallationClients(probot, installations);
  const reporter = new ExecutionCheckReporter({
    executions: options.executions,
    writer: installationCheckRunWriter(clients),
    links: options.checkRunLinks,
    log,
    ...(options.reporterIntervalMs !== undefined ? { intervalMs: options.reporterIntervalMs } : {}),
    detailsUrl: (e) =>
      config.publicUrl ? `${config.publicUrl}/ui/executions/${e.namespace}/${e.flowId}/${e.id}` : undefined,
  });
  const launcher = createExecutionLauncher({
    executions: options.executions,
    installations,
    onStarted: (e) => reporter.observe(e),
  });
  const deps: HandlerDeps = {
    store: options.store,
    ownership: options.ownership,
    triggers: options.triggers,
    launcher,
    executions: options.executions,
    blobs: new BlobCache(),
    flowFiles: new FlowFileCache(),
    serial: new SerialByKey(),
    renderInputs: options.renderInputs ?? liquidTriggerInputs(),
    log,
    ...(options.apps === undefined ? {} : { apps: options.apps }),
  };

  const client = (octokit: unknown) => octokit as GitHubClient;
  probot.onAny(async (context) => {
    const payload = context.payload as {
      installation?: { id?: number };
      repository?: { full_name?: string };
    };
    if (typeof payload.installation?.id === 'number' && typeof payload.repository?.full_name === 'string') {
      await installations.set(payload.repository.full_name, payload.installation.id);
    }
  });
  // The delivery id names the event: executions it starts get ids derived from it, so processing a
  // delivery again (a redelivery, a restart after a crash) finds them instead of starting them twice.
  probot.on('push', (context) => handlePush(deps, client(context.octokit), context.payload, context.id));
  probot.on('pull_request', (context) =>
    handlePullRequest(deps, client(context.octokit), context.payload, context.id),
  );
  probot.on('issue_comment', (context) =>
    handleIssueComment(deps, client(context.octokit), context.payload, context.id),
  );
  probot.on('check_run', (context) =>
    handleCheckRun(deps, client(context.octokit), context.payload, context.id),
  );
  probot.on('check_suite', (context) =>
    handleCheckSuite(deps, client(context.octokit), context.payload, context.id),
  );

  const deliveries = options.deliveries;
  const receiver = new WebhookReceiver({
    secret: config.webhookSecret,
    deliveries,
    dispatch: (delivery) =>
      probot.receive({ id: delivery.id, name: delivery.name, payload: delivery.payload } as Parameters<
        Probot['receive']
      >[0]),
    log,
  });
  reporter.start();
  const reconciler = new DeliveryReconciler({
    receiver,
    deliveries,
    appClient: async () => client(await probot.auth()),
    log,
    ...(options.reconcileIntervalMs !== undefined ? { intervalMs: options.reconcileIntervalMs } : {}),
  });

  return {
    probot,
    receiver,
    reporter,
    launcher,
    reconciler,
    routes: githubWebhookRoutes(receiver),
    async reader(repository) {
      return new RepositoryReader(client(await clients.forRepository(repository)), repository, deps.blobs);
    },
    async cloneUrl(repository) {
      const octokit = (await clients.forRepository(repository)) as unknown as {
        auth(options: { type: 'installation' }): Promise<{ token: string }>;
      };
      const { token } = await octokit.auth({ type: 'installation' });
      return renderGitUrl(config.gitUrlTemplate, repoParams(repository), token);
    },
    async idle() {
      await receiver.idle();
      await reporter.idle();
    },
    async close() {
      await reconciler.stop();
      await receiver.idle();
      await reporter.close();
    },
  };
}

type OctokitOptions = { throttle?: object; retry?: object } & Record<string, unknown>;

/**
 * A function default, applied to every instance: Probot builds installation clients with their own
 * `throttle` options, which would replace an object default (writes stayed throttled).
 */
function octokitWith(settings: { throttle?: boolean; retry?: boolean }): typeof ProbotOctokit {
  return ProbotOctokit.defaults((instance: OctokitOptions) => ({
    ...instance,
    throttle: { ...instance?.throttle, enabled: settings.throttle ?? true },
    retry: { ...instance?.retry, enabled: settings.retry ?? true },
  })) as typeof ProbotOctokit;
}
