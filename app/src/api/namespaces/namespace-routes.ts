/**
 * `GET /api/v1/namespaces`: the namespaces the caller may read — those of deployed flows and their
 * parents (whose KV entries and secrets the children inherit) — each with its parent chain and
 * how many flows it holds. `GET /api/v1/namespaces/{namespace}/files[?commit=]` lists its
 * namespace files at a commit (default: where its flows were last deployed), `…/files/content?path=`
 * reads one (github/namespace-files.ts). `GET /api/v1/namespaces/{namespace}/access`: `read` or `write`, so the
 * console shows only the controls the caller may use.
 */
import { type Context, Hono } from 'hono';
import { z } from 'zod';
import type { AuthVariables } from '../../auth/require-token.ts';
import { namespaceChain } from '../../kv/namespaces.ts';
import type { ApiDeps } from '../deps.ts';
import { check, NamespaceParam } from '../edge/params.ts';
import { ApiError, notFound } from '../errors.ts';

const CommitQuery = z.string().regex(/^[0-9a-f]{7,40}$/, 'a commit SHA (7 to 40 hex digits)');
const FilePath = z
  .string({ error: 'the file, relative to the namespace folder, e.g. queries/daily.sql' })
  .min(1)
  .refine((p) => !p.split('/').includes('..') && !p.startsWith('/'), 'must stay inside the namespace folder');

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

  const files = () => {
    if (deps.namespaceFiles === undefined) {
      throw new ApiError(
        'not_implemented',
        'namespace files are read from GitHub: this server has no GitHub App configured',
      );
    }
    return deps.namespaceFiles;
  };
  const commitOf = (c: Context) => {
    const commit = c.req.query('commit');
    return commit === undefined ? undefined : check(CommitQuery, commit, 'commit');
  };

  app.get('/:namespace/files', async (c) => {
    const namespace = check(NamespaceParam, c.req.param('namespace'), 'namespace');
    const listed = await files().list(namespace, commitOf(c));
    if (listed === undefined) {
      throw notFound(`namespace ${namespace} belongs to no repository with deployed flows: it has no files`);
    }
    return c.json(listed);
  });

  app.get('/:namespace/files/content', async (c) => {
    const namespace = check(NamespaceParam, c.req.param('namespace'), 'namespace');
    const path = check(FilePath, c.req.query('path'), 'path');
    const text = await files().read(namespace, path, commitOf(c));
    if (text === undefined) throw notFound(`no file ${path} in the files of namespace ${namespace}`);
    return c.text(text);
  });

  app.get('/:namespace/access', async (c) => {
    const namespace = check(NamespaceParam, c.req.param('namespace'), 'namespace');
    const principal = c.get('principal');
    const access = deps.access === undefined ? 'write' : await deps.access.level(principal, namespace);
    return c.json({ namespace, access });
  });
  return app;
}
