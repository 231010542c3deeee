/**
 * A task job: what the control plane hands a runner (in-process for `osprey run`/`osprey dev`, over
 * HTTP for remote runners in a later milestone). Everything in it is plain JSON.
 */
import type { LogLevel, TaskEffects, TaskResult, TaskRunInfo } from './task-contract.ts';

export interface TaskJob {
  /** Unique per attempt; a runner reports the result under this id (idempotency key). */
  jobId: string;
  /** Canonical task type (aliases already resolved). */
  type: string;
  /** The task's `version:` (pluginDefaults applied): exact, LATEST or OLDEST; see plugins/catalog.ts. */
  version?: string;
  /** Rendered properties, pluginDefaults applied. */
  properties: Record<string, unknown>;
  run: TaskRunInfo;
  /** Milliseconds after which the task is stopped and FAILED. */
  timeoutMs?: number;
  /** Values that must never appear in logs or outputs (resolved secrets). */
  secrets: string[];
  /**
   * Remote runs: the children of a WorkingDirectory share one folder on the runner that ran the
   * first of them. The runner creates it for `key` (the WorkingDirectory task run id) with
   * `namespaceFiles` and `inputFiles` (the WorkingDirectory's, rendered) laid down, and deletes it
   * when the server says the key finished.
   */
  affinity?: JobAffinity;
  /** Where the flow's source lives, for namespace files at a pinned commit. */
  source?: { repository?: string; sha?: string; path?: string };
}

export interface JobAffinity {
  key: string;
  /** The WorkingDirectory task id. */
  taskId: string;
  namespaceFiles?: unknown;
  inputFiles?: unknown;
}

export interface JobLog {
  level: LogLevel;
  message: string;
  timestamp: string;
}

export interface JobResult extends TaskResult {
  jobId: string;
  /** User-facing failure message when state is FAILED. */
  error?: string;
  /** False when a retry cannot help (configuration error). */
  retryable?: boolean;
  effects?: TaskEffects;
}

/** How the control plane runs a job; the embedded runner implements it in-process. */
export interface JobRunner {
  run(job: TaskJob, hooks: { onLog(log: JobLog): void; signal: AbortSignal }): Promise<JobResult>;
  /** The WorkingDirectory tasks with these affinity keys ended: their shared folders can go. */
  releaseWorkingDirectories?(keys: readonly string[]): Promise<void>;
}
