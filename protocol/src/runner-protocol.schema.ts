/**
 * The runner protocol: what a remote runner and the app say to each other over HTTP, under
 * `/api/v1/runners`. The Zod schemas are the single source of the message types; the app validates
 * every body with them (a bad one is refused with 400 naming the field, before anything changes)
 * and the runner builds its requests from the same types. See docs/runners.md.
 */
import { z } from 'zod';
import type { TaskJob } from './job.ts';

export const PROTOCOL_PREFIX = '/api/v1/runners';

/**
 * The protocol version a server speaks, told in every claim answer (`protocol`; absent: 1).
 * 2: `POST /results` also takes each job's last log lines and a claim answered in its response
 * (`ResultsRequest.claim`). A runner uses them only with a server that said 2; an older runner
 * never sends them and works unchanged.
 * 3: the `renderEach` service call (FilterItems, DeduplicateItems render an expression per item).
 */
export const PROTOCOL_VERSION = 3;

/** Items a `renderEach` service call carries at most (protocol 3). */
export const RENDER_EACH_MAX_ITEMS = 1000;

const JobId = z.string().min(1).max(200);
const LeaseId = z.string().min(1).max(100);
const WorkerGroupKey = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/,
    'a worker group key is 1 to 63 letters, digits, "_", "." or "-", starting with a letter or digit',
  );

export const ClaimRequest = z.strictObject({
  /** Claim from this worker group's queue; absent: the default group. */
  workerGroup: WorkerGroupKey.optional(),
  /** Jobs wanted at most (free slots of the runner). */
  max: z.number().int().min(1).max(100),
  /** Wait this long for a job when none is ready (long-poll); the server caps it. */
  waitMs: z.number().int().min(0).max(120_000).optional(),
});
export type ClaimRequest = z.infer<typeof ClaimRequest>;

export interface ClaimedJob {
  jobId: string;
  leaseId: string;
  /** ISO time; heartbeat before it or the job is declared lost. */
  leaseExpiresAt: string;
  job: TaskJob;
  /** For jobs pinned to a commit: the clone URL (with a short-lived credential) of its repository. */
  git?: { url: string };
}

export interface ClaimResponse {
  jobs: ClaimedJob[];
  /** The server's protocol version (`PROTOCOL_VERSION`); absent: 1. */
  protocol?: number;
  /** How often to heartbeat the leases held. */
  heartbeatIntervalMs: number;
  /** WorkingDirectory task runs (affinity keys) of this runner that ended: delete their folders. */
  finishedWorkingDirectories?: string[];
}

export const LeaseRef = z.strictObject({ jobId: JobId, leaseId: LeaseId });
export type LeaseRef = z.infer<typeof LeaseRef>;

export const HeartbeatRequest = z.strictObject({
  leases: z.array(LeaseRef).max(1000),
});
export type HeartbeatRequest = z.infer<typeof HeartbeatRequest>;

export interface HeartbeatResponse {
  /** Leases still held, extended. `cancel`: stop the job (killed) and submit its result. */
  leases: Array<{ jobId: string; leaseExpiresAt: string; cancel: boolean }>;
  /** Leases no longer held (declared lost): stop the job, its result will not be accepted. */
  lost: string[];
}

export const LOG_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'] as const;

export const JobLogLine = z.strictObject({
  level: z.enum(LOG_LEVELS),
  message: z.string().max(1_000_000),
  timestamp: z.iso.datetime({ offset: true }),
});

export const LogsRequest = z.strictObject({
  leaseId: LeaseId,
  logs: z.array(JobLogLine).min(1).max(1000),
});
export type LogsRequest = z.infer<typeof LogsRequest>;

const Label = z.strictObject({ key: z.string().min(1).max(200), value: z.string().max(10_000) });

export const JobResultBody = z.strictObject({
  state: z.enum(['SUCCESS', 'WARNING', 'FAILED']),
  outputs: z.record(z.string(), z.unknown()).optional(),
  effects: z
    .strictObject({
      labels: z.array(Label).max(100).optional(),
      exit: z.enum(['SUCCESS', 'WARNING', 'KILLED', 'FAILED', 'CANCELLED']).optional(),
    })
    .optional(),
  error: z.string().max(100_000).optional(),
  retryable: z.boolean().optional(),
});

export const ResultRequest = z.strictObject({
  leaseId: LeaseId,
  result: JobResultBody,
});
export type ResultRequest = z.infer<typeof ResultRequest>;

export interface ResultResponse {
  /** `duplicate`: this result was applied before (a retried request); nothing changed. */
  status: 'applied' | 'duplicate';
}

