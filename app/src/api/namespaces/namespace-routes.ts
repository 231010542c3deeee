/**
 * `GET /api/v1/namespaces`: the namespaces the caller may read — those of deployed flows and their
 * parents (whose KV entries and secrets the children inherit) — each with its parent chain and
 * how many flows it holds. `GET /api/v1/namespaces/{namespace}/access`: `read` or `write`, so the
 * console shows only the controls the caller may use.
 */
import { Hono } from 'hono';
import type { AuthVariables } from '../../auth/require-token.ts';
import { namespaceChain } from '../../kv/namespaces.ts';
import type { ApiDeps } from '../deps.ts';
import { check, NamespaceParam } from '../edge/params.ts';

export function namespaceRoutes(deps: ApiDeps): Hono<{ Variables: AuthVariables }> {
  const app = new Hono<{ Variables: AuthVariables }>();

  app.get('/', async (c) => {
    const principal = c.get('principal');
    const flows = new Map<string, number>();
    for (const f of await deps.flows.list()) {
      for (const ns of namespaceChain(f.namespace)) flows.set(ns, flows.get(ns) ?? 0);
      flows.set(f.namespace, (flows.get(f.namespace) ?? 0) + 1);
    }
    const results = [];
    for (const namespace of [...flows.keys()].sort()) {
      const access = deps.access === undefined ? 'write' : await deps.access.level(principal, namespace);
      if (access === 'none') continue;
      results.push({
        namespace,
        parents: namespaceChain(namespace).slice(1),
        flows: flows.get(namespace),
        access,
      });
    }
    return c.json({ results, total: results.length });
  });

  app.get('/:namespace/access', async (c) => {
    const namespace = check(NamespaceParam, c.req.param('namespace'), 'namespace');
    const principal = c.get('principal');
    const access = deps.access === undefined ? 'write' : await deps.access.level(principal, namespace);
    return c.json({ namespace, access });
  });
  return app;
}
