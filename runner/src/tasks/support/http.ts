/**
 * HTTP for task plugins (Request, Download, Slack): Node's fetch, with its errors translated into
 * messages that name the server and say what to check. URLs in messages lose their credentials and
 * query string (API keys live there); Slack-style secret paths are hidden by the callers.
 */
import { ExternalServiceError, TaskFailure } from '../../../../protocol/src/task-contract.ts';

export interface HttpCall {
  taskId: string;
  url: URL;
  method: string;
  headers: Headers;
  body?: string | FormData | URLSearchParams | undefined;
  signal: AbortSignal;
  followRedirects?: boolean;
  /** Overall limit for the response headers to arrive. */
  timeoutMs?: number | undefined;
  /** How the server is named in messages (default: the URL without credentials or query). */
  label?: string;
}

export function parseUrl(taskId: string, property: string, text: string): URL {
  let url: URL;
  try {
    // Kestra encodes spaces in URIs for the user; do the same.
    url = new URL(text.trim().replaceAll(' ', '%20'));
  } catch {
    throw new TaskFailure(`task '${taskId}': property '${property}' is not a valid URL: '${text}'`, {
      retryable: false,
    });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TaskFailure(
      `task '${taskId}': property '${property}' must be an http(s) URL, got '${url.protocol}'`,
      {
        retryable: false,
      },
    );
  }
  return url;
}

/** The URL as shown in messages: no user:password, no query string. */
export function displayUrl(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

export async function send(call: HttpCall): Promise<Response> {
  const label = call.label ?? displayUrl(call.url);
  const signals = [call.signal];
  const timeout = call.timeoutMs === undefined ? undefined : AbortSignal.timeout(call.timeoutMs);
  if (timeout !== undefined) signals.push(timeout);
  try {
    return await fetch(call.url, {
      method: call.method,
      headers: call.headers,
      body: call.body ?? null,
      redirect: call.followRedirects === false ? 'manual' : 'follow',
      signal: AbortSignal.any(signals),
    });
  } catch (e) {
    // A job abort (timeout or kill) is the runner's to report.
    if (call.signal.aborted) throw e;
    if (timeout?.aborted) {
      throw new ExternalServiceError(
        `task '${call.taskId}': ${call.method} ${label} got no response within ${call.timeoutMs} ms`,
      );
    }
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    const why = cause?.code ?? cause?.message ?? (e as Error).message;
    throw new ExternalServiceError(
      `task '${call.taskId}': ${call.method} ${label} failed (${why}); check the URL and that the server is reachable from this machine`,
      { cause: e },
    );
  }
}

/** Response headers as Kestra outputs them: lower-case name → list of values. */
export function headersOf(response: Response): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, value] of response.headers) {
    out[name] = name === 'set-cookie' ? response.headers.getSetCookie() : [value];
  }
  return out;
}

/** The failure for a response with status >= 400 (retryable: servers recover, resources appear). */
export function statusFailure(
  taskId: string,
  method: string,
  label: string,
  response: Response,
  body: string,
): ExternalServiceError {
  const excerpt = body.trim().replace(/\s+/g, ' ');
  const shown = excerpt === '' ? '' : `: ${excerpt.length > 300 ? `${excerpt.slice(0, 297)}...` : excerpt}`;
  const status = `${response.status}${response.statusText === '' ? '' : ` ${response.statusText}`}`;
  return new ExternalServiceError(
    `task '${taskId}': ${method} ${label} failed with HTTP status ${status}${shown}`,
  );
}
