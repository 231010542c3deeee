/**
 * `createServer(config)`: the objects of `osprey server`, wired once — the database (Postgres from
 * `DATABASE_URL`, else PGlite in `<OSPREY_DATA_DIR>/pglite`), migrations, the pg-boss queue, the
 * durable execution service and its engine worker, the runner protocol with its lease keeper, the retention purger, and
 * the `app` hono instance with `/health` and `/api/v1/runners`. The REST API and the GitHub App
 * mount their routes into `app` (after this, so the runner routes keep their own authentication)
 * and use `services`. Nothing here decides anything; it builds and connects.
 */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { readShippableRecords } from '../audit/shippable-records.ts';
import { TokenService } from '../auth/token-service.ts';
import type { ServerConfig } from '../config/server.schema.ts';
import { bossJobs } from '../dispatch/boss-jobs.ts';
import { ClaimSignals } from '../dispatch/claim-signals.ts';
import { DurableExecutionService } from '../dispatch/durable-service.ts';
import { EngineWorker } from '../dispatch/engine-worker.ts';
import { LeaseKeeper } from '../dispatch/lease-keeper.ts';
import { type GitAccess, TaskDispatcher } from '../dispatch/task-dispatcher.ts';
import { systemClock } from '../execution/clock.ts';
import { KvService } from '../kv/kv-service.ts';
import { type PgBossTaskQueue, startTaskQueue } from '../queue/pg-boss-queue.ts';
import { type RetentionOptions, RetentionPurger } from '../retention/retention-purger.ts';
import { buildSecretService, type SecretService } from '../secrets/secret-service.ts';
import { type Database, openDatabase } from '../storage/database.ts';
import { migrate } from '../storage/migrate.ts';
import { DeployedFlows } from './deployed-flows.ts';
import { localGitAccess } from './local-git-access.ts';
import { NamespacedStorage } from './namespaced-storage.ts';
import { runnerRoutes } from './runner-routes.ts';
import type { ServerOptions } from './server-options.schema.ts';

export interface ServerServices {
  db: Database;
  queue: PgBossTaskQueue;
  executions: DurableExecutionService;
  dispatcher: TaskDispatcher;
  tokens: TokenService;
  kv: KvService;
  secrets: SecretService;
  storage: NamespacedStorage;
}

export interface OspreyServer {
  /** Mount more routes here (REST API, GitHub webhooks) before `start()`. */
  readonly app: Hono;
  readonly services: ServerServices;
  /** Clone URLs for jobs pinned to a commit (the GitHub App's); local paths and URLs work without. */
  useGitAccess(access: GitAccess): void;
  /** Starts the workers and listens; resolves with the URL. */
  start(): Promise<string>;
  /** Stops listening, lets running work finish, closes the database. */
  stop(): Promise<void>;
}

export interface CreateServerOptions extends Partial<Omit<ServerOptions, 'retention'>> {
  /** Retention (from the environment), with the purger's own hooks (`onPurged`: tests, metrics). */
  retention?: RetentionOptions;
  /** An open, migrated-or-not database to use instead of opening one from `config` (tests, benches); not closed by `stop()`. */
  database?: Database;
  /** Overrides `config.port`; 0 picks a free port. */
  port?: number;
  /** pg-boss's backstop poll while LISTEN/NOTIFY works, in seconds (default 1). */
  pollSeconds?: number;
  /** At stop, requests still open after this long are cut (default 1 s; runners retry them). */
  drainMs?: number;
}

type Options = Omit<ServerOptions, 'retention'> & { retention: RetentionOptions };

const DEFAULTS: Options = {
  host: '0.0.0.0',
  leaseTtlMs: 30_000,
  claimWaitMs: 25_000,
  maxUploadBytes: 1024 ** 3,
  engineConcurrency: 2,
  shipperSettleMs: 3000,
  retention: { executionsMs: undefined, logsMs: undefined, intervalMs: 3_600_000 },
};

