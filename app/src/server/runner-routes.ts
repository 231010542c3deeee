/**
 * The runner protocol over HTTP, mounted at `/api/v1/runners` (docs/runners.md). `POST /register`
 * takes a registration token; every other route takes a runner credential (401 without one, before
 * anything is read). Bodies are validated with the protocol's Zod schemas: a bad one gets 400 naming
 * the field, and nothing changes. A lease the runner does not hold gets 409; an unknown job 404.
 */
import { Readable, Transform } from 'node:stream';
import { type Context, Hono } from 'hono';
import type { z } from 'zod';
import type { InternalStorage } from '../../../protocol/src/internal-storage.ts';
import { logger } from '../../../protocol/src/logger.ts';
import {
  ClaimRequest,
  describeIssues,
  FileQuery,
  HandBackRequest,
  HeartbeatRequest,
  JobServiceRequest,
  LogsRequest,
  ResultRequest,
  ResultsRequest,
  ReturnLeasesRequest,
} from '../../../protocol/src/runner-protocol.schema.ts';
import {
  type KvStore,
  type RecordQuery,
  type ShippedRecord,
  TaskFailure,
} from '../../../protocol/src/task-contract.ts';
import { registerRunnerRoute } from '../auth/register-runner-route.ts';
import type { AuthVariables } from '../auth/require-token.ts';
import type { TokenService } from '../auth/token-service.ts';
import type { DurableExecutionService } from '../dispatch/durable-service.ts';
import type { LeaseCheck, RunnerIdentity, TaskDispatcher } from '../dispatch/task-dispatcher.ts';
import { runnerAuth } from './runner-auth.ts';

const log = logger('runner-protocol');

export interface RunnerRoutesDeps {
  tokens: TokenService;
  dispatcher: TaskDispatcher;
  executions: DurableExecutionService;
  storage: InternalStorage;
  kv: KvStore;
  /** Log lines and audit entries for log shippers, already kept to the job's namespace. */
  records?: (query: RecordQuery, job: { namespace: string }) => Promise<ShippedRecord[]>;
  maxUploadBytes: number;
}

type Env = { Variables: AuthVariables };

class BadRequest extends Error {}

function parse<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new BadRequest(describeIssues(parsed.error));
  return parsed.data;
}

async function body<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> {
  const json = await c.req.json().catch(() => {
    throw new BadRequest('body: must be a JSON object');
  });
  return parse(schema, json);
}

function jobIdOf(c: Context): string {
  const id = c.req.param('jobId') ?? '';
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(id)) throw new BadRequest('jobId: not a job id');
  return id;
}

function runnerOf(c: Context<Env>): RunnerIdentity {
  const p = c.get('principal');
  if (p.kind !== 'runner') throw new Error('runner routes reached without a runner principal');
  return { id: p.id, name: p.name };
}

