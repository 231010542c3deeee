/**
 * `/api/v1/executions`: start a flow, read, search and control executions, with Kestra's paths and
 * shapes (`ExecutionDocument`). Specific routes are registered before `POST /{namespace}/{flowId}`,
 * which would otherwise also match `POST /{id}/pause`.
 */
import { type Context, Hono, type Next } from 'hono';
import type { z } from 'zod';
import { Namespace } from '../../../../flows-schema/src/schema/primitives.ts';
import { InputsRefused } from '../../execution/contract.ts';
import { readableNamespaces } from '../access-guard.ts';
import type { ApiDeps, ExecutionQuery } from '../deps.ts';
import {
  BooleanQuery,
  BranchQuery,
  check,
  DateTimeQuery,
  ExecutionIdParam,
  FlowIdParam,
  LabelsQuery,
  NamespaceParam,
  PageAfterQuery,
  pageNumber,
  SearchText,
  ShaQuery,
  StateQuery,
  TaskRunIdParam,
} from '../edge/params.ts';
import { readInputs } from '../edge/read-body.ts';
import { ApiError, notFound } from '../errors.ts';
import { respond } from '../respond.ts';
import { inputProblems } from './check-inputs.ts';
import { type Control, control, mustGet } from './control-execution.ts';
import { deployedFlow } from './deployed-flow.ts';
import { executionFileRoutes } from './execution-files.ts';
import { followExecution } from './follow-execution.ts';

export function executionRoutes(deps: ApiDeps): Hono {
  const app = new Hono();
  const send = (c: Context, value: unknown, status: 200 | 202 = 200) =>
    respond(c, deps.masker, value, status);
  const idOf = (c: Context) => check(ExecutionIdParam, c.req.param('id'), 'executionId');

  app.get('/search', async (c) => {
    if (deps.search === undefined) {
      throw new ApiError(
        'not_implemented',
        'this server does not keep an execution index; search is unavailable',
      );
    }
    const readable = await readableNamespaces(deps, c);
    /** An optional query parameter, checked when present. */
    const opt = <S extends z.ZodType>(name: string, schema: S): z.output<S> | undefined => {
      const raw = c.req.query(name);
      return raw === undefined || raw === '' ? undefined : check(schema, raw, name);
    };
    const pullRequest = opt('pullRequest', pageNumber('pullRequest', 1, 1_000_000_000));
    const query: ExecutionQuery = {
      states: check(StateQuery, c.req.queries('state') ?? [], 'state'),
      labels: check(LabelsQuery, c.req.queries('labels') ?? [], 'labels'),
      page: check(pageNumber('page', 1, 100_000), c.req.query('page'), 'page'),
      size: check(pageNumber('size', 10, 1000), c.req.query('size'), 'size'),
    };
    const fields = {
      namespace: opt('namespace', NamespaceParam),
      flowId: opt('flowId', FlowIdParam),
      text: opt('q', SearchText),
      from: opt('startDate', DateTimeQuery),
      to: opt('endDate', DateTimeQuery),
      sha: opt('sha', ShaQuery),
      branch: opt('branch', BranchQuery),
      pullRequest,
      after: opt('after', PageAfterQuery),
    };
    for (const [k, v] of Object.entries(fields)) if (v !== undefined) Object.assign(query, { [k]: v });
    if (readable !== undefined) query.namespaces = readable;
    return send(c, await deps.search.search(query));
  });

  executionFileRoutes(app, deps);
  app.get('/:id', async (c) => send(c, await mustGet(deps.executions, idOf(c))));

  /** The GitHub check run that reports the execution (started from a push, a pull request, a comment). */
  app.get('/:id/check-run', async (c) => {
    const id = idOf(c);
    await mustGet(deps.executions, id);
    const link = await deps.checkRuns?.get(id);
    if (link === undefined)
      throw notFound(`execution ${id} has no GitHub check run (it was not started from GitHub)`);
    return send(c, {
      repository: link.repository,
      checkRunId: link.checkRunId,
      url: `https://github.com/${link.repository}/runs/${link.checkRunId}`,
    });
  });

  app.get('/:id/follow', async (c) => {
    const id = idOf(c);
    await mustGet(deps.executions, id);
    return followExecution(c, deps.executions, id, deps.masker);
  });

  app.delete('/:id/kill', async (c) => {
    const id = idOf(c);
    return send(c, await control(deps.executions, id, 'kill', () => deps.executions.kill(id)), 202);
  });

  /** `POST /{id}/<verb>`, unless `{id}` is a namespace with a deployed flow named `<verb>` to start. */
  const controlRoute = (verb: Control, run: (c: Context, id: string) => Promise<unknown>) =>
    app.post(`/:id/${verb}`, async (c: Context, next: Next) => {
      const raw = c.req.param('id') ?? '';
      if (
        (await deps.executions.get(raw)) === undefined &&
        Namespace.safeParse(raw).success &&
        (await deps.flows.latest(raw, verb)) !== undefined
      ) {
        return next();
      }
      return send(c, await run(c, idOf(c)));
    });

  controlRoute('pause', (_c, id) => control(deps.executions, id, 'pause', () => deps.executions.pause(id)));
  controlRoute('resume', async (c, id) => {
    const inputs = await readInputs(c);
    return control(deps.executions, id, 'resume', () => deps.executions.resume(id, inputs));
  });
  controlRoute('restart', (_c, id) =>
    control(deps.executions, id, 'restart', () => deps.executions.restart(id)),
  );
  controlRoute('replay', (c, id) => {
    const raw = c.req.query('taskRunId');
    const taskRunId = raw === undefined ? undefined : check(TaskRunIdParam, raw, 'taskRunId');
    return control(deps.executions, id, 'replay', (doc) => {
      if (taskRunId !== undefined && !doc.taskRunList.some((r) => r.id === taskRunId)) {
        throw notFound(
          `task run ${taskRunId} is not part of execution ${id}; see its taskRunList for the ids`,
        );
      }
      return deps.executions.replay(id, taskRunId);
    });
  });

  app.post('/:namespace/:flowId', async (c) => {
    const namespace = check(NamespaceParam, c.req.param('namespace'), 'namespace');
    const flowId = check(FlowIdParam, c.req.param('flowId'), 'flowId');
    const wait = check(BooleanQuery, c.req.query('wait'), 'wait');
    const labels = check(LabelsQuery, c.req.queries('labels') ?? [], 'labels');
    const { flow, revision } = await deployedFlow(deps, namespace, flowId);
    const inputs = await readInputs(c);
    const problems = inputProblems(flow, inputs);
    if (problems.length > 0) throw new InputsRefused(problems);
    const started = await deps.executions.start({
      flow,
      inputs,
      ...(labels.length > 0 ? { labels } : {}),
      source: { repository: revision.repository, sha: revision.sha, path: revision.path },
    });
    if (!wait) return send(c, started);
    return send(c, await deps.executions.waitForTerminal(started.id, c.req.raw.signal));
  });

  return app;
}
