/**
 * The console's calls to the REST API (docs/api.md). The API token travels in the HttpOnly
 * console cookie; every call sends `X-Osprey-Console: 1`, which the server requires of
 * cookie-authenticated requests that change something (CSRF). A 401 leads to the sign-in page.
 */
import type { FlowGraph } from '../../app/src/graph/flow-graph.ts';
import type { ExecutionDocument, FlowDocument, FlowRevisionDocument, FlowTrigger, Page } from './types.ts';

export class ApiFailure extends Error {
  readonly status: number;
  readonly body: { error?: string; message?: string; field?: string; problems?: Problem[] };
  constructor(status: number, body: ApiFailure['body']) {
    super(body.message ?? `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

export interface Problem {
  input: string;
  message: string;
}

/** The executions list's filters (`GET /api/v1/executions/search`); times are ISO instants. */
export interface ExecutionFilter {
  state: string[];
  labels: string[];
  namespace?: string;
  flow?: string;
  text?: string;
  from?: string;
  to?: string;
  sha?: string;
  branch?: string;
  pullRequest?: string;
  after?: string;
  size: number;
}

let onUnauthorized: () => void = () => {};
export function whenUnauthorized(handler: () => void): void {
  onUnauthorized = handler;
}

export async function call<T>(method: string, path: string, body?: BodyInit): Promise<T> {
  const res = await fetch(path, {
    method,
    headers: { 'X-Osprey-Console': '1', Accept: 'application/json' },
    credentials: 'same-origin',
    ...(body === undefined ? {} : { body }),
  });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    parsed = { message: text };
  }
  if (!res.ok) {
    if (res.status === 401 && !path.startsWith('/ui/session')) onUnauthorized();
    throw new ApiFailure(res.status, (parsed ?? {}) as ApiFailure['body']);
  }
  return parsed as T;
}

const q = (params: Record<string, string | string[] | undefined>) => {
  const s = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    for (const one of Array.isArray(v) ? v : v === undefined || v === '' ? [] : [v]) s.append(k, one);
  }
  const text = s.toString();
  return text === '' ? '' : `?${text}`;
};

export const api = {
  session: () =>
    call<{
      signedIn: boolean;
      name?: string;
      local: boolean;
      github: boolean;
      kind?: 'github' | 'token';
      admin?: boolean;
    }>('GET', '/ui/session'),
  access: (namespace: string) =>
    call<{ namespace: string; access: 'none' | 'read' | 'write' }>(
      'GET',
      `/api/v1/namespaces/${encodeURIComponent(namespace)}/access`,
    ),
  signIn: (token: string) =>
    call<{ name: string }>(
      'POST',
      '/ui/session',
      new Blob([JSON.stringify({ token })], { type: 'application/json' }),
    ),
  signOut: () => call('DELETE', '/ui/session'),
  searchExecutions: (f: ExecutionFilter) =>
    call<Page<ExecutionDocument> & { next?: string; totalCapped?: boolean }>(
      'GET',
      `/api/v1/executions/search${q({
        state: f.state,
        namespace: f.namespace,
        flowId: f.flow,
        labels: f.labels,
        startDate: f.from,
        endDate: f.to,
        sha: f.sha,
        branch: f.branch,
        pullRequest: f.pullRequest,
        q: f.text,
        after: f.after,
        size: String(f.size),
      })}`,
    ),
  execution: (id: string) => call<ExecutionDocument>('GET', `/api/v1/executions/${encodeURIComponent(id)}`),
  kill: (id: string) =>
    call<ExecutionDocument>('DELETE', `/api/v1/executions/${encodeURIComponent(id)}/kill`),
  control: (id: string, verb: 'pause' | 'resume' | 'restart' | 'replay') =>
    call<ExecutionDocument>('POST', `/api/v1/executions/${encodeURIComponent(id)}/${verb}`),
  searchFlows: (f: { namespace?: string; text?: string }) =>
    call<Page<FlowDocument>>(
      'GET',
      `/api/v1/flows/search${q({ namespace: f.namespace, q: f.text, size: '1000' })}`,
    ),
  /** The deployed flow, or one revision of it (an execution's pinned flow). */
  flow: (namespace: string, id: string, revision?: number) =>
    call<FlowDocument>(
      'GET',
      `/api/v1/flows/${encodeURIComponent(namespace)}/${encodeURIComponent(id)}?source=true${revision === undefined ? '' : `&revision=${revision}`}`,
    ),
  checkRun: (id: string) =>
    call<{ repository: string; checkRunId: number; url: string }>(
      'GET',
      `/api/v1/executions/${encodeURIComponent(id)}/check-run`,
    ),
  fileHref: (id: string, uri: string) =>
    `/api/v1/executions/${encodeURIComponent(id)}/file${q({ path: uri })}`,
  filePreview: (id: string, uri: string) =>
    call<{ name: string; size: number; truncated: boolean; content?: string; binary?: boolean }>(
      'GET',
      `/api/v1/executions/${encodeURIComponent(id)}/file/preview${q({ path: uri })}`,
    ),
  resume: (id: string, form: FormData) =>
    call<ExecutionDocument>('POST', `/api/v1/executions/${encodeURIComponent(id)}/resume`, form),
  graph: (namespace: string, id: string) =>
    call<FlowGraph & { revision: number }>(
      'GET',
      `/api/v1/flows/${encodeURIComponent(namespace)}/${encodeURIComponent(id)}/graph`,
    ),
  triggers: (namespace: string, id: string) =>
    call<FlowTrigger[]>(
      'GET',
      `/api/v1/flows/${encodeURIComponent(namespace)}/${encodeURIComponent(id)}/triggers`,
    ),
  revisions: (namespace: string, id: string) =>
    call<FlowRevisionDocument[]>(
      'GET',
      `/api/v1/flows/${encodeURIComponent(namespace)}/${encodeURIComponent(id)}/revisions`,
    ),
  start: (namespace: string, id: string, form: FormData, labels: string[]) =>
    call<ExecutionDocument>(
      'POST',
      `/api/v1/executions/${encodeURIComponent(namespace)}/${encodeURIComponent(id)}${q({ labels })}`,
      form,
    ),
};