function dropUndefined(o: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

/** The kestra:// URI's path segments (both `kestra:///a/b` and `kestra://a/b` forms). */
function uriSegments(uri: string): string[] {
  return uri.slice('kestra://'.length).replace(/^\/+/, '').split('/');
}

export function runnerRoutes(deps: RunnerRoutesDeps): Hono<Env> {
  const { dispatcher, storage } = deps;
  const app = new Hono<Env>();

  app.onError((e, c) => {
    if (e instanceof BadRequest) return c.json({ error: 'invalid_request', message: e.message }, 400);
    log.error({ err: e, method: c.req.method, path: c.req.path }, 'runner protocol request failed');
    return c.json({ error: 'internal', message: `the server failed: ${e.message}; the runner retries` }, 500);
  });

  app.route('/', registerRunnerRoute(deps.tokens));
  app.use('*', runnerAuth(deps.tokens));

  const refuse = (c: Context, check: Exclude<LeaseCheck, { status: 'held' }>, jobId: string) =>
    check.status === 'unknown'
      ? c.json({ error: 'not_found', message: `job ${jobId} does not exist` }, 404)
      : c.json({ error: 'lease_not_held', message: check.message }, 409);

  app.post('/claim', async (c) => {
    const req = await body(c, ClaimRequest);
    return c.json(await dispatcher.claim(runnerOf(c), req, c.req.raw.signal));
  });

  app.post('/heartbeat', async (c) => {
    const req = await body(c, HeartbeatRequest);
    return c.json(await dispatcher.heartbeat(runnerOf(c), req));
  });

  app.post('/leases/return', async (c) => {
    const req = await body(c, ReturnLeasesRequest);
    return c.json({ returned: await dispatcher.returnLeases(runnerOf(c), req.keep, req.restarted === true) });
  });

  app.post('/jobs/:jobId/logs', async (c) => {
    const jobId = jobIdOf(c);
    const req = await body(c, LogsRequest);
    const r = await dispatcher.appendLogs(runnerOf(c), jobId, req);
    if (r.status !== 'held') return refuse(c, r, jobId);
    return c.json({ accepted: r.accepted ?? 0 }, 202);
  });

  app.post('/jobs/:jobId/result', async (c) => {
    const jobId = jobIdOf(c);
    const req = await body(c, ResultRequest);
    const r = await dispatcher.submit(runnerOf(c), jobId, req);
    if (r.status === 'unknown' || r.status === 'not-held') return refuse(c, r, jobId);
    return c.json({ status: r.status });
  });

  app.post('/results', async (c) => {
    const req = await body(c, ResultsRequest);
    return c.json(await dispatcher.submitResults(runnerOf(c), req));
  });

  app.post('/jobs/:jobId/hand-back', async (c) => {
    const jobId = jobIdOf(c);
    const req = await body(c, HandBackRequest);
    const r = await dispatcher.handBack(runnerOf(c), jobId, req);
    if (r.status !== 'held') return refuse(c, r, jobId);
    return c.json({ status: 'handed-back' });
  });

  /** What a job's plugins ask of the app: KV, late renders (TemplatedTask, per-item renders), execution summaries. */
  app.post('/jobs/:jobId/services', async (c) => {
    const jobId = jobIdOf(c);
    const req = await body(c, JobServiceRequest);
    const check = await dispatcher.checkLease(runnerOf(c), jobId, req.leaseId);
    if (check.status !== 'held') return refuse(c, check, jobId);
    const { job } = check;
    const call = req.call;
    switch (call.op) {
      case 'kv.get':
        return c.json({ value: (await deps.kv.get(call.namespace, call.key)) ?? null });
      case 'kv.set':
        await deps.kv.set(call.namespace, call.key, call.value, {
          ...(call.ttlMs === undefined ? {} : { ttlMs: call.ttlMs }),
          ...(call.overwrite === undefined ? {} : { overwrite: call.overwrite }),
        });
        return c.json({ value: null });
      case 'kv.delete':
        return c.json({ value: await deps.kv.delete(call.namespace, call.key) });
      case 'kv.keys':
        return c.json({ value: await deps.kv.keys(call.namespace, call.prefix) });
      case 'render':
      case 'renderEach': {
        const taskJob = {
          jobId,
          type: '',
          properties: {},
          secrets: [],
          run: {
            executionId: job.executionId,
            namespace: job.namespace,
            flowId: job.flowId,
            taskId: job.taskId,
            taskRunId: job.taskRunId,
            attempt: job.attempt,
          },
        };
        return c.json({
          value:
            call.op === 'render'
              ? await deps.executions.renderForJob(taskJob, call.template)
              : await deps.executions.renderEachForJob(taskJob, call.template, call.items),
        });
      }
      case 'execution':
        return c.json({ value: (await deps.executions.summary(call.executionId)) ?? null });
      case 'records': {
        if (deps.records === undefined)
          throw new BadRequest('records: this server keeps no log records to ship');
        try {
          return c.json({
            value: await deps.records(dropUndefined(call.query) as unknown as RecordQuery, job),
          });
        } catch (e) {
          if (e instanceof TaskFailure) return c.json({ error: 'forbidden', message: e.message }, 403);
          throw e;
        }
      }
    }
  });

  // ---- Files of a job: upload (outputs), download / size / delete (inputs) ------------------------

  const fileAccess = async (c: Context<Env>) => {
    const jobId = jobIdOf(c);
    const q = parse(FileQuery, c.req.query());
    const check = await dispatcher.checkLease(runnerOf(c), jobId, q.leaseId);
    return { jobId, q, check };
  };

  /** A job reads files of its own namespace only. */
  const readable = (c: Context, job: { namespace: string }, uri: string | undefined) => {
    if (uri === undefined) throw new BadRequest('uri: required, the kestra:// URI of the file');
    const ns = job.namespace.split('.');
    const segments = uriSegments(uri);
    if (segments.length <= ns.length || ns.some((s, i) => segments[i] !== s)) {
      return c.json(
        {
          error: 'forbidden',
          message: `uri: ${uri} is outside namespace ${job.namespace}; a job reads files of its own namespace`,
        },
        403,
      );
    }
    return undefined;
  };

  app.put('/jobs/:jobId/files', async (c) => {
    const { jobId, q, check } = await fileAccess(c);
    if (q.name === undefined) throw new BadRequest('name: required, the file name to store');
    if (check.status !== 'held') return refuse(c, check, jobId);
    const length = Number(c.req.header('Content-Length') ?? Number.NaN);
    if (!Number.isInteger(length) || length < 0)
      return c.json({ error: 'length_required', message: 'Content-Length: required for uploads' }, 411);
    if (length > deps.maxUploadBytes) return tooLarge(c, deps.maxUploadBytes);
    const { job } = check;
    const raw = c.req.raw.body;
    const source =
      raw === null ? Readable.from([]) : Readable.fromWeb(raw as import('node:stream/web').ReadableStream);
    const uri = await storage.put(
      {
        namespace: job.namespace,
        flowId: job.flowId,
        executionId: job.executionId,
        taskId: job.taskId,
        taskRunId: job.taskRunId,
      },
      q.name,
      source.pipe(limit(length)),
    );
    return c.json({ uri }, 201);
  });

  app.on('HEAD', '/jobs/:jobId/files', async (c) => {
    const { jobId, q, check } = await fileAccess(c);
    if (check.status !== 'held') return refuse(c, check, jobId);
    const denied = readable(c, check.job, q.uri);
    if (denied !== undefined) return denied;
    const uri = q.uri as string;
    if (!(await storage.exists(uri))) return c.body(null, 404);
    return c.body(null, 200, { 'Content-Length': String(await storage.size(uri)) });
  });

  app.get('/jobs/:jobId/files', async (c) => {
    const { jobId, q, check } = await fileAccess(c);
    if (check.status !== 'held') return refuse(c, check, jobId);
    const denied = readable(c, check.job, q.uri);
    if (denied !== undefined) return denied;
    const uri = q.uri as string;
    if (!(await storage.exists(uri)))
      return c.json({ error: 'not_found', message: `internal storage file ${uri} does not exist` }, 404);
    const size = await storage.size(uri);
    const stream = Readable.toWeb(await storage.open(uri)) as unknown as ReadableStream;
    return c.body(stream, 200, {
      'Content-Type': 'application/octet-stream',
      'Content-Length': String(size),
    });
  });

  app.delete('/jobs/:jobId/files', async (c) => {
    const { jobId, q, check } = await fileAccess(c);
    if (check.status !== 'held') return refuse(c, check, jobId);
    const denied = readable(c, check.job, q.uri);
    if (denied !== undefined) return denied;
    return c.json({ deleted: await storage.delete(q.uri as string) });
  });

  app.notFound((c) =>
    c.json({ error: 'not_found', message: `no runner protocol route ${c.req.method} ${c.req.path}` }, 404),
  );
  return app;
}

function tooLarge(c: Context, max: number) {
  return c.json({ error: 'payload_too_large', message: `file: at most ${max} bytes per upload` }, 413);
}

/** Passes at most `max` bytes; more (a body longer than its Content-Length) is an error. */
function limit(max: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seen += chunk.length;
      if (seen > max) done(new Error(`upload longer than its Content-Length of ${max} bytes`));
      else done(null, chunk);
    },
  });
}
