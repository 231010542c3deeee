/**
 * `osprey server` as the end-to-end tests start it: the same `createServer` from the same
 * environment, plus a few test routes under `/test` to start and read executions (the REST API is
 * mounted by its own module; these tests must not depend on it). Listens on 127.0.0.1 only.
 */
import { Hono } from 'hono';
import { loadServerConfig } from '../../../../app/src/config/server.schema.ts';
import { createServer } from '../../../../app/src/server/main.ts';
import { loadServerOptions } from '../../../../app/src/server/server-options.schema.ts';
import { countTaskJobs } from '../../../../app/src/storage/task-jobs.ts';
import { validateFlowSource } from '../../../../flows-schema/src/validate/validate-flow.ts';

const config = loadServerConfig(process.env);
const server = await createServer(config, { ...loadServerOptions(process.env), drainMs: 200 });
const { executions, db } = server.services;

const test = new Hono();
test.post('/executions', async (c) => {
  const body = (await c.req.json()) as {
    yaml: string;
    inputs?: Record<string, unknown>;
    source?: { repository: string; sha: string };
  };
  const { flow, issues } = validateFlowSource(body.yaml);
  if (flow === undefined) return c.json({ error: issues.map((i) => i.message).join('; ') }, 400);
  const doc = await executions.start({
    flow,
    ...(body.inputs === undefined ? {} : { inputs: body.inputs }),
    ...(body.source === undefined ? {} : { source: body.source }),
  });
  return c.json(doc);
});
test.get('/executions/:id', async (c) => c.json((await executions.get(c.req.param('id'))) ?? null));
test.get('/executions/:id/logs', async (c) => c.json(await executions.logs(c.req.param('id'))));
test.get('/executions/:id/jobs', async (c) => {
  const { rows } = await db.query(
    `SELECT job_id AS "jobId", task_id AS "taskId", attempt, state, runner_name AS "runnerName"
       FROM "${db.schema}".task_jobs WHERE execution_id = $1 ORDER BY created_at, attempt`,
    [c.req.param('id')],
  );
  return c.json({ counts: await countTaskJobs(db, c.req.param('id')), jobs: rows });
});
server.app.route('/test', test);

const url = await server.start();
console.log(`Osprey server listening on ${url}`);
const stop = async () => {
  await server.stop();
  process.exit(0);
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
