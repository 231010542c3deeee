/**
 * `/api/v1/triggers`: the deployed triggers with their last and next dates, switching one off and
 * on, and Kestra's backfill of a Schedule (docs/api.md).
 *
 * - `GET /triggers/search?namespace=&flowId=`: `{ results, total }`, each with `date` (the last
 *   instant a schedule handled since it was registered or switched on), `nextExecutionDate`, `disabled` (declared in the flow), `stopped`
 *   (switched off here or by `stopAfter`) and `problem` (why Osprey refused it).
 * - `PATCH /triggers/{namespace}/{flowId}/{triggerId}` `{ "disabled": true|false }`: stops or restarts
 *   it (a restarted schedule plans from now). A trigger declared `disabled: true` in Git is
 *   switched on in Git only.
 * - `POST /triggers/{namespace}/{flowId}/{triggerId}/backfill` `{ start, end?, inputs?, labels? }`:
 *   every instant of the schedule from `start` to `end` (default now) fires again, with those
 *   inputs and labels; then the schedule goes on where it was.
 */
import { type Context, Hono } from 'hono';
import { z } from 'zod';
import { type ScheduleState, startBackfill } from '../../triggers/plan-schedule.ts';
import type { StoredTrigger, TriggerKey } from '../../triggers/types.ts';
import { readableNamespaces } from '../access-guard.ts';
import type { ApiDeps } from '../deps.ts';
import { check, FlowIdParam, NamespaceParam, TaskIdParam } from '../edge/params.ts';
import { parseJson } from '../edge/read-body.ts';
import { ApiError, conflict, notFound } from '../errors.ts';
import { respond } from '../respond.ts';

const Instant = (field: string) =>
  z
    .string({ error: `${field}: an ISO date-time such as 2026-01-01T00:00:00Z` })
    .refine((v) => !Number.isNaN(Date.parse(v)), `${field}: an ISO date-time such as 2026-01-01T00:00:00Z`)
    .transform((v) => Date.parse(v));

const BackfillBody = z.strictObject({
  start: Instant('start'),
  end: Instant('end').optional(),
  inputs: z.record(z.string(), z.unknown()).default({}),
  labels: z
    .array(z.strictObject({ key: z.string().min(1), value: z.string() }), {
      error: 'labels: a list of { "key": …, "value": … }',
    })
    .default([]),
});

const PatchBody = z.strictObject({ disabled: z.boolean({ error: 'disabled: true or false' }) });

function view(t: StoredTrigger) {
  const state = t.runtime.state as unknown as ScheduleState;
  const scheduled = t.kind === 'schedule' || t.kind === 'schedule-on-dates';
  return {
    namespace: t.namespace,
    flowId: t.flowId,
    triggerId: t.triggerId,
    type: t.type,
    kind: t.kind,
    disabled: t.disabled,
    stopped: t.runtime.stopped,
    ...(t.problem === undefined ? {} : { problem: t.problem }),
    ...(scheduled && typeof state.cursor === 'number' && state.cursor > (state.since ?? 0)
      ? { date: new Date(state.cursor).toISOString() }
      : {}),
    ...(t.runtime.nextFireAt === undefined || t.runtime.stopped || t.disabled
      ? {}
      : { nextExecutionDate: new Date(t.runtime.nextFireAt).toISOString() }),
    ...(scheduled && state.backfill !== undefined
      ? { backfill: { end: new Date(state.backfill.end).toISOString() } }
      : {}),
    source: { repository: t.flow.repository, sha: t.flow.sha, path: t.flow.path },
  };
}

export function triggerRoutes(deps: ApiDeps): Hono {
  const app = new Hono();
  const send = (c: Context, value: unknown) => respond(c, deps.masker, value);
  const store = () => {
    if (deps.triggers === undefined) {
      throw new ApiError('not_implemented', 'this server runs no trigger scheduler');
    }
    return deps.triggers;
  };
  const keyOf = (c: Context): TriggerKey => ({
    namespace: check(NamespaceParam, c.req.param('namespace'), 'namespace'),
    flowId: check(FlowIdParam, c.req.param('flowId'), 'flowId'),
    triggerId: check(TaskIdParam, c.req.param('triggerId'), 'triggerId'),
  });
  const mustGet = async (key: TriggerKey) => {
    const t = await store().get(key);
    if (t === undefined) {
      throw notFound(
        `no trigger '${key.triggerId}' on flow ${key.namespace}.${key.flowId}; GET /api/v1/triggers/search lists them`,
      );
    }
    return t;
  };
  const body = async (c: Context) =>
    parseJson(await c.req.text(), 'send a JSON object (see docs/api.md "Triggers")');

  app.get('/search', async (c) => {
    const namespace = c.req.query('namespace');
    const flowId = c.req.query('flowId');
    const readable = await readableNamespaces(deps, c);
    const all = (
      await store().list({
        ...(namespace === undefined ? {} : { namespace: check(NamespaceParam, namespace, 'namespace') }),
        ...(flowId === undefined ? {} : { flowId: check(FlowIdParam, flowId, 'flowId') }),
      })
    ).filter((t) => readable === undefined || readable.includes(t.namespace));
    return send(c, { results: all.map(view), total: all.length });
  });

  app.patch('/:namespace/:flowId/:triggerId', async (c) => {
    const key = keyOf(c);
    const { disabled } = check(PatchBody, await body(c), 'body');
    const t = await mustGet(key);
    if (!disabled && t.disabled) {
      throw conflict(
        `trigger '${key.triggerId}' is declared disabled: true in ${t.flow.path ?? 'its flow'}; switch it on there (Git is where flows change)`,
      );
    }
    await store().setStopped(key, disabled);
    return send(c, view(await mustGet(key)));
  });

  app.post('/:namespace/:flowId/:triggerId/backfill', async (c) => {
    const key = keyOf(c);
    const asked = check(BackfillBody, await body(c), 'body');
    const t = await mustGet(key);
    if (t.kind !== 'schedule' && t.kind !== 'schedule-on-dates') {
      throw conflict(`trigger '${key.triggerId}' is a ${t.type}: only a Schedule can be backfilled`);
    }
    const now = Date.now();
    const end = asked.end ?? now;
    if (end > now) throw new ApiError('invalid_request', 'end: must not be in the future', { field: 'end' });
    if (asked.start >= end) {
      throw new ApiError(
        'invalid_request',
        'start: must be before end (or before now when end is left out)',
        {
          field: 'start',
        },
      );
    }
    await store().update(key, async (current) => ({
      runtime: {
        ...current.runtime,
        state: startBackfill(
          current.runtime.state as unknown as ScheduleState,
          { start: asked.start, end, inputs: asked.inputs, labels: asked.labels },
          now,
        ) as unknown as Record<string, unknown>,
        nextFireAt: now,
      },
      replan: true,
      result: undefined,
    }));
    return send(c, view(await mustGet(key)));
  });

  return app;
}
