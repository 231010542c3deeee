/**
 * The CLI's client of a server's REST API (`osprey kv`, `osprey secrets`): where the server is
 * (`--server`, `OSPREY_SERVER`, default http://localhost:8080), the token (`--token`,
 * `OSPREY_API_TOKEN`), and errors translated into what to do: a refused token, no server at the
 * URL, or the server's own message.
 */

export const DEFAULT_SERVER = 'http://localhost:8080';

/** A request the server (or the network) refused; `message` is for the user as is. */
export class ApiClientError extends Error {
  override name = 'ApiClientError';
  readonly status: number | undefined;
  readonly code: string | undefined;
  constructor(message: string, options: { status?: number; code?: string } = {}) {
    super(message);
    this.status = options.status;
    this.code = options.code;
  }
}

export interface Connection {
  server: string;
  token: string | undefined;
}

/** `--server`/`--token` win over the environment; the URL is checked once here. */
export function connection(
  values: { server?: string | undefined; token?: string | undefined },
  env: Readonly<Record<string, string | undefined>> = process.env,
): Connection {
  const server = (values.server ?? (env['OSPREY_SERVER'] || undefined) ?? DEFAULT_SERVER).replace(/\/+$/, '');
  if (!/^https?:\/\//.test(server) || !URL.canParse(server)) {
    throw new ApiClientError(`--server must be an http(s) URL such as ${DEFAULT_SERVER}, got '${server}'`, {
      code: 'usage',
    });
  }
  return { server, token: values.token ?? (env['OSPREY_API_TOKEN'] || undefined) };
}

export interface RequestOptions {
  query?: Record<string, string | undefined>;
  headers?: Record<string, string>;
  body?: string;
}

export class ApiClient {
  readonly #connection: Connection;

  constructor(conn: Connection) {
    this.#connection = conn;
  }

  /** The parsed JSON answer of `method /api/v1<path>`; throws `ApiClientError` otherwise. */
  async request<T = unknown>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const { server, token } = this.#connection;
    if (token === undefined) {
      throw new ApiClientError(
        'no API token: set OSPREY_API_TOKEN or pass --token; create one with `osprey tokens create <name>`',
        { code: 'unauthorized' },
      );
    }
    const url = new URL(`${server}/api/v1${path}`);
    for (const [k, v] of Object.entries(options.query ?? {})) if (v !== undefined) url.searchParams.set(k, v);
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers: { Authorization: `Bearer ${token}`, Accept: 'application/json', ...options.headers },
        ...(options.body === undefined ? {} : { body: options.body }),
      });
    } catch (e) {
      throw unreachable(server, e);
    }
    const text = await res.text();
    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (res.ok) return body as T;
    if (res.status === 401) {
      throw new ApiClientError(
        `the server at ${server} refused the token; create one with \`osprey tokens create <name>\` and set OSPREY_API_TOKEN`,
        { status: 401, code: 'unauthorized' },
      );
    }
    const refusal = body as { error?: string; message?: string } | undefined;
    throw new ApiClientError(
      refusal?.message ??
        `${method} ${url.pathname} answered ${res.status} ${res.statusText}${text === '' ? '' : `: ${text.slice(0, 200)}`}`,
      { status: res.status, ...(refusal?.error === undefined ? {} : { code: refusal.error }) },
    );
  }
}

function unreachable(server: string, error: unknown): ApiClientError {
  const cause = (error as { cause?: { code?: string } }).cause;
  const code = cause?.code;
  if (code === 'ECONNREFUSED') {
    return new ApiClientError(
      `no Osprey server at ${server}; start one with \`osprey server\` or \`osprey dev\`, or point --server (OSPREY_SERVER) at yours`,
      { code: 'unreachable' },
    );
  }
  return new ApiClientError(
    `cannot reach ${server}${code === undefined ? '' : ` (${code})`}: ${(error as Error).message}; check --server (OSPREY_SERVER) and the network`,
    { code: 'unreachable' },
  );
}
