/**
 * The one contract every runnable task plugin implements. A runner (embedded or remote) receives a
 * job whose properties are already rendered by the control plane, runs the plugin and returns a
 * `TaskResult`. Plugins never see the engine, the database or the network of the control plane.
 */
import type { InternalStorage } from './internal-storage.ts';

export type LogLevel = 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

export interface TaskLogger {
  log(level: LogLevel, message: string): void;
}

/** Identity of the task run being executed, as Kestra exposes it to expressions. */
export interface TaskRunInfo {
  executionId: string;
  namespace: string;
  flowId: string;
  taskId: string;
  taskRunId: string;
  /** Iteration value inside ForEach and friends. */
  value?: string;
  /** 1-based attempt number. */
  attempt: number;
}

/** What the runner can do for a plugin besides storage: KV access and rendering late properties. */
/** KV access by explicit namespace (inheritance is walked by the caller). */
export type KvStore = TaskServices['kv'];

export interface TaskServices {
  kv: {
    get(namespace: string, key: string): Promise<{ value: unknown } | undefined>;
    set(
      namespace: string,
      key: string,
      value: unknown,
      options?: { ttlMs?: number; overwrite?: boolean },
    ): Promise<void>;
    delete(namespace: string, key: string): Promise<boolean>;
    keys(namespace: string, prefix?: string): Promise<string[]>;
  };
  /** Render a template with the task run's context (e.g. TemplatedTask's spec). */
  render(template: string): Promise<string>;
  /**
   * Render `template` once per item, each time with the item's fields as variables on top of the
   * task run's context (FilterItems' `filterCondition`, DeduplicateItems' `expr`). One answer per
   * item, in order; an item whose render fails gets its error, the others are still rendered.
   * Absent where the control plane cannot do it (a server older than protocol 3).
   */
  renderEach?(template: string, items: readonly Record<string, unknown>[]): Promise<RenderedItem[]>;
  /** Namespace files of a namespace, as path → bytes (local repository or a git checkout). */
  namespaceFiles?(namespace: string): Promise<Map<string, Buffer>>;
  /** A summary of an execution by id (this one or another), for notification tasks such as SlackExecution. */
  execution?(id: string): Promise<ExecutionSummary | undefined>;
  /** Stored log lines or audit entries after a cursor, oldest first (LogShipper, AuditLogShipper). */
  records?(query: RecordQuery): Promise<ShippedRecord[]>;
}

/** One item's render: its text, or why it could not be rendered. */
export type RenderedItem = { value: string } | { error: string };

/** What a log shipper asks for; the server keeps a job to its own namespace (all of them in `system`). */
export interface RecordQuery {
  source: 'logs' | 'audit';
  /** Records after this id (0: from the start). */
  afterId: number;
  /** On a first run, only records since this ISO-8601 instant. */
  since?: string;
  /** Lines of this level and above (logs). */
  minLevel?: LogLevel;
  namespace?: string;
  flowId?: string;
  executionId?: string;
  /** Resource types (audit), e.g. FLOW, EXECUTION. */
  resources?: string[];
  limit: number;
}

/** A log line or audit entry as shipped: its increasing `id`, its time, and its fields. */
export type ShippedRecord = { id: number; timestamp: string } & Record<string, unknown>;

/** What a notification task may tell about an execution. */
export interface ExecutionSummary {
  id: string;
  namespace: string;
  flowId: string;
  /** Current state name (RUNNING, SUCCESS, FAILED, ...). */
  state: string;
  startDate?: string;
  /** ISO-8601 duration so far. */
  duration?: string;
  /** Task runs in order, with their state, to name the failing one. */
  taskRuns?: Array<{ taskId: string; state: string }>;
}

export interface TaskContext {
  /** Task properties, rendered (expressions resolved), with pluginDefaults applied. */
  properties: Record<string, unknown>;
  run: TaskRunInfo;
  logger: TaskLogger;
  storage: InternalStorage;
  services: TaskServices;
  /** Aborted on timeout or kill; long-running plugins must stop promptly. */
  signal: AbortSignal;
  /** Shared working directory when inside io.kestra.plugin.core.flow.WorkingDirectory. */
  workingDirectory?: string;
}

/** Effects a task may ask of the execution (applied by the engine). */
export interface TaskEffects {
  /** Labels to add or update on the execution (Labels task). */
  labels?: Array<{ key: string; value: string }>;
  /** End the execution now in this state (Exit task). */
  exit?: 'SUCCESS' | 'WARNING' | 'KILLED' | 'FAILED' | 'CANCELLED';
}

export interface TaskResult {
  state: 'SUCCESS' | 'WARNING' | 'FAILED';
  outputs?: Record<string, unknown>;
  effects?: TaskEffects;
}

export interface RunnableTask {
  /** Canonical Kestra type name; aliases are resolved by flows-schema's registry. */
  type: string;
  run(ctx: TaskContext): Promise<TaskResult>;
}

/**
 * The closed set of runtime failures (STYLE.md #8). `retryable: false` means a retry cannot help
 * (bad configuration); the engine still honours an explicit retry policy only for retryable ones.
 */
export class TaskFailure extends Error {
  readonly retryable: boolean;
  constructor(message: string, options?: { retryable?: boolean; cause?: unknown }) {
    super(message, { cause: options?.cause });
    this.name = 'TaskFailure';
    this.retryable = options?.retryable ?? true;
  }
}

/** A dependency outside Osprey failed (HTTP endpoint, database, CLI tool). Retryable. */
export class ExternalServiceError extends TaskFailure {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, { retryable: true, ...options });
    this.name = 'ExternalServiceError';
  }
}

/** A bug or broken invariant in Osprey itself. */
export class InternalError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InternalError';
  }
}
