/**
 * `/api/v1/flows`: the deployed flows and validation of flow YAML. On a server flows change through
 * git only; in `osprey dev` (a `flowWriter`) `POST /flows`, `PUT /flows/{namespace}/{id}` and
 * `DELETE /flows/{namespace}/{id}` write to the flows folder, which is then deployed (Kestra 0.20's
 * "sync flows with a local directory", both ways). A flow is its latest deployed revision, with where it came from:
 * repository, branch, path and commit SHA.
 */
import { type Context, Hono } from 'hono';
import YAML from 'yaml';
import type { FlowRevision } from '../../deployments/ports.ts';
import { flowGraph } from '../../graph/flow-graph.ts';
import { readableNamespaces } from '../access-guard.ts';
import type { ApiDeps } from '../deps.ts';
import { BooleanQuery, check, FlowIdParam, NamespaceParam, pageNumber, SearchText } from '../edge/params.ts';

const RevisionQuery = pageNumber('revision', 1, Number.MAX_SAFE_INTEGER);

import { ApiError, invalid, notFound } from '../errors.ts';
import { respond } from '../respond.ts';
import { validateDocuments } from './validate-documents.ts';

function noRevision(namespace: string, flowId: string, revision: string): string {
  return `flow ${namespace}.${flowId} has no revision ${revision}; GET /api/v1/flows/${namespace}/${flowId}/revisions lists them`;
}

function summary(r: FlowRevision) {
  return {
    id: r.flowId,
    namespace: r.namespace,
    revision: r.revision,
    deleted: r.deleted,
    repository: r.repository,
    branch: r.branch,
    path: r.path,
    sha: r.sha,
    updated: r.deployedAt,
  };
}

function parsedSource(source: string): Record<string, unknown> {
  try {
    const parsed = YAML.parse(source) as unknown;
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) {
      return parsed as Record<string, unknown>;
    }
  } catch {
    // A deployed revision parsed when it was deployed; if this YAML version disagrees, show metadata only.
  }
  return {};
}

/** The flow's own fields (description, inputs, tasks, ...) as committed, then Osprey's metadata. */
function flowDocument(r: FlowRevision, withSource: boolean) {
  return { ...parsedSource(r.source), ...summary(r), ...(withSource ? { source: r.source } : {}) };
}

