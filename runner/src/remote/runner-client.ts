/**
 * `RunnerClient`: the runner protocol's requests (protocol/src/runner-protocol.schema.ts) over `fetch`. Answers the
 * server refuses (4xx) become `ProtocolError`s naming what the server said; network errors and 5xx
 * answers are `Unreachable` and are what `retrying()` retries with back-off. Every write a runner
 * repeats (logs aside) is idempotent on the server, so a retried request never applies twice.
 */
import http from 'node:http';
import https from 'node:https';
import { Readable } from 'node:stream';
import type { JobLog } from '../../../protocol/src/job.ts';
import type {
  ClaimRequest,
  ClaimResponse,
  ErrorBody,
  HeartbeatResponse,
  JobServiceCall,
  LeaseRef,
  ResultRequest,
  ResultResponse,
  ResultsRequest,
  ResultsResponse,
} from '../../../protocol/src/runner-protocol.schema.ts';
import { PROTOCOL_PREFIX } from '../../../protocol/src/runner-protocol.schema.ts';

/** The server answered and refused: retrying the same request will not help. */
export class ProtocolError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = 'ProtocolError';
    this.status = status;
    this.code = code;
  }
}

/** The server could not be reached or failed (5xx): try again later. */
export class Unreachable extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'Unreachable';
  }
}

export interface RegisteredRunner {
  runner: { id: string; name: string };
  credential: string;
}

/** Silence on a request's connection for this long ends it (`Unreachable`). */
const ANSWER_TIMEOUT_MS = 300_000;

