/**
 * `RemoteRunner`: a runner process's long-lived service. It registers once (or reuses its saved
 * credential), long-polls the app for jobs of its worker group while it has free slots, runs each
 * with the embedded runner's plugin execution (timeouts, masking, failure mapping), streams its
 * logs in batches, and submits its result — retried with back-off while the app is unreachable
 * (the app applies a result once). One heartbeat covers every lease held; the answer says which
 * jobs the app wants stopped (kill) and which leases were lost.
 *
 * `stop()` (SIGTERM): no new claims; running tasks get a grace period to finish; the ones still
 * running after it are handed back (their task fails, retryable); jobs claimed but never started
 * go back to the queue.
 */

import { join } from 'node:path';
import { isoDuration } from '../../../flows-schema/src/time.ts';
import type { TaskJob } from '../../../protocol/src/job.ts';
import { logger } from '../../../protocol/src/logger.ts';
import type { ClaimedJob, LeaseRef } from '../../../protocol/src/runner-protocol.schema.ts';
import {
  type ExecutionSummary,
  type KvStore,
  type RenderedItem,
  type RunnableTask,
  type ShippedRecord,
  TaskFailure,
} from '../../../protocol/src/task-contract.ts';
import { createEmbeddedRunner } from '../embedded-runner.ts';
import type { PluginCatalog } from '../plugins/catalog.ts';
import { GitMirrorCache } from '../workspace/git-namespace-files.ts';
import { namespaceFilesForJobs } from '../workspace/job-namespace-files.ts';
import { SharedDirectories } from '../workspace/shared-directories.ts';
import { CredentialStore } from './credential-store.ts';
import { LogBatcher } from './log-batcher.ts';
import { RemoteStorage } from './remote-storage.ts';
import { ResultSender } from './result-sender.ts';
import { ProtocolError, RunnerClient, retrying, sleep, Unreachable } from './runner-client.ts';

export interface RemoteRunnerOptions {
  /** The app's base URL, e.g. https://osprey.example.com. */
  server: string;
  name: string;
  /** Registration token: used when there is no saved credential (or it was revoked). */
  registrationToken?: string;
  /** A runner credential to use as is (not saved). */
  credential?: string;
  labels?: Record<string, string>;
  /** Claim jobs of this worker group (tasks with `workerGroup.key`); default: the default group. */
  workerGroup?: string;
  /** Jobs run at once. */
  concurrency: number;
  /** Where the credential is saved between runs; undefined: not saved. */
  stateDir?: string;
  /** Longest long-poll asked for (the app caps it). */
  claimWaitMs?: number;
  /** After `stop()`, running tasks get this long to finish before they are handed back (default 30 s). */
  graceMs?: number;
  /** Git mirrors for namespace files at pinned commits. */
  gitCacheDir?: string;
  /** Namespace files from elsewhere than git (`osprey dev`: the local working tree). */
  namespaceFiles?: (namespace: string, job: TaskJob) => Promise<Map<string, Buffer>>;
  /** Plugins by type (tests, benches); default: the static registry. */
  tasks?: ReadonlyMap<string, RunnableTask>;
  /** Installed plugin versions (a job's `version` picks one); the built-ins only when absent. */
  plugins?: PluginCatalog;
  log?: (message: string) => void;
}

/** Jobs asked for in one claim at most (the protocol's limit). */
const MAX_CLAIM = 100;
const runnerLog = logger('runner');

interface Running {
  lease: LeaseRef;
  controller: AbortController;
  /** The app declared the lease lost: stop, and do not submit. */
  lost: boolean;
  handedBack: boolean;
  done: Promise<void>;
}

