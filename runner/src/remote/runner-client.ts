/**
 * `RunnerClient`: the runner protocol's requests (protocol/src/runner-protocol.schema.ts) over `fetch`. Answers the
 * server refuses (4xx) become `ProtocolError`s naming what the server said; network errors and 5xx
 * answers are `Unreachable` and are what `retrying()` retries with back-off. Every write a runner
 * repeats (logs aside) is idempotent on the server, so a retried request never applies twice.
 */
import { Readable } from 'node:stream';
import type {
  ClaimRequest,
  ClaimResponse,
  ErrorBody,
  HeartbeatResponse,
  JobServiceCall,
  LeaseRef,
  ResultRequest,
  ResultResponse,
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

export class RunnerClient {
  readonly server: string;
  #credential: string | undefined;

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

  results(results: Array<LeaseRef & { result: ResultRequest['result'] }>): Promise<ResultsResponse> {
    return this.#json('POST', '/results', {
      results: results.map((r) => ({ jobId: r.jobId, leaseId: r.leaseId, result: r.result })),
    });
  }

  handBack(lease: LeaseRef, reason: string): Promise<unknown> {
    return this.#json('POST', `/jobs/${enc(lease.jobId)}/hand-back`, { leaseId: lease.leaseId, reason });
  }

  returnLeases(keep: string[]): Promise<{ returned: string[] }> {
    return this.#json('POST', '/leases/return', { keep });
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

  async #json<T>(
    method: string,
    path: string,
    body: unknown,
    options: { token?: string; signal?: AbortSignal } = {},
  ): Promise<T> {
    const res = await this.#fetch(method, path, {
      body: JSON.stringify(body),
      headers: { 'Content-Type': 'application/json' },
      ...options,
    });
    return (await res.json()) as T;
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
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      throw new Unreachable(
        `cannot reach the Osprey server at ${this.server} (${cause?.code ?? cause?.message ?? (e as Error).message}); check --server and that the server is running`,
        { cause: e },
      );
    }
    if (res.ok || (options.allow404 === true && res.status === 404)) return res;
    const text = await res.text().catch(() => '');
    let error: Partial<ErrorBody> = {};
    try {
      error = JSON.parse(text) as ErrorBody;
    } catch {
      // Not JSON (a proxy's page): the status says enough.
    }
    const message = `${method} ${path}: ${res.status} ${error.message ?? (text.slice(0, 200) || res.statusText)}`;
    if (res.status >= 500 || res.status === 429 || res.status === 408) throw new Unreachable(message);
    throw new ProtocolError(res.status, error.error ?? String(res.status), message);
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
