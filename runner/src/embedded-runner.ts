/**
 * The embedded runner: runs task jobs in this process (`osprey run`, `osprey dev`, the Action). It
 * looks the plugin up in the static registry, gives it a TaskContext, enforces the job's timeout
 * and the caller's kill signal, maps every failure to a FAILED result (the one place that decides
 * retryable or not), and masks the job's secrets in everything it hands back.
 */

import { isoDuration } from '../../flows-schema/src/time.ts';
import type { InternalStorage } from '../../protocol/src/internal-storage.ts';
import type { JobAffinity, JobLog, JobResult, JobRunner, TaskJob } from '../../protocol/src/job.ts';
import { logSecrets } from '../../protocol/src/logger.ts';
import { createMasker, type Masker } from '../../protocol/src/masking.ts';
import {
  type ExecutionSummary,
  InternalError,
  type KvStore,
  type LogLevel,
  type RecordQuery,
  type RenderedItem,
  type RunnableTask,
  type ShippedRecord,
  type TaskContext,
  TaskFailure,
  type TaskResult,
} from '../../protocol/src/task-contract.ts';
import type { PluginCatalog } from './plugins/catalog.ts';
import { findTask, taskRegistry } from './tasks/registry.ts';
import { SharedDirectories } from './workspace/shared-directories.ts';

export interface EmbeddedRunnerDeps {
  storage: InternalStorage;
  kv: KvStore;
  /** Render a template with the job's task-run context (TemplatedTask). Supplied by the executor. */
  render?(job: TaskJob, template: string): Promise<string>;
  /** Render a template once per item, the item's fields as variables (FilterItems, DeduplicateItems). */
  renderEach?(
    job: TaskJob,
    template: string,
    items: readonly Record<string, unknown>[],
  ): Promise<RenderedItem[]>;
  /** Namespace files; `job` tells which commit a job is pinned to (see workspace/job-namespace-files.ts). */
  namespaceFiles?(namespace: string, job: TaskJob): Promise<Map<string, Buffer>>;
  /** Execution summaries for notification tasks (SlackExecution). */
  execution?(id: string): Promise<ExecutionSummary | undefined>;
  /** Stored log lines and audit entries, for log shippers; absent where no server keeps them (`osprey run`). */
  records?(query: RecordQuery): Promise<ShippedRecord[]>;
  /**
   * The shared folder of a job with an `affinity` (a WorkingDirectory child), created with its
   * files on the first call for a key. Default: folders this runner keeps in a temp folder until
   * `releaseWorkingDirectories`.
   */
  sharedDirectory?(affinity: JobAffinity, ctx: Omit<TaskContext, 'signal'>): Promise<string>;
  /** Plugins by canonical type; the static registry by default (tests pass their own). */
  tasks?: ReadonlyMap<string, RunnableTask>;
  /** Installed plugin versions; a job's `version` picks one. Default: the built-ins only. */
  plugins?: PluginCatalog;
}

type Outcome =
  | { kind: 'done'; result: TaskResult }
  | { kind: 'error'; error: unknown }
  | { kind: 'aborted'; why: 'timeout' | 'killed' };

export function createEmbeddedRunner(deps: EmbeddedRunnerDeps): JobRunner {
  const tasks = deps.tasks ?? taskRegistry;
  const shared = deps.sharedDirectory === undefined ? new SharedDirectories() : undefined;
  const sharedDirectory =
    deps.sharedDirectory ??
    ((affinity: JobAffinity, ctx: Omit<TaskContext, 'signal'>) => shared!.acquire(affinity, ctx));
  return {
    async releaseWorkingDirectories(keys) {
      await shared?.release(keys);
    },
    async run(job, hooks) {
      for (const secret of job.secrets) logSecrets.register(secret);
      const mask = createMasker(job.secrets);
      let open = true;
      const log = (level: LogLevel, message: string) => {
        // A plugin that outlives its job (timed out, ignored the signal) must not log into it.
        if (open)
          hooks.onLog({
            level,
            message: mask(message),
            timestamp: new Date().toISOString(),
          } satisfies JobLog);
      };
      const failed = (error: string, retryable: boolean): JobResult => {
        const message = mask(error);
        log('ERROR', message);
        return { jobId: job.jobId, state: 'FAILED', error: message, retryable };
      };

      let task: RunnableTask | undefined;
      try {
        task =
          deps.plugins === undefined
            ? findTask(job.type, tasks)
            : await deps.plugins.task(job.type, job.version);
      } catch (error) {
        const result =
          error instanceof TaskFailure
            ? failed(`task '${job.run.taskId}': ${error.message}`, error.retryable)
            : toResult(job, { kind: 'error', error }, mask, failed);
        open = false;
        return result;
      }
      if (task === undefined) {
        const result = failed(
          `task '${job.run.taskId}': Osprey has no runnable plugin for type '${job.type}'; check the type name, or run this flow where that plugin is available`,
          false,
        );
        open = false;
        return result;
      }

      let base = contextFor(job, deps, log);
      if (job.affinity !== undefined) {
        try {
          base = { ...base, workingDirectory: await sharedDirectory(job.affinity, base) };
        } catch (error) {
          const result = toResult(job, { kind: 'error', error }, mask, failed);
          open = false;
          return result;
        }
      }
      const outcome = await runWithLimits(task, base, job, hooks.signal);
      const result = toResult(job, outcome, mask, failed);
      open = false;
      return result;
    },
  };
}