export class RunnerClient {
  readonly server: string;
  #credential: string | undefined;
  readonly #agents = {
    http: new http.Agent({ keepAlive: true }),
    https: new https.Agent({ keepAlive: true }),
  };

  constructor(server: string, credential?: string) {
    this.server = server.replace(/\/+$/, '');
    this.#credential = credential;
  }

  get credential(): string | undefined {
    return this.#credential;
  }

  useCredential(credential: string): void {
    this.#credential = credential;
  }

  async register(registrationToken: string, body: { name: string; labels?: Record<string, string> }) {
    const r = await this.#json<RegisteredRunner>('POST', '/register', body, { token: registrationToken });
    this.#credential = r.credential;
    return r;
  }

  claim(req: ClaimRequest, signal?: AbortSignal): Promise<ClaimResponse> {
    return this.#json('POST', '/claim', req, signal === undefined ? {} : { signal });
  }

  heartbeat(leases: LeaseRef[]): Promise<HeartbeatResponse> {
    return this.#json('POST', '/heartbeat', {
      leases: leases.map((l) => ({ jobId: l.jobId, leaseId: l.leaseId })),
    });
  }

  logs(
    lease: LeaseRef,
    logs: Array<{ level: string; message: string; timestamp: string }>,
  ): Promise<unknown> {
    return this.#json('POST', `/jobs/${enc(lease.jobId)}/logs`, { leaseId: lease.leaseId, logs });
  }

  result(lease: LeaseRef, result: ResultRequest['result']): Promise<ResultResponse> {
    return this.#json('POST', `/jobs/${enc(lease.jobId)}/result`, { leaseId: lease.leaseId, result });
  }

  /** `logs` and `claim` are protocol 2 (see protocol.schema.ts). */
  results(
    results: Array<LeaseRef & { result: ResultRequest['result']; logs?: JobLog[] }>,
    claim?: ResultsRequest['claim'],
  ): Promise<ResultsResponse> {
    return this.#json('POST', '/results', {
      results: results.map((r) => ({
        jobId: r.jobId,
        leaseId: r.leaseId,
        result: r.result,
        ...(r.logs === undefined ? {} : { logs: r.logs }),
      })),
      ...(claim === undefined ? {} : { claim }),
    });
  }

  handBack(lease: LeaseRef, reason: string): Promise<unknown> {
    return this.#json('POST', `/jobs/${enc(lease.jobId)}/hand-back`, { leaseId: lease.leaseId, reason });
  }

  returnLeases(keep: string[], options: { restarted?: boolean } = {}): Promise<{ returned: string[] }> {
    return this.#json(
      'POST',
      '/leases/return',
      options.restarted === true ? { keep, restarted: true } : { keep },
    );
  }

  async service<T>(lease: LeaseRef, call: JobServiceCall): Promise<T> {
    const r = await this.#json<{ value: T }>('POST', `/jobs/${enc(lease.jobId)}/services`, {
      leaseId: lease.leaseId,
      call,
    });
    return r.value;
  }

  /** Uploads a file of `size` bytes; returns its kestra:// URI. */
  async upload(lease: LeaseRef, name: string, body: Buffer | Readable, size: number): Promise<string> {
    const res = await this.#fetch('PUT', this.#fileUrl(lease, { name }), {
      body: Buffer.isBuffer(body) ? body : (Readable.toWeb(body) as unknown as ReadableStream),
      headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': String(size) },
    });
    return ((await res.json()) as { uri: string }).uri;
  }

  /** The file's bytes as a stream; `undefined` when it does not exist. */
  async download(lease: LeaseRef, uri: string): Promise<Readable | undefined> {
    const res = await this.#fetch('GET', this.#fileUrl(lease, { uri }), { allow404: true });
    if (res.status === 404 || res.body === null) return undefined;
    return Readable.fromWeb(res.body as import('node:stream/web').ReadableStream);
  }

  /** The file's size; `undefined` when it does not exist. */
  async size(lease: LeaseRef, uri: string): Promise<number | undefined> {
    const res = await this.#fetch('HEAD', this.#fileUrl(lease, { uri }), { allow404: true });
    return res.status === 404 ? undefined : Number(res.headers.get('content-length') ?? 0);
  }

  async deleteFile(lease: LeaseRef, uri: string): Promise<boolean> {
    const res = await this.#fetch('DELETE', this.#fileUrl(lease, { uri }));
    return ((await res.json()) as { deleted: boolean }).deleted;
  }

  #fileUrl(lease: LeaseRef, query: Record<string, string>): string {
    const q = new URLSearchParams({ leaseId: lease.leaseId, ...query });
    return `/jobs/${enc(lease.jobId)}/files?${q}`;
  }

  /**
   * A JSON request over node's own HTTP client with a keep-alive agent: a runner's requests are
   * small and many, and `fetch` costs about three times the CPU and latency per request.
   */
  #json<T>(
    method: string,
    path: string,
    body: unknown,
    options: { token?: string; signal?: AbortSignal } = {},
  ): Promise<T> {
    const token = options.token ?? this.#credential;
    const payload = Buffer.from(JSON.stringify(body));
    const url = new URL(`${this.server}${PROTOCOL_PREFIX}${path}`);
    const transport = url.protocol === 'https:' ? https : http;
    return new Promise<T>((resolve, reject) => {
      const req = transport.request(
        url,
        {
          method,
          agent: url.protocol === 'https:' ? this.#agents.https : this.#agents.http,
          headers: {
            'Content-Type': 'application/json',
            'Content-Length': String(payload.length),
            ...(token === undefined ? {} : { Authorization: `Bearer ${token}` }),
          },
          ...(options.signal === undefined ? {} : { signal: options.signal }),
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', (e) => reject(this.#unreachable(e)));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            const status = res.statusCode ?? 0;
            try {
              if (status >= 200 && status < 300) resolve(JSON.parse(text) as T);
              else reject(this.#refusal(method, path, status, res.statusMessage ?? '', text));
            } catch (e) {
              reject(new Unreachable(`${method} ${path}: the answer is not JSON (${(e as Error).message})`));
            }
          });
        },
      );
      req.on('error', (e) => reject(e.name === 'AbortError' ? e : this.#unreachable(e)));
      // As long as `fetch` waited for an answer (undici's 300 s): a server that went silent is retried.
      req.setTimeout(ANSWER_TIMEOUT_MS, () =>
        req.destroy(
          Object.assign(new Error(`no answer in ${ANSWER_TIMEOUT_MS / 1000} s`), { code: 'ETIMEDOUT' }),
        ),
      );
      req.end(payload);
    });
  }

  async #fetch(
    method: string,
    path: string,
    options: {
      body?: string | Buffer | ReadableStream;
      headers?: Record<string, string>;
      token?: string;
      signal?: AbortSignal;
      allow404?: boolean;
    } = {},
  ): Promise<Response> {
    const token = options.token ?? this.#credential;
    const url = `${this.server}${PROTOCOL_PREFIX}${path}`;
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers: { ...options.headers, ...(token === undefined ? {} : { Authorization: `Bearer ${token}` }) },
        ...(options.body === undefined ? {} : { body: options.body }),
        ...(options.body instanceof ReadableStream ? { duplex: 'half' } : {}),
        ...(options.signal === undefined ? {} : { signal: options.signal }),
      } as RequestInit);
    } catch (e) {
      if ((e as Error).name === 'AbortError') throw e;
      throw this.#unreachable((e as { cause?: Error }).cause ?? (e as Error), e);
    }
    if (res.ok || (options.allow404 === true && res.status === 404)) return res;
    const text = await res.text().catch(() => '');
    throw this.#refusal(method, path, res.status, res.statusText, text);
  }

  #unreachable(e: Error & { code?: string }, cause: unknown = e): Unreachable {
    return new Unreachable(
      `cannot reach the Osprey server at ${this.server} (${e.code ?? e.message}); check --server and that the server is running`,
      { cause },
    );
  }

  /** A 4xx answer is the server's refusal; 5xx, 408 and 429 mean "later". */
  #refusal(method: string, path: string, status: number, statusText: string, text: string): Error {
    let error: Partial<ErrorBody> = {};
    try {
      error = JSON.parse(text) as ErrorBody;
    } catch {
      // Not JSON (a proxy's page): the status says enough.
    }
    const message = `${method} ${path}: ${status} ${error.message ?? (text.slice(0, 200) || statusText)}`;
    if (status >= 500 || status === 429 || status === 408) return new Unreachable(message);
    return new ProtocolError(status, error.error ?? String(status), message);
  }
}

function enc(s: string): string {
  return encodeURIComponent(s);
}

export interface RetryOptions {
  /** Give up after this long (default: never). */
  forMs?: number;
  /** Longest wait between two tries (default 5 s). */
  maxDelayMs?: number;
  signal?: AbortSignal;
  onRetry?: (error: Error, delayMs: number) => void;
}

/** Runs `fn` until it does not throw `Unreachable`, waiting 100 ms, 200 ms, … (capped) in between. */
export async function retrying<T>(fn: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const deadline = options.forMs === undefined ? Number.POSITIVE_INFINITY : Date.now() + options.forMs;
  const max = options.maxDelayMs ?? 5000;
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      if (!(e instanceof Unreachable) || options.signal?.aborted) throw e;
      const delay = Math.min(max, 100 * 2 ** attempt) * (0.75 + Math.random() / 2);
      if (Date.now() + delay > deadline) throw e;
      options.onRetry?.(e, delay);
      await sleep(delay, options.signal);
    }
  }
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