/** Several results at once (a busy runner sends what finished while its previous batch was in flight). */
export const ResultsRequest = z.strictObject({
  results: z
    .array(
      z.strictObject({
        jobId: z.string().regex(/^[A-Za-z0-9_-]{1,200}$/, 'not a job id'),
        leaseId: LeaseId,
        result: JobResultBody,
        /** Protocol 2: the job's log lines not sent yet, stored with its result. */
        logs: z.array(JobLogLine).max(1000).optional(),
      }),
    )
    .min(1)
    .max(500),
  /**
   * Protocol 2: jobs wanted for the slots these results free (at most `max`), leased in the same
   * transaction and answered in `ResultsResponse.jobs`; no wait when none is ready.
   */
  claim: z
    .strictObject({
      workerGroup: WorkerGroupKey.optional(),
      max: z.number().int().min(1).max(500),
      /**
       * false: the runner holds no WorkingDirectory folder, so its own queue is empty and not looked
       * at; absent or true: its own queue first, and the ended folders are answered.
       */
      holdsDirectories: z.boolean().optional(),
    })
    .optional(),
});
export type ResultsRequest = z.infer<typeof ResultsRequest>;

export interface ResultsResponse {
  /** One per result, in order: `not-held` and `unknown` results were refused (with a message). */
  results: Array<{
    jobId: string;
    status: 'applied' | 'duplicate' | 'not-held' | 'unknown';
    message?: string;
  }>;
  /** With a `claim`: the jobs leased to the runner (possibly none). */
  jobs?: ClaimedJob[];
  /** As in `ClaimResponse`, with a claim of a runner that holds folders. */
  finishedWorkingDirectories?: string[];
}

export const HandBackRequest = z.strictObject({
  leaseId: LeaseId,
  /** Why the runner gives the job up (shown in the task's failure). */
  reason: z.string().min(1).max(1000),
});
export type HandBackRequest = z.infer<typeof HandBackRequest>;

export const ReturnLeasesRequest = z.strictObject({
  /** Jobs the runner started and keeps; every other job leased to it goes back to the queue. */
  keep: z.array(JobId).max(1000),
  /**
   * True on a new runner process's first call: every job still leased to this runner was held by
   * its previous process, which is gone and may have run it. Those end as lost (a retryable failure,
   * as when a lease runs out), never back in the queue as the same attempt.
   */
  restarted: z.boolean().optional(),
});
export type ReturnLeasesRequest = z.infer<typeof ReturnLeasesRequest>;

export const FileQuery = z.strictObject({
  leaseId: LeaseId,
  /** For reads: the kestra:// URI. */
  uri: z.string().startsWith('kestra://', 'uri must be a kestra:// URI').max(2000).optional(),
  /** For uploads: the file name (extension kept). */
  name: z.string().min(1).max(255).optional(),
});
export type FileQuery = z.infer<typeof FileQuery>;

/** A 4xx/5xx answer: `error` is a code, `message` says what to do. */
export interface ErrorBody {
  error: string;
  message: string;
}

/** The field path and problem of each Zod issue, one line (`max: Too small: expected number to be >=1`). */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ');
}

const Namespace = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]*(\.[A-Za-z0-9][A-Za-z0-9_-]*)*$/, 'not a namespace');
const KvKey = z.string().min(1).max(255);

/** What a job's plugins ask of the app while they run. */
export const JobServiceCall = z.discriminatedUnion('op', [
  z.strictObject({ op: z.literal('kv.get'), namespace: Namespace, key: KvKey }),
  z.strictObject({
    op: z.literal('kv.set'),
    namespace: Namespace,
    key: KvKey,
    value: z.unknown(),
    ttlMs: z.number().int().positive().optional(),
    overwrite: z.boolean().optional(),
  }),
  z.strictObject({ op: z.literal('kv.delete'), namespace: Namespace, key: KvKey }),
  z.strictObject({ op: z.literal('kv.keys'), namespace: Namespace, prefix: z.string().max(255).optional() }),
  /** Render a template in the job's task-run context (TemplatedTask). */
  z.strictObject({ op: z.literal('render'), template: z.string().max(1_000_000) }),
  /**
   * Protocol 3: render a template once per item, the item's fields as variables (FilterItems,
   * DeduplicateItems); answers `[{ value } | { error }]`, one per item, in order.
   */
  z.strictObject({
    op: z.literal('renderEach'),
    template: z.string().max(1_000_000),
    items: z.array(z.record(z.string(), z.unknown())).min(1).max(RENDER_EACH_MAX_ITEMS),
  }),
  /** A summary of an execution (SlackExecution). */
  z.strictObject({ op: z.literal('execution'), executionId: z.string().min(1).max(100) }),
  /** Stored log lines or audit entries after a cursor (LogShipper, AuditLogShipper). */
  z.strictObject({
    op: z.literal('records'),
    query: z.strictObject({
      source: z.enum(['logs', 'audit']),
      afterId: z.number().int().min(0),
      since: z.iso.datetime({ offset: true }).optional(),
      minLevel: z.enum(['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR']).optional(),
      namespace: Namespace.optional(),
      flowId: z.string().min(1).max(100).optional(),
      executionId: z.string().min(1).max(100).optional(),
      resources: z
        .array(z.string().regex(/^[A-Z_]{1,40}$/))
        .max(50)
        .optional(),
      limit: z.number().int().min(1).max(10_000),
    }),
  }),
]);
export type JobServiceCall = z.infer<typeof JobServiceCall>;

export const JobServiceRequest = z.strictObject({ leaseId: LeaseId, call: JobServiceCall });
export type JobServiceRequest = z.infer<typeof JobServiceRequest>;