function contextFor(
  job: TaskJob,
  deps: EmbeddedRunnerDeps,
  log: (level: LogLevel, message: string) => void,
): Omit<TaskContext, 'signal'> {
  const { render, renderEach, namespaceFiles, execution, records } = deps;
  return {
    properties: job.properties,
    run: job.run,
    logger: { log },
    storage: deps.storage,
    services: {
      kv: deps.kv,
      render: async (template) => {
        if (render === undefined)
          throw new InternalError('this runner was built without a render service (needed by TemplatedTask)');
        return render(job, template);
      },
      ...(renderEach === undefined
        ? {}
        : {
            renderEach: (template: string, items: readonly Record<string, unknown>[]) =>
              renderEach(job, template, items),
          }),
      ...(namespaceFiles === undefined
        ? {}
        : { namespaceFiles: (namespace: string) => namespaceFiles(namespace, job) }),
      ...(execution === undefined ? {} : { execution }),
      ...(records === undefined ? {} : { records }),
    },
  };
}

/** Run the plugin until it settles, the timeout fires or the caller kills the job, whichever is first. */
async function runWithLimits(
  task: RunnableTask,
  base: Omit<TaskContext, 'signal'>,
  job: TaskJob,
  kill: AbortSignal,
): Promise<Outcome> {
  const controller = new AbortController();
  let why: 'timeout' | 'killed' | undefined;
  let wake: (() => void) | undefined;
  const aborted = new Promise<Outcome>((resolve) => {
    wake = () => resolve({ kind: 'aborted', why: why ?? 'killed' });
  });
  const stop = (reason: 'timeout' | 'killed') => {
    if (why !== undefined) return;
    why = reason;
    controller.abort(new Error(reason === 'timeout' ? 'task timed out' : 'task killed'));
    wake?.();
  };
  const onKill = () => stop('killed');
  if (kill.aborted) stop('killed');
  else kill.addEventListener('abort', onKill, { once: true });
  const timer = job.timeoutMs === undefined ? undefined : setTimeout(() => stop('timeout'), job.timeoutMs);

  const running = (async (): Promise<Outcome> => {
    try {
      return { kind: 'done', result: await task.run({ ...base, signal: controller.signal }) };
    } catch (error) {
      return { kind: 'error', error };
    }
  })();
  try {
    const first = await Promise.race([running, aborted]);
    // A plugin that stops on the signal rejects with an abort error: the abort is the real outcome.
    return why !== undefined ? { kind: 'aborted', why } : first;
  } finally {
    if (timer !== undefined) clearTimeout(timer);
    kill.removeEventListener('abort', onKill);
  }
}

/** The one mapping of outcomes to job results (STYLE.md #8). */
function toResult(
  job: TaskJob,
  outcome: Outcome,
  mask: Masker,
  failed: (error: string, retryable: boolean) => JobResult,
): JobResult {
  switch (outcome.kind) {
    case 'done': {
      const { state, outputs, effects } = outcome.result;
      return {
        jobId: job.jobId,
        state,
        ...(outputs === undefined ? {} : { outputs: mask(outputs) }),
        ...(effects === undefined ? {} : { effects: mask(effects) }),
      };
    }
    case 'aborted':
      return outcome.why === 'timeout'
        ? failed(`Task timed out after ${isoDuration(job.timeoutMs ?? 0)}`, true)
        : failed('Task was killed', false);
    case 'error': {
      const e = outcome.error;
      if (e instanceof TaskFailure) return failed(e.message, e.retryable);
      if (e instanceof InternalError) {
        return failed(
          `internal error in Osprey while running task '${job.run.taskId}' (${job.type}): ${e.message}; please report it`,
          false,
        );
      }
      // A foreign error a plugin did not translate (a network or file-system error): as in Kestra,
      // the flow's retry policy decides, so it stays retryable.
      const message = e instanceof Error ? e.message : String(e);
      return failed(`task '${job.run.taskId}' (${job.type}) failed: ${message}`, true);
    }
  }
}
