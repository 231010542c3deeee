/**
 * Namespace permissions on the API for people signed in with GitHub (auth/namespace-access.ts):
 * reading needs read access to the namespace's repository, anything else write access. Routes
 * that name a namespace are checked by it, routes that name an execution by the execution's
 * namespace. Searches are narrowed in their handlers (`readableNamespaces`). API tokens pass.
 */
import type { Context, Hono, Next } from 'hono';
import type { AuthVariables } from '../auth/require-token.ts';
import type { ApiDeps } from './deps.ts';
import { ApiError } from './errors.ts';

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Path words that are not namespaces or execution ids. */
const NOT_NAMES = new Set(['search', 'validate']);

type Ctx = Context<{ Variables: AuthVariables }>;

/** Refuses the request unless the caller may read (GET) or change (anything else) `namespace`. */
export async function assertNamespaceAccess(
  deps: ApiDeps,
  c: Context,
  namespace: string,
  need: 'read' | 'write' = SAFE.has(c.req.method) ? 'read' : 'write',
): Promise<void> {
  const principal = (c as Ctx).get('principal');
  if (deps.access === undefined || principal.kind !== 'user') return;
  const level = await deps.access.level(principal, namespace);
  if (level === 'none') {
    throw new ApiError(
      'forbidden',
      `${principal.name} cannot read namespace ${namespace}: it belongs to no GitHub repository they can read`,
    );
  }
  if (need === 'write' && level !== 'write') {
    throw new ApiError(
      'forbidden',
      `${principal.name} has read access to namespace ${namespace} only; this needs write access to its repository`,
    );
  }
}

/** The namespaces the caller may read; undefined when they may read all of them. */
export async function readableNamespaces(deps: ApiDeps, c: Context): Promise<string[] | undefined> {
  return deps.access?.readable((c as Ctx).get('principal'));
}

export function guardNamespaces(app: Hono<{ Variables: AuthVariables }>, deps: ApiDeps): void {
  const byNamespace = (param: string) => async (c: Ctx, next: Next) => {
    const namespace = c.req.param(param);
    if (namespace !== undefined && !NOT_NAMES.has(namespace)) await assertNamespaceAccess(deps, c, namespace);
    await next();
  };
  const byExecution = async (c: Ctx, next: Next) => {
    const id = c.req.param('id');
    if (id !== undefined && !NOT_NAMES.has(id)) {
      const execution = await deps.executions.get(id);
      // Not an execution: `POST /executions/{namespace}/{flowId}` starts one in that namespace.
      if (execution !== undefined) await assertNamespaceAccess(deps, c, execution.namespace);
      else if (!SAFE.has(c.req.method)) await assertNamespaceAccess(deps, c, id, 'write');
    }
    await next();
  };
  app.use('/namespaces/:namespace/*', byNamespace('namespace'));
  app.use('/flows/:namespace', byNamespace('namespace'));
  app.use('/flows/:namespace/*', byNamespace('namespace'));
  app.use('/triggers/:namespace/*', byNamespace('namespace'));
  app.use('/executions/:id', byExecution);
  app.use('/executions/:id/*', byExecution);
  app.use('/logs/:id', byExecution);
  app.use('/logs/:id/*', byExecution);
}