export class RemoteRunner {
  readonly #options: RemoteRunnerOptions;
  readonly #client: RunnerClient;
  readonly #credentials: CredentialStore | undefined;
  readonly #running = new Map<string, Running>();
  readonly #claimAbort = new AbortController();
  /** Aborts retries still going on after the grace period. */
  readonly #hardStop = new AbortController();
  readonly #namespaceFiles: ReturnType<typeof namespaceFilesForJobs>;
  readonly #log: (message: string) => void;
  readonly #results: ResultSender;
  /** Folders of WorkingDirectories whose children run here. */
  readonly #shared: SharedDirectories;
  #slotFreed: (() => void) | undefined;
  #loop: Promise<void> | undefined;
  #heartbeatTimer: NodeJS.Timeout | undefined;
  #heartbeatMs = 10_000;
  #heartbeatFailures = 0;
  #stopping = false;
  /** The server's protocol version, from its claim answers. */
  #protocol = 1;
  /** A claim (or a result carrying one) failed on the way: the app may have leased jobs whose answer never arrived. */
  #unanswered = false;
  /** Until the server heard that this is a new process (what its predecessor held is lost). */
  #announceRestart = true;
  #stopped: Promise<void> | undefined;
  #fatal: Error | undefined;

  constructor(options: RemoteRunnerOptions) {
    this.#options = options;
    this.#client = new RunnerClient(options.server, options.credential);
    this.#credentials = options.stateDir === undefined ? undefined : new CredentialStore(options.stateDir);
    this.#namespaceFiles =
      options.namespaceFiles ??
      namespaceFilesForJobs({
        git: new GitMirrorCache(options.gitCacheDir === undefined ? {} : { cacheDir: options.gitCacheDir }),
      });
    this.#log = options.log ?? ((m) => runnerLog.info(m));
    this.#shared = new SharedDirectories(
      options.stateDir === undefined
        ? undefined
        : join(options.stateDir, 'working-directories', options.name.replace(/[^A-Za-z0-9_.-]/g, '_')),
    );
    this.#results = new ResultSender(
      this.#client,
      () => ({
        // Retried until the app takes it (it may be restarting), faster than a lease runs out.
        maxDelayMs: Math.max(100, Math.floor(this.#heartbeatMs / 2)),
        signal: this.#hardStop.signal,
      }),
      {
        protocol2: () => this.#protocol >= 2,
        downgrade: () => {
          this.#protocol = 1;
        },
        // No claim while stopping, nor while jobs from an unanswered claim may be waiting to be handed back.
        claim: () =>
          this.#stopping || this.#unanswered
            ? undefined
            : {
                holdsDirectories: this.#shared.size > 0,
                ...(options.workerGroup === undefined ? {} : { workerGroup: options.workerGroup }),
              },
        onClaimAnswer: (res) => {
          // The finished jobs' slots pass to these; jobs that arrive after stop() began go back.
          for (const job of res.jobs ?? []) if (!this.#stopping) this.#start(job);
          this.#releaseFinished(res.finishedWorkingDirectories);
        },
        unanswered: () => {
          this.#unanswered = true;
        },
      },
    );
  }

  /** Jobs running now. */
  get activeJobs(): number {
    return this.#running.size;
  }

  /** Authenticates and starts claiming. Throws when the runner cannot authenticate. */
  async start(): Promise<void> {
    await this.#authenticate();
    this.#loop = this.#claimLoop();
    this.#scheduleHeartbeat(this.#heartbeatMs);
  }

  /** Resolves when the runner stopped (after `stop()`); rejects if it had to stop on its own. */
  async finished(): Promise<void> {
    await this.#loop;
    await this.#stopped;
    if (this.#fatal !== undefined) throw this.#fatal;
  }

  stop(graceMs = this.#options.graceMs ?? 30_000): Promise<void> {
    this.#stopped ??= this.#shutdown(graceMs);
    return this.#stopped;
  }

  // ---- Authentication ---------------------------------------------------------------------------

  async #authenticate(): Promise<void> {
    const { server, name, credential } = this.#options;
    if (credential !== undefined) return;
    const saved = await this.#credentials?.get(server, name);
    if (saved !== undefined) {
      this.#client.useCredential(saved.credential);
      this.#log(`runner ${name}: using its saved credential (runner ${saved.runnerId})`);
      return;
    }
    await this.#register();
  }

  async #register(): Promise<void> {
    const { server, name, registrationToken, labels } = this.#options;
    if (registrationToken === undefined) {
      throw new Error(
        `runner ${name} has no credential for ${server}: start it with --token <registration token> (OSPREY_RUNNER_TOKEN of the server, or one created with the CLI)`,
      );
    }
    const r = await retrying(
      () => this.#client.register(registrationToken, { name, ...(labels === undefined ? {} : { labels }) }),
      { forMs: 60_000, signal: this.#claimAbort.signal },
    ).catch((e: Error) => {
      if (e instanceof ProtocolError && e.status === 401)
        throw new Error(
          `runner ${name}: the server refused the registration token (${e.message}); check --token`,
        );
      throw e;
    });
    await this.#credentials?.set(server, name, { runnerId: r.runner.id, credential: r.credential });
    this.#log(`runner ${name}: registered with ${server} as runner ${r.runner.id}`);
  }

  // ---- Claiming ---------------------------------------------------------------------------------

  async #claimLoop(): Promise<void> {
    const { concurrency, workerGroup } = this.#options;
    let failures = 0;
    while (!this.#stopping) {
      if (this.#announceRestart) {
        // A previous process of this runner (same credential) may have died holding leases: they
        // must end as lost, not be handed back as never started by the first returnLeases below.
        try {
          await this.#client.returnLeases([], { restarted: true });
          this.#announceRestart = false;
        } catch (e) {
          if (this.#stopping) break;
          if (e instanceof ProtocolError && e.status === 400) {
            // A server older than this runner: its leases run out instead.
            this.#announceRestart = false;
          } else if (e instanceof ProtocolError && e.status === 401) {
            this.#announceRestart = false; // registering again below (a new runner holds nothing)
          } else {
            failures++;
            await sleep(Math.min(2000, 50 * 2 ** failures), this.#claimAbort.signal);
            continue;
          }
        }
      }
      if (this.#unanswered) {
        // Hand them back (keeping the running ones) before claiming again, so they do not wait for
        // their lease to run out while this runner is alive. A result carrying a claim answers first.
        await this.#results.claimSettled();
        this.#unanswered = false;
        try {
          await this.#client.returnLeases([...this.#running.keys()]);
        } catch {
          this.#unanswered = true;
          if (this.#stopping) break;
          failures++;
          await sleep(Math.min(2000, 50 * 2 ** failures), this.#claimAbort.signal);
          continue;
        }
      }
      const free = concurrency - this.#running.size;
      if (free <= 0) {
        await new Promise<void>((resolve) => {
          this.#slotFreed = resolve;
        });
        continue;
      }
      let jobs: ClaimedJob[];
      try {
        const res = await this.#client.claim(
          {
            max: Math.min(free, MAX_CLAIM),
            waitMs: this.#options.claimWaitMs ?? 25_000,
            ...(workerGroup === undefined ? {} : { workerGroup }),
          },
          this.#claimAbort.signal,
        );
        this.#protocol = res.protocol ?? 1;
        if (res.heartbeatIntervalMs !== this.#heartbeatMs) {
          // The app sets the pace (a third of its lease time): follow it from now on.
          this.#heartbeatMs = res.heartbeatIntervalMs;
          clearTimeout(this.#heartbeatTimer);
          this.#scheduleHeartbeat(this.#heartbeatMs);
        }
        jobs = res.jobs;
        failures = 0;
        this.#releaseFinished(res.finishedWorkingDirectories);
      } catch (e) {
        if (this.#stopping) break;
        if (e instanceof ProtocolError && e.status === 401 && this.#options.registrationToken !== undefined) {
          this.#log(`runner ${this.#options.name}: credential refused; registering again`);
          await this.#credentials?.forget(this.#options.server, this.#options.name);
          await this.#register().catch((err: Error) => this.#fail(err));
          continue;
        }
        if (e instanceof Unreachable) {
          this.#unanswered = true;
          failures++;
          if (failures === 1 || failures % 20 === 0)
            this.#log(`runner ${this.#options.name}: ${e.message}; retrying`);
          await sleep(Math.min(2000, 50 * 2 ** failures), this.#claimAbort.signal);
          continue;
        }
        this.#fail(e as Error);
        break;
      }
      // Jobs that arrive after stop() began are never started: stop() hands them back to the queue.
      for (const job of jobs) if (!this.#stopping) this.#start(job);
    }
  }

  /** Folders of WorkingDirectories that ended are deleted. */
  #releaseFinished(keys: string[] | undefined): void {
    if (keys === undefined || keys.length === 0) return;
    void this.#shared
      .release(keys)
      .catch((e: Error) => this.#log(`runner ${this.#options.name}: ${e.message}`));
  }

  #fail(e: Error): void {
    this.#fatal ??= e;
    this.#log(`runner ${this.#options.name}: ${e.message}`);
    void this.stop();
  }

  // ---- Running a job ----------------------------------------------------------------------------

  #start(claimed: ClaimedJob): void {
    const lease = { jobId: claimed.jobId, leaseId: claimed.leaseId };
    const entry: Running = {
      lease,
      controller: new AbortController(),
      lost: false,
      handedBack: false,
      done: Promise.resolve(),
    };
    this.#running.set(lease.jobId, entry);
    entry.done = this.#execute(claimed, entry)
      .catch((e: Error) => this.#log(`job ${lease.jobId}: ${e.message}`))
      .finally(() => {
        this.#running.delete(lease.jobId);
        const freed = this.#slotFreed;
        this.#slotFreed = undefined;
        freed?.();
      });
  }

  async #execute(claimed: ClaimedJob, entry: Running): Promise<void> {
    const { lease } = entry;
    const client = this.#client;
    const job: TaskJob =
      claimed.git === undefined
        ? claimed.job
        : { ...claimed.job, source: { ...claimed.job.source, repository: claimed.git.url } };
    const logs = new LogBatcher((lines) =>
      retrying(() => client.logs(lease, lines), { forMs: 30_000, signal: this.#hardStop.signal }),
    );
    const runner = createEmbeddedRunner({
      storage: new RemoteStorage(client, lease),
      kv: remoteKv(client, lease),
      render: (_job, template) => client.service<string>(lease, { op: 'render', template }),
      // Per-item renders are a protocol 3 call: an older server offers none (the task says so).
      ...(this.#protocol >= 3
        ? {
            renderEach: (_job: TaskJob, template: string, items: readonly Record<string, unknown>[]) =>
              client.service<RenderedItem[]>(lease, { op: 'renderEach', template, items: [...items] }),
          }
        : {}),
      execution: async (executionId) =>
        (await client.service<ExecutionSummary | null>(lease, { op: 'execution', executionId })) ?? undefined,
      records: async (query) => {
        try {
          return await client.service<ShippedRecord[]>(lease, { op: 'records', query });
        } catch (e) {
          // The server keeps a job to its own namespace: asking again cannot help.
          if (e instanceof ProtocolError && e.status === 403)
            throw new TaskFailure(e.message, { retryable: false });
          throw e;
        }
      },
      namespaceFiles: this.#namespaceFiles,
      sharedDirectory: (affinity, ctx) => this.#shared.acquire(affinity, ctx),
      ...(this.#options.tasks === undefined ? {} : { tasks: this.#options.tasks }),
      ...(this.#options.plugins === undefined ? {} : { plugins: this.#options.plugins }),
    });
    const result = await runner.run(job, { onLog: (l) => logs.add(l), signal: entry.controller.signal });
    // The last lines go with the result (sent on their own to a server of protocol 1); a lease
    // that is not held any more would not take them.
    const rest = await logs.finish();
    if (entry.lost || entry.handedBack) return;
    const outcome = await this.#results.send(lease, result, rest);
    if (outcome.status === 'not-held' || outcome.status === 'unknown')
      this.#log(
        `job ${lease.jobId}: the server did not take its result: ${outcome.message ?? outcome.status}`,
      );
  }

  // ---- Heartbeats -------------------------------------------------------------------------------

  #scheduleHeartbeat(delay: number): void {
    if (this.#hardStop.signal.aborted) return;
    this.#heartbeatTimer = setTimeout(() => {
      this.#beat().then(
        (next) => this.#scheduleHeartbeat(next),
        () => this.#scheduleHeartbeat(this.#heartbeatMs),
      );
    }, delay);
  }

  /** One heartbeat for every lease held; returns when to beat next. */
  async #beat(): Promise<number> {
    if (this.#running.size === 0) return this.#heartbeatMs;
    try {
      const res = await this.#client.heartbeat([...this.#running.values()].map((r) => r.lease));
      this.#heartbeatFailures = 0;
      for (const l of res.leases) {
        const r = this.#running.get(l.jobId);
        if (l.cancel && r !== undefined && !r.controller.signal.aborted) {
          this.#log(`job ${l.jobId}: the server asked to stop it (killed)`);
          r.controller.abort(new Error('killed'));
        }
      }
      for (const id of res.lost) {
        const r = this.#running.get(id);
        if (r === undefined) continue;
        this.#log(`job ${id}: the server declared its lease lost; stopping it`);
        r.lost = true;
        r.controller.abort(new Error('lease lost'));
      }
      return this.#heartbeatMs;
    } catch (e) {
      this.#heartbeatFailures++;
      if (this.#heartbeatFailures === 1)
        this.#log(`runner ${this.#options.name}: heartbeat failed: ${(e as Error).message}`);
      // Sooner than usual: the lease must not run out while the app is briefly away.
      return Math.min(this.#heartbeatMs, 100 * 2 ** this.#heartbeatFailures);
    }
  }

  // ---- Stopping ---------------------------------------------------------------------------------

  async #shutdown(graceMs: number): Promise<void> {
    this.#stopping = true;
    this.#claimAbort.abort();
    this.#slotFreed?.();
    await this.#loop;
    const all = () => Promise.all([...this.#running.values()].map((r) => r.done));
    if (this.#running.size > 0) {
      this.#log(
        `runner ${this.#options.name}: stopping; waiting up to ${isoDuration(graceMs)} for ${this.#running.size} running task(s)`,
      );
    }
    const grace = new AbortController();
    const finished = await Promise.race([
      all().then(() => true),
      sleep(graceMs, grace.signal).then(() => false),
    ]);
    grace.abort();
    if (!finished) {
      for (const r of this.#running.values()) {
        r.handedBack = true;
        await this.#client
          .handBack(
            r.lease,
            `runner ${this.#options.name} was stopped and its grace period of ${isoDuration(graceMs)} ran out`,
          )
          .catch((e: Error) => this.#log(`job ${r.lease.jobId}: could not hand it back: ${e.message}`));
        r.controller.abort(new Error('handed back'));
      }
      this.#hardStop.abort();
      const unwind = new AbortController();
      await Promise.race([all(), sleep(5000, unwind.signal)]);
      unwind.abort();
    }
    this.#hardStop.abort();
    clearTimeout(this.#heartbeatTimer);
    // A claim answered while the runner hung up leased jobs it never saw: they go back to the queue.
    await this.#client
      .returnLeases([...this.#running.keys()])
      .catch((e: Error) =>
        this.#log(`runner ${this.#options.name}: could not return unclaimed jobs: ${e.message}`),
      );
    await this.#shared.close().catch(() => {});
  }
}

/** KV for a job's plugins, through the app. */
function remoteKv(client: RunnerClient, lease: LeaseRef): KvStore {
  return {
    get: async (namespace, key) => {
      const value = await client.service<{ value: unknown } | null>(lease, { op: 'kv.get', namespace, key });
      return value ?? undefined;
    },
    set: async (namespace, key, value, options) => {
      await client.service(lease, {
        op: 'kv.set',
        namespace,
        key,
        value,
        ...(options?.ttlMs === undefined ? {} : { ttlMs: options.ttlMs }),
        ...(options?.overwrite === undefined ? {} : { overwrite: options.overwrite }),
      });
    },
    delete: (namespace, key) => client.service<boolean>(lease, { op: 'kv.delete', namespace, key }),
    keys: (namespace, prefix) =>
      client.service<string[]>(lease, {
        op: 'kv.keys',
        namespace,
        ...(prefix === undefined ? {} : { prefix }),
      }),
  };
}
