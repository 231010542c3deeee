/**
 * Octokit failures translated at the boundary (STYLE.md #9): a `RequestError` becomes a message that
 * names the call, the repository and what to do — a missing permission names the app.yml entry to
 * add, an exhausted rate limit says when it resets.
 */

/** A GitHub API call that failed, explained. `retryable`: redelivering the webhook later can succeed. */
export class GitHubActionError extends Error {
  readonly status: number | undefined;
  readonly retryable: boolean;
  constructor(message: string, options: { status?: number; retryable: boolean; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.name = 'GitHubActionError';
    this.status = options.status;
    this.retryable = options.retryable;
  }
}

interface RequestErrorLike {
  status: number;
  message: string;
  request?: { method?: string; url?: string };
  response?: { headers?: Record<string, string | number | undefined>; data?: unknown };
}

function isRequestError(error: unknown): error is RequestErrorLike {
  return (
    typeof error === 'object' && error !== null && typeof (error as { status?: unknown }).status === 'number'
  );
}

/** Which app.yml permission a route needs, for 403 messages. */
const PERMISSIONS: ReadonlyArray<{ pattern: RegExp; permission: string }> = [
  { pattern: /\/check-(runs|suites)/, permission: 'checks: write' },
  { pattern: /\/issues\/\d+\/comments|\/issues\/comments/, permission: 'issues: write' },
  { pattern: /\/pulls/, permission: 'pull_requests: read' },
  { pattern: /\/collaborators\//, permission: 'metadata: read' },
  { pattern: /\/(contents|git|compare|commits|branches)\b/, permission: 'contents: read' },
];

/** Run one GitHub call; a failure is rethrown as a `GitHubActionError` that says what to do. */
export async function callGitHub<T>(action: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw translateGitHubError(error, action);
  }
}

export function translateGitHubError(error: unknown, action: string): Error {
  if (error instanceof GitHubActionError) return error;
  if (!isRequestError(error)) {
    const message = error instanceof Error ? error.message : String(error);
    return new GitHubActionError(
      `${action}: could not reach GitHub (${message}); check GITHUB_API_URL and the network`,
      {
        retryable: true,
        cause: error,
      },
    );
  }
  const { status } = error;
  const route = `${error.request?.method ?? ''} ${stripQuery(error.request?.url ?? '')}`.trim();
  const headers = error.response?.headers ?? {};
  const detail = githubMessage(error);
  if (status === 401) {
    return new GitHubActionError(
      `${action}: GitHub refused the app's credentials (401). Check that APP_ID and PRIVATE_KEY match the app's settings page; generate a new private key if it was rotated`,
      { status, retryable: false, cause: error },
    );
  }
  if ((status === 403 || status === 429) && isRateLimited(headers, detail)) {
    const reset = Number(headers['x-ratelimit-reset']);
    const when =
      Number.isFinite(reset) && reset > 0 ? ` until ${new Date(reset * 1000).toISOString()}` : ' for a while';
    return new GitHubActionError(
      `${action}: GitHub's API rate limit is exhausted${when}; the work can be redelivered once it resets (fewer check-run updates: raise the reporter interval)`,
      { status, retryable: true, cause: error },
    );
  }
  if (status === 403) {
    const permission = PERMISSIONS.find((p) => p.pattern.test(route))?.permission;
    const need = permission
      ? `the app lacks ${permission} permission; update app.yml permissions (or the app's settings page) and accept the new permissions on the installation`
      : 'the app is not allowed to do this; check the permissions in app.yml and the installation settings';
    return new GitHubActionError(`${action}: ${need} (403 on ${route}${detail ? `: ${detail}` : ''})`, {
      status,
      retryable: false,
      cause: error,
    });
  }
  if (status === 404) {
    return new GitHubActionError(
      `${action}: not found (404 on ${route}). Either the repository is not among the installation's repositories (check the app's installation settings) or the commit or path does not exist`,
      { status, retryable: false, cause: error },
    );
  }
  if (status === 422) {
    return new GitHubActionError(
      `${action}: GitHub rejected the request (422 on ${route}): ${detail || 'validation failed'}`,
      {
        status,
        retryable: false,
        cause: error,
      },
    );
  }
  if (status >= 500) {
    return new GitHubActionError(
      `${action}: GitHub is unavailable (${status} on ${route}); redeliver the webhook from the app's Advanced settings once GitHub recovers`,
      { status, retryable: true, cause: error },
    );
  }
  return new GitHubActionError(
    `${action}: GitHub answered ${status} on ${route}${detail ? `: ${detail}` : ''}`,
    {
      status,
      retryable: false,
      cause: error,
    },
  );
}

function isRateLimited(headers: Record<string, string | number | undefined>, detail: string): boolean {
  return String(headers['x-ratelimit-remaining']) === '0' || /rate limit/i.test(detail);
}

function githubMessage(error: RequestErrorLike): string {
  const data = error.response?.data;
  if (typeof data === 'object' && data !== null) {
    const message = (data as { message?: unknown }).message;
    const errors = (data as { errors?: unknown }).errors;
    const parts = [typeof message === 'string' ? message : ''];
    if (Array.isArray(errors))
      parts.push(...errors.map((e) => (typeof e === 'string' ? e : JSON.stringify(e))));
    return parts.filter((p) => p !== '').join('; ');
  }
  return '';
}

function stripQuery(url: string): string {
  const path = url.replace(/^[a-z]+:\/\/[^/]+/i, '');
  const q = path.indexOf('?');
  return q === -1 ? path : path.slice(0, q);
}
