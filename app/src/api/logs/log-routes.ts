/** `/api/v1/logs/{executionId}` (a JSON list of `LogEntry`, Kestra's filters) and its follow stream. */
import { type Context, Hono } from 'hono';
import type { ApiDeps } from '../deps.ts';
import { check, ExecutionIdParam, LogLevelQuery, TaskIdParam, TaskRunIdParam } from '../edge/params.ts';
import { mustGet } from '../executions/control-execution.ts';
import { respond } from '../respond.ts';
import { followLogs } from './follow-logs.ts';
import { type LogFilter, logMatches } from './log-filter.ts';

function filterOf(c: Context): LogFilter {
  const taskId = c.req.query('taskId');
  const taskRunId = c.req.query('taskRunId');
  return {
    minLevel: check(LogLevelQuery, c.req.query('minLevel'), 'minLevel'),
    ...(taskId === undefined ? {} : { taskId: check(TaskIdParam, taskId, 'taskId') }),
    ...(taskRunId === undefined ? {} : { taskRunId: check(TaskRunIdParam, taskRunId, 'taskRunId') }),
  };
}

export function logRoutes(deps: ApiDeps): Hono {
  const app = new Hono();

  app.get('/:executionId', async (c) => {
    const id = check(ExecutionIdParam, c.req.param('executionId'), 'executionId');
    const filter = filterOf(c);
    await mustGet(deps.executions, id);
    const logs = (await deps.executions.logs(id)).filter((l) => logMatches(filter, l));
    return respond(c, deps.masker, logs);
  });

  app.get('/:executionId/follow', async (c) => {
    const id = check(ExecutionIdParam, c.req.param('executionId'), 'executionId');
    const filter = filterOf(c);
    await mustGet(deps.executions, id);
    return followLogs(c, deps.executions, id, filter, deps.masker);
  });

  return app;
}
