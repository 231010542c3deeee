/**
 * `osprey dev`: the whole product on one machine with nothing installed — the server (API, engine,
 * triggers) on the embedded database in `<repo>/.osprey`, one runner in the same process speaking
 * the runner protocol, and the repository's flows folder deployed on start and on every change
 * ("sync flows with a local directory"); flows created, changed or deleted through the API are
 * written back to the folder (folder-flow-writer.ts). Namespace files come from the working tree.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadServerConfig } from '../../../../app/src/config/server.schema.ts';
import { FlowWatcher } from '../../../../app/src/dev/flow-watcher.ts';
import { FolderFlowWriter } from '../../../../app/src/dev/folder-flow-writer.ts';
import { deployLocalApps, describeApps } from '../../../../app/src/dev/local-apps.ts';
import {
  deployLocalFlows,
  describeDeployment,
  type LocalDeployment,
} from '../../../../app/src/dev/local-deployer.ts';
import { seedKv } from '../../../../app/src/dev/seed-kv.ts';
import { openRepository, repositoryContext } from '../../../../app/src/local/local-repository.ts';
import { createOspreyServer, type OspreyServerParts } from '../../../../app/src/server/osprey-server.ts';
import { loadServerOptions } from '../../../../app/src/server/server-options.schema.ts';
import { installedPlugins } from '../../../../runner/src/plugins/installed.ts';
import { RemoteRunner } from '../../../../runner/src/remote/remote-runner.ts';
import { triggerPollers } from '../../../../runner/src/tasks/trigger-pollers.ts';
import { LocalNamespaceFiles } from '../../../../runner/src/workspace/local-namespace-files.ts';

export interface DevSessionOptions {
  /** A folder inside the repository (default: cwd). */
  dir?: string;
  /** 0 picks a free port (default: PORT, else 8080). */
  port?: number;
  env?: Record<string, string | undefined>;
  /** Where messages for the person at the terminal go (the CLI prints them). */
  print: (line: string) => void;
  runnerConcurrency?: number;
  watch?: boolean;
}

export interface DevSession {
  url: string;
  /** The API token of this session (OSPREY_API_TOKEN, or one made for it). */
  apiToken: string;
  root: string;
  server: OspreyServerParts;
  /** Deploys the flows folder now (the watcher calls it on change). */
  deploy(): Promise<LocalDeployment>;
  stop(): Promise<void>;
}

/** The name `osprey dev`'s own runner registers under. */
const EMBEDDED_RUNNER = 'dev-embedded';

export async function startDevSession(options: DevSessionOptions): Promise<DevSession> {
  const { print } = options;
  const repository = openRepository(options.dir);
  const env = { ...(options.env ?? process.env) };
  env['OSPREY_DATA_DIR'] ??= join(repository.root, '.osprey');
  env['OSPREY_API_TOKEN'] ??= `osp_dev_${randomBytes(24).toString('base64url')}`;
  const runnerToken = env['OSPREY_RUNNER_TOKEN'] ?? `osp_reg_dev_${randomBytes(24).toString('base64url')}`;
  env['OSPREY_RUNNER_TOKEN'] = runnerToken;
  const config = loadServerConfig(env);
  // Flows written through the API go to the folder and are deployed from it (set once deploy exists).
  let deployNow: (() => Promise<unknown>) | undefined;
  const flowWriter = new FolderFlowWriter(repository.root, repository.config, async () => deployNow?.());
  const server = await createOspreyServer(
    config,
    {
      // The same tuning variables as `osprey server` (leases, claim waits; docs/runners.md).
      ...loadServerOptions(env),
      // Local by default (the server's default is every interface).
      host: env['OSPREY_HOST'] || '127.0.0.1',
      localConsole: true,
      flowWriter,
      // Flows sent to the API see the folder's templates and namespace defaults, as deployed ones do.
      flowContext: () => repositoryContext(openRepository(repository.root)),
      triggerPollers,
      ...(options.port === undefined ? {} : { port: options.port }),
    },
    env,
  );
  let url: string;
  try {
    url = await server.start();
  } catch (e) {
    await server.stop().catch(() => {});
    throw e;
  }

  const files = new LocalNamespaceFiles(repository.root, { folder: repository.config.namespaceFiles });
  // One process owns the data folder: what an earlier embedded runner held died with that process.
  await server.services.dispatcher.loseLeasesOf(EMBEDDED_RUNNER, 'osprey dev was restarted');
  const runner = new RemoteRunner({
    server: url,
    name: EMBEDDED_RUNNER,
    registrationToken: runnerToken,
    concurrency: options.runnerConcurrency ?? 4,
    graceMs: 2000,
    namespaceFiles: (namespace) => files.read(namespace),
    plugins: installedPlugins(env),
    log: () => {},
  });
  await runner.start();

  const deploy = async () => {
    // The namespaces' pluginDefaults are read again each time (.osprey.yml is watched); its folders
    // are read once, at start.
    const { pluginDefaults } = openRepository(repository.root).config;
    const deployment = await deployLocalFlows({
      root: repository.root,
      config: { ...repository.config, pluginDefaults },
      store: server.ports.store,
      ownership: server.ports.ownership,
      triggers: server.triggers,
    });
    const seeded = await seedKv(join(repository.root, repository.config.namespaceFiles), server.services.kv);
    const apps = await deployLocalApps(repository.root, repository.config, deployment.sha, server.apps);
    const lines = [
      ...describeDeployment(deployment),
      ...describeApps(apps, url),
      ...seeded.map((k) => `kv ${k} (from kv.yaml)`),
    ];
    const live =
      deployment.plan.added.length + deployment.plan.updated.length + deployment.plan.unchanged.length;
    print(
      `${new Date().toISOString().slice(11, 19)} deployed ${repository.config.flows}/: ${live} flow(s) live`,
    );
    for (const line of lines) print(`  ${line}`);
    return deployment;
  };
  deployNow = deploy;
  await deploy();

  // The flows, apps and templates folders, and in the root `.osprey.yml` (and those folders when
  // they appear later).
  const redeploy = async () => {
    await deploy().catch((e: unknown) => print(`deploy failed: ${(e as Error).message}`));
  };
  const watchers = new Map<string, FlowWatcher>();
  const watchFolder = (folder: string) => {
    const dir = join(repository.root, folder);
    if (options.watch === false || watchers.has(dir) || !existsSync(dir)) return;
    const w = new FlowWatcher(dir, redeploy);
    w.start();
    watchers.set(dir, w);
  };
  const folders = [repository.config.flows, repository.config.apps, repository.config.templates];
  for (const folder of folders) watchFolder(folder);
  if (options.watch !== false) {
    const topLevel = folders.map((f) => f.replace(/^\.\//, '').split('/')[0] ?? f);
    const root = new FlowWatcher(
      repository.root,
      async () => {
        for (const folder of folders) watchFolder(folder);
        await redeploy();
      },
      { files: ['.osprey.yml', ...topLevel] },
    );
    root.start();
    watchers.set(repository.root, root);
  }

  return {
    url,
    apiToken: env['OSPREY_API_TOKEN'] as string,
    root: repository.root,
    server,
    deploy,
    async stop() {
      for (const w of watchers.values()) w.close();
      await runner.stop(2000).catch(() => {});
      await server.stop();
    },
  };
}