export async function createServer(
  config: ServerConfig,
  overrides: CreateServerOptions = {},
): Promise<OspreyServer> {
  const { database: _database, port: _port, pollSeconds: _poll, drainMs: _drain, ...tuning } = overrides;
  const options: Options = { ...DEFAULTS, ...withoutUndefined(tuning) };
  const owned = overrides.database === undefined;
  const db =
    overrides.database ??
    (await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, schema: config.databaseSchema }));
  try {
    await migrate(db);
  } catch (e) {
    if (owned) await db.close();
    throw e;
  }
  const queue = await startTaskQueue(db, { notifyPollingIntervalSeconds: overrides.pollSeconds ?? 1 });
  const tokens = new TokenService(db, {
    adminToken: config.apiToken,
    registrationToken: config.runnerToken,
  });
  const kv = new KvService(db);
  const secrets = buildSecretService({
    db,
    masterKey: config.secrets.masterKey,
    previousKeys: config.secrets.previousKeys,
    backends: config.secrets.backends,
    envPrefix: config.secrets.envPrefix,
  });
  const storage = new NamespacedStorage(config);
  const signals = new ClaimSignals();
  const boss = bossJobs(queue);
  // One clock for the execution service and the runner protocol: leases, deadlines, log times.
  const clock = systemClock;
  const executions = new DurableExecutionService({
    db,
    clock,
    queue,
    boss,
    signals,
    storage,
    executionFiles: storage,
    kv,
    secrets,
    flows: new DeployedFlows(db),
    environment: {
      ...(config.environment === undefined ? {} : { name: config.environment }),
      ...(config.publicUrl === undefined ? {} : { url: config.publicUrl }),
    },
  });
  const dispatcher = new TaskDispatcher({
    db,
    boss,
    service: executions,
    signals,
    git: localGitAccess(),
    options: { leaseTtlMs: options.leaseTtlMs, claimWaitMs: options.claimWaitMs },
    clock,
  });
  const leaseKeeper = new LeaseKeeper(db, dispatcher);
  const engine = new EngineWorker(queue, executions, { concurrency: options.engineConcurrency });
  const retention = new RetentionPurger(db, storage, options.retention);

  const app = new Hono();
  app.get('/health', (c) => c.json({ status: 'UP' }));
  app.route(
    '/api/v1/runners',
    runnerRoutes({
      tokens,
      dispatcher,
      executions,
      storage,
      kv,
      records: (query, job) => readShippableRecords(db, query, job, options.shipperSettleMs),
      maxUploadBytes: options.maxUploadBytes,
    }),
  );

  let http: ReturnType<typeof serve> | undefined;
  let started = false;
  return {
    app,
    services: { db, queue, executions, dispatcher, tokens, kv, secrets, storage },
    useGitAccess(access) {
      const local = localGitAccess();
      dispatcher.useGitAccess({ cloneUrl: async (r) => (await local.cloneUrl(r)) ?? access.cloneUrl(r) });
    },
    async start() {
      if (!started) {
        started = true;
        await executions.open();
        await signals.listen(db);
        await leaseKeeper.start();
        await engine.start();
        retention.start();
      }
      const port = overrides.port ?? config.port;
      const address = await new Promise<AddressInfo>((resolve, reject) => {
        http = serve({ fetch: app.fetch, port, hostname: options.host }, resolve);
        http.once('error', reject);
      });
      const host = options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host;
      return `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
    },
    async stop() {
      // Long-polls return at once; then no new request is taken and the open ones finish.
      await signals.close();
      if (http !== undefined) await closeHttp(http, overrides.drainMs ?? 1000);
      await retention.stop();
      await engine.stop();
      await leaseKeeper.stop();
      await executions.close();
      await queue.stop();
      if (owned) await db.close();
    },
  };
}

async function closeHttp(server: ReturnType<typeof serve>, drainMs: number): Promise<void> {
  const s = server as import('node:http').Server;
  await new Promise<void>((resolve) => {
    const started = Date.now();
    // Connections are closed as they become idle; requests still open after `drainMs` (a runner's
    // upload) are cut: the runner retries them against another replica or after the restart.
    const sweep = setInterval(() => {
      s.closeIdleConnections();
      if (Date.now() - started > drainMs) s.closeAllConnections();
    }, 20);
    s.close(() => {
      clearInterval(sweep);
      resolve();
    });
    s.closeIdleConnections();
  });
}

function withoutUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