export function flowRoutes(deps: ApiDeps): Hono {
  const app = new Hono();
  const send = (c: Context, value: unknown) => respond(c, deps.masker, value);
  const params = (c: Context) => ({
    namespace: check(NamespaceParam, c.req.param('namespace'), 'namespace'),
    flowId: check(FlowIdParam, c.req.param('id'), 'id'),
  });

  app.post('/validate', async (c) => {
    const text = await c.req.text();
    if (text.trim() === '') {
      throw invalid(
        'body',
        'send flow YAML (one or several documents separated by --- lines), e.g. with Content-Type: application/x-yaml',
      );
    }
    return send(c, validateDocuments(text, deps.validate));
  });

  /** Kestra's flow search: `namespace` (and the namespaces under it), `q` in the id, paged. */
  /** The YAML of a create/update: valid, and declaring `expected` when given. */
  const flowBody = async (c: Context, expected?: { namespace: string; flowId: string }) => {
    const writer = deps.flowWriter;
    if (writer === undefined) {
      throw new ApiError(
        'method_not_allowed',
        'flows change through git on this server: commit the flow file to the repository (in osprey dev the API writes to the flows folder)',
      );
    }
    const source = await c.req.text();
    if (source.trim() === '')
      throw invalid('body', 'send the flow YAML, e.g. with Content-Type: application/x-yaml');
    const result = deps.validate(source);
    const doc = result.source.value as { id?: unknown; namespace?: unknown } | null;
    if (result.flow === undefined) {
      throw new ApiError('invalid_request', 'body: the flow is not valid; nothing was written', {
        field: 'body',
        issues: result.issues,
      });
    }
    if (expected !== undefined && (doc?.namespace !== expected.namespace || doc?.id !== expected.flowId)) {
      throw invalid(
        'body',
        `the YAML declares ${String(doc?.namespace)}.${String(doc?.id)}, not ${expected.namespace}.${expected.flowId}; send it to PUT /api/v1/flows/${String(doc?.namespace)}/${String(doc?.id)} or change namespace and id`,
      );
    }
    return { writer, source, namespace: result.flow.namespace, flowId: result.flow.id };
  };
  const written = async (
    c: Context,
    namespace: string,
    flowId: string,
    file: { path: string; created: boolean },
  ) => {
    const latest = await deps.flows.latest(namespace, flowId);
    return send(c, {
      ...(latest === undefined ? {} : flowDocument(latest, true)),
      file: file.path,
      created: file.created,
    });
  };

  app.post('/', async (c) => {
    const { writer, source, namespace, flowId } = await flowBody(c);
    return written(c, namespace, flowId, await writer.save(namespace, flowId, source));
  });

  app.put('/:namespace/:id', async (c) => {
    const expected = params(c);
    const { writer, source } = await flowBody(c, expected);
    return written(
      c,
      expected.namespace,
      expected.flowId,
      await writer.save(expected.namespace, expected.flowId, source),
    );
  });

  app.delete('/:namespace/:id', async (c) => {
    const { namespace, flowId } = params(c);
    if (deps.flowWriter === undefined) {
      throw new ApiError(
        'method_not_allowed',
        'flows change through git on this server: delete the flow file in the repository',
      );
    }
    const path = await deps.flowWriter.delete(namespace, flowId);
    if (path === undefined) throw notFound(`no file in the flows folder declares ${namespace}.${flowId}`);
    return c.body(null, 204);
  });

  app.get('/search', async (c) => {
    const namespace = c.req.query('namespace');
    const text = check(SearchText, c.req.query('q') ?? '', 'q').toLowerCase();
    const page = check(pageNumber('page', 1, 100_000), c.req.query('page'), 'page');
    const size = check(pageNumber('size', 100, 1000), c.req.query('size'), 'size');
    const readable = await readableNamespaces(deps, c);
    const all = (
      await deps.flows.list(
        namespace === undefined ? undefined : check(NamespaceParam, namespace, 'namespace'),
      )
    ).filter(
      (r) =>
        (text === '' || `${r.namespace}.${r.flowId}`.toLowerCase().includes(text)) &&
        (readable === undefined || readable.includes(r.namespace)),
    );
    return send(c, {
      results: all.slice((page - 1) * size, page * size).map(summary),
      total: all.length,
    });
  });

  app.get('/:namespace', async (c) => {
    const namespace = check(NamespaceParam, c.req.param('namespace'), 'namespace');
    return send(c, (await deps.flows.inNamespace(namespace)).map(summary));
  });

  app.get('/:namespace/:id', async (c) => {
    const { namespace, flowId } = params(c);
    const withSource = check(BooleanQuery, c.req.query('source'), 'source');
    const raw = c.req.query('revision');
    if (raw !== undefined) {
      // One revision as it was deployed (an execution's pinned flow), removed since or not.
      const wanted = check(RevisionQuery, raw, 'revision');
      const found = (await deps.flows.history(namespace, flowId)).find((r) => r.revision === wanted);
      if (found === undefined) throw notFound(noRevision(namespace, flowId, raw));
      return send(c, flowDocument(found, withSource));
    }
    const latest = await deps.flows.latest(namespace, flowId);
    if (latest === undefined) {
      throw notFound(
        `flow ${namespace}.${flowId} is not deployed; GET /api/v1/flows/${namespace} lists the deployed flows`,
      );
    }
    if (latest.deleted) {
      throw notFound(
        `flow ${namespace}.${flowId} was removed from ${latest.repository} at ${latest.sha.slice(0, 7)} (revision ${latest.revision}); its history is at GET /api/v1/flows/${namespace}/${flowId}/revisions`,
      );
    }
    return send(c, flowDocument(latest, withSource));
  });

  /**
   * The task graph of the deployed revision (or of `?revision=N`): groups for flowables, branches and
   * errors/finally/afterExecution, edges between siblings (app/src/graph/flow-graph.ts).
   */
  app.get('/:namespace/:id/graph', async (c) => {
    const { namespace, flowId } = params(c);
    const raw = c.req.query('revision');
    const history = await deps.flows.history(namespace, flowId);
    if (history.length === 0) throw notFound(`flow ${namespace}.${flowId} was never deployed`);
    const wanted =
      raw === undefined
        ? history.at(-1)
        : history.find((r) => r.revision === check(RevisionQuery, raw, 'revision'));
    if (wanted === undefined) throw notFound(noRevision(namespace, flowId, raw ?? ''));
    const graph = flowGraph(parsedSource(wanted.source));
    return send(c, {
      revision: wanted.revision,
      ...(graph ?? { children: [], edges: [], lists: [], truncated: false }),
    });
  });

  /** The flow's registered triggers with their next fire time (schedules) and whether they fire. */
  app.get('/:namespace/:id/triggers', async (c) => {
    const { namespace, flowId } = params(c);
    if (deps.triggers === undefined) {
      throw new ApiError(
        'not_implemented',
        'this server keeps no trigger registry; triggers are unavailable',
      );
    }
    const triggers = await deps.triggers.list({ namespace, flowId });
    return send(
      c,
      triggers.map((t) => ({
        id: t.triggerId,
        type: t.type,
        kind: t.kind,
        disabled: t.disabled,
        stopped: t.runtime.stopped,
        ...(t.problem === undefined ? {} : { problem: t.problem }),
        ...(t.runtime.nextFireAt === undefined
          ? {}
          : { nextFireAt: new Date(t.runtime.nextFireAt).toISOString() }),
        revision: t.flow.revision,
        definition: t.definition,
      })),
    );
  });

  app.get('/:namespace/:id/revisions', async (c) => {
    const { namespace, flowId } = params(c);
    const history = await deps.flows.history(namespace, flowId);
    if (history.length === 0) throw notFound(`flow ${namespace}.${flowId} was never deployed`);
    return send(
      c,
      history.map((r) => ({ ...summary(r), source: r.source })),
    );
  });

  return app;
}
