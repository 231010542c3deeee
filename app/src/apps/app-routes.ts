/**
 * `/apps`: the pages of deployed apps (docs/apps.md), plain HTML that works without JavaScript.
 *
 * - `GET /apps/{namespace}/{id}` shows the OPEN stage (the form); `POST` starts an execution of
 *   the app's flow with the form's values and the label `system.app: <id>`, as Kestra does, then
 *   sends the visitor to the execution's page.
 * - `GET /apps/{namespace}/{id}/executions/{executionId}` shows the stage of the execution's
 *   state (CREATED, RUNNING, PAUSE, RESUME, SUCCESS, FAILURE, else FALLBACK).
 * - `POST .../approve` records an approval (the ResumeExecutionForm's values with it); once
 *   `approvals.required` distinct people approved, the execution resumes with the last approver's
 *   values. `POST .../reject` cancels (kills) it. Deciding needs a signed-in person, and never the
 *   one who submitted the request.
 * - `GET|POST /apps/sign-in`: sign in with an API token (the console's session cookie).
 *
 * PUBLIC apps are open to anyone; PRIVATE ones (the default) send a visitor who is not signed in to
 * the sign-in page. Posts are checked against cross-site forgery by hono's csrf middleware (the
 * request's Origin / Sec-Fetch-Site must be this server) and the cookie is SameSite=Strict.
 */
import { type Context, Hono } from 'hono';
import { csrf } from 'hono/csrf';
import {
  type App,
  type AppBlock,
  type AppStage,
  accessOf,
  DEFAULT_LAYOUT,
} from '../../../flows-schema/src/apps/app.ts';
import type { Input } from '../../../flows-schema/src/schema/inputs.ts';
import type { validateFlowSource } from '../../../flows-schema/src/validate/validate-flow.ts';
import { logger } from '../../../protocol/src/logger.ts';
import type { FlowCatalog } from '../api/deps.ts';
import { ApiError } from '../api/errors.ts';
import { inputProblems } from '../api/executions/check-inputs.ts';
import { deployedFlow } from '../api/executions/deployed-flow.ts';
import { type AuditLog, actorOf, originOf } from '../audit/audit-log.ts';
import type { Principal, TokenService } from '../auth/token-service.ts';
import type { ConsoleSession } from '../console/console-session.ts';
import { indexFlow } from '../engine/flow-index.ts';
import { isTerminal } from '../engine/states.ts';
import { type ExecutionDocument, type ExecutionService, InputsRefused } from '../execution/contract.ts';
import type { AppApprovals } from './app-approvals.ts';
import { type PageModel, renderAppPage, renderMessage, renderSignIn } from './app-page.ts';
import type { AppStore, DeployedApp } from './app-store.ts';

const log = logger('apps');

export interface AppRoutesDeps {
  apps: AppStore;
  approvals: AppApprovals;
  executions: ExecutionService;
  flows: FlowCatalog;
  validate: typeof validateFlowSource;
  tokens: Pick<TokenService, 'verifyApiToken'>;
  session: ConsoleSession;
  audit?: AuditLog;
}

const NAMESPACE = /^[a-z0-9][a-z0-9._-]*$/;
const ID = /^[a-zA-Z0-9][a-zA-Z0-9_-]*$/;

function nameOf(p: Principal): string {
  return p.kind === 'admin' ? 'admin' : p.name;
}

export function appRoutes(deps: AppRoutesDeps): Hono {
  const app = new Hono();
  app.use('*', csrf());

  const principalOf = async (c: Context): Promise<Principal | undefined> => {
    const token = await deps.session.heldToken(c);
    return token === undefined ? undefined : deps.tokens.verifyApiToken(token);
  };
  const signInPath = (c: Context) => `/apps/sign-in?next=${encodeURIComponent(c.req.path)}`;
  const message = (c: Context, status: 400 | 403 | 404 | 409, title: string, text: string) =>
    c.html(renderMessage(title, text), status);

  /** The app and the visitor, or the answer to give (unknown app, sign-in needed). */
  const open = async (
    c: Context,
  ): Promise<{ deployed: DeployedApp; user: Principal | undefined; base: string } | Response> => {
    const namespace = c.req.param('namespace') ?? '';
    const id = c.req.param('id') ?? '';
    const deployed =
      NAMESPACE.test(namespace) && ID.test(id) ? await deps.apps.get(namespace, id) : undefined;
    if (deployed === undefined || deployed.app.disabled === true) {
      return message(
        c,
        404,
        'No such app',
        `There is no app ${namespace}/${id} on this server; check the link.`,
      );
    }
    const user = await principalOf(c);
    if (accessOf(deployed.app) === 'PRIVATE' && user === undefined) return c.redirect(signInPath(c), 303);
    return { deployed, user, base: `/apps/${namespace}/${id}` };
  };

  app.get('/sign-in', (c) => c.html(renderSignIn(safeNext(c.req.query('next')))));
  app.post('/sign-in', async (c) => {
    const body = await c.req.parseBody();
    const next = safeNext(typeof body['next'] === 'string' ? body['next'] : undefined);
    const token = typeof body['token'] === 'string' ? body['token'].trim() : '';
    const principal = token === '' ? undefined : await deps.tokens.verifyApiToken(token);
    const where = { resourceType: 'SESSION', method: 'POST', path: c.req.path, ...originOf(c) };
    if (principal === undefined) {
      await deps.audit?.record({ ...actorOf(undefined), action: 'REFUSED', status: 401, ...where });
      return c.html(
        renderSignIn(next, 'That token is not valid (unknown, revoked or expired); ask for a new one.'),
        401,
      );
    }
    await deps.session.signIn(c, token);
    await deps.audit?.record({ ...actorOf(principal), action: 'LOGIN', status: 303, ...where });
    return c.redirect(next, 303);
  });

  app.get('/:namespace/:id', async (c) => {
    const opened = await open(c);
    if (opened instanceof Response) return opened;
    const { flow } = await deployedFlow(deps, opened.deployed.app.namespace, opened.deployed.app.flowId);
    return c.html(renderAppPage({ ...page(opened, 'OPEN'), form: flow.inputs ?? [] }));
  });

  app.post('/:namespace/:id', async (c) => {
    const opened = await open(c);
    if (opened instanceof Response) return opened;
    const { app: spec } = opened.deployed;
    const { flow, revision } = await deployedFlow(deps, spec.namespace, spec.flowId);
    const form = flow.inputs ?? [];
    const values = formValues(await c.req.parseBody({ all: true }), form);
    const refuse = (problems: ReadonlyArray<{ input: string; message: string }>) =>
      c.html(
        renderAppPage({
          ...page(opened, 'OPEN'),
          form,
          values,
          problems: new Map(problems.map((p) => [p.input, p.message])),
          notice: { kind: 'error', text: 'Some values need fixing; see the fields below.' },
        }),
        400,
      );
    const early = inputProblems(flow, values);
    if (early.length > 0) return refuse(early);
    let started: ExecutionDocument;
    try {
      started = await deps.executions.start({
        flow,
        inputs: values,
        labels: [{ key: 'system.app', value: spec.id }],
        source: { repository: revision.repository, sha: revision.sha, path: revision.path },
      });
    } catch (e) {
      if (e instanceof InputsRefused) return refuse(e.problems);
      throw e;
    }
    await deps.approvals.started({
      executionId: started.id,
      namespace: spec.namespace,
      appId: spec.id,
      createdBy: opened.user?.id ?? null,
    });
    await deps.audit?.record({
      ...actorOf(opened.user),
      action: 'CREATE',
      resourceType: 'EXECUTION',
      resourceId: started.id,
      namespace: spec.namespace,
      method: 'POST',
      path: c.req.path,
      status: 303,
      details: { app: spec.id, flowId: spec.flowId },
      ...originOf(c),
    });
    return c.redirect(`${opened.base}/executions/${started.id}`, 303);
  });

  /** The execution of this app the path names, or the answer to give. */
  const executionOf = async (c: Context, opened: { deployed: DeployedApp }) => {
    const id = c.req.param('executionId') ?? '';
    const row = /^[A-Za-z0-9_-]{1,100}$/.test(id) ? await deps.approvals.execution(id) : undefined;
    const doc = row === undefined ? undefined : await deps.executions.get(id);
    if (
      row === undefined ||
      doc === undefined ||
      row.appId !== opened.deployed.app.id ||
      row.namespace !== opened.deployed.app.namespace
    ) {
      return message(c, 404, 'No such request', `This app has no request ${id}; check the link.`);
    }
    return { row, doc };
  };

  app.get('/:namespace/:id/executions/:executionId', async (c) => {
    const opened = await open(c);
    if (opened instanceof Response) return opened;
    const found = await executionOf(c, opened);
    if (found instanceof Response) return found;
    let doc = found.doc;
    const decisions = await deps.approvals.decisions(doc.id);
    const approvals = decisions.filter((d) => d.decision === 'APPROVE');
    // Enough approvals but still paused: the resume after the last approval was lost; do it now.
    const last = approvals.at(-1);
    if (
      doc.state.current === 'PAUSED' &&
      last !== undefined &&
      approvals.length >= requiredOf(opened.deployed.app)
    ) {
      doc = await resumeQuietly(deps.executions, doc, last.inputs ?? {});
    }
    const done = c.req.query('done');
    const text = done !== undefined && done in NOTICES ? NOTICES[done as keyof typeof NOTICES] : undefined;
    const missing = Math.max(0, requiredOf(opened.deployed.app) - approvals.length);
    return c.html(
      await executionPage(c, opened, doc, decisions, {
        ...(text === undefined
          ? {}
          : { notice: { kind: 'info', text: text.replace('{n}', String(missing)) } }),
      }),
    );
  });

  const executionPage = async (
    _c: Context,
    opened: { deployed: DeployedApp; user: Principal | undefined; base: string },
    doc: ExecutionDocument,
    decisions: ReadonlyArray<{ actorId: string; actorName: string; decision: string }>,
    extra: Partial<PageModel> = {},
  ) => {
    const spec = opened.deployed.app;
    const approvals = decisions.filter((d) => d.decision === 'APPROVE');
    const stage = stageOf(doc, approvals.length > 0);
    const form = stage === 'PAUSE' ? await onResumeInputs(deps, spec, doc) : [];
    return renderAppPage({
      ...page(opened, stage, doc),
      form,
      logs: await deps.executions.logs(doc.id),
      approvals: {
        required: requiredOf(spec),
        by: approvals.map((a) => a.actorName),
        mine: opened.user !== undefined && approvals.some((a) => a.actorId === opened.user?.id),
      },
      refresh: !isTerminal(doc.state.current) && doc.state.current !== 'PAUSED',
      ...extra,
    });
  };

  const decide = (decision: 'APPROVE' | 'REJECT') => async (c: Context) => {
    const opened = await open(c);
    if (opened instanceof Response) return opened;
    const found = await executionOf(c, opened);
    if (found instanceof Response) return found;
    const { row, doc } = found;
    const user = opened.user;
    if (user === undefined) {
      return c.redirect(
        `/apps/sign-in?next=${encodeURIComponent(`${opened.base}/executions/${doc.id}`)}`,
        303,
      );
    }
    const refusal = async (text: string, status: 403 | 409 | 400 = 403, extra: Partial<PageModel> = {}) =>
      c.html(
        await executionPage(c, opened, doc, await deps.approvals.decisions(doc.id), {
          notice: { kind: 'error', text },
          ...extra,
        }),
        status,
      );
    if (row.createdBy !== null && row.createdBy === user.id) {
      await recordDecision(c, user, decision, doc, opened, 403);
      return refusal('You submitted this request, so someone else has to approve or reject it.');
    }
    const paused = doc.state.current === 'PAUSED';
    if (decision === 'APPROVE' && !paused) {
      return refusal(`This request is ${doc.state.current}; only a paused request can be approved.`, 409);
    }
    if (decision === 'REJECT' && isTerminal(doc.state.current)) {
      return refusal(`This request is already ${doc.state.current}.`, 409);
    }
    let inputs: Record<string, unknown> = {};
    if (decision === 'APPROVE') {
      const form = await onResumeInputs(deps, opened.deployed.app, doc);
      inputs = formValues(await c.req.parseBody({ all: true }), form);
    }
    const outcome = await deps.approvals.decide(
      doc.id,
      { id: user.id, name: nameOf(user) },
      decision,
      decision === 'APPROVE' ? inputs : null,
    );
    if (outcome.status === 'unknown')
      return message(c, 404, 'No such request', `This app has no request ${doc.id}.`);
    if (outcome.status === 'already-decided')
      return refusal('You have already decided on this request.', 409);
    let notice: keyof typeof NOTICES;
    if (decision === 'REJECT') {
      await deps.executions.kill(doc.id);
      notice = 'rejected';
    } else if (outcome.approvals.length >= requiredOf(opened.deployed.app)) {
      try {
        await deps.executions.resume(doc.id, inputs);
      } catch (e) {
        if (e instanceof InputsRefused) {
          // The last approval must carry valid values: take it back so it can be given again.
          await deps.approvals.withdraw(doc.id, user.id);
          return refusal('Some values need fixing; see the fields below.', 400, {
            values: inputs,
            problems: new Map(e.problems.map((p) => [p.input, p.message])),
          });
        }
        throw e;
      }
      notice = 'approved';
    } else {
      notice = 'recorded';
    }
    await recordDecision(c, user, decision, doc, opened, 303);
    // Post/redirect/get: reloading the page (or its refresh) never posts the decision again.
    return c.redirect(`${opened.base}/executions/${doc.id}?done=${notice}`, 303);
  };

  const recordDecision = (
    c: Context,
    user: Principal,
    decision: 'APPROVE' | 'REJECT',
    doc: ExecutionDocument,
    opened: { deployed: DeployedApp },
    status: number,
  ) =>
    deps.audit?.record({
      ...actorOf(user),
      action: status === 403 ? 'REFUSED' : decision,
      resourceType: 'EXECUTION',
      resourceId: doc.id,
      namespace: doc.namespace,
      method: 'POST',
      path: c.req.path,
      status,
      details: {
        app: opened.deployed.app.id,
        ...(status === 403 ? { attempted: decision, reason: 'self-approval' } : {}),
      },
      ...originOf(c),
    });

  app.post('/:namespace/:id/executions/:executionId/approve', decide('APPROVE'));
  app.post('/:namespace/:id/executions/:executionId/reject', decide('REJECT'));

  app.onError((e, c) => {
    if (e instanceof ApiError)
      return message(c, e.status === 404 ? 404 : 409, 'This app cannot run now', e.message);
    log.error({ err: e }, `${c.req.method} ${c.req.path} failed`);
    return c.html(
      renderMessage('Something went wrong', 'The server failed to answer; try again in a moment.'),
      500,
    );
  });
  return app;
}

function page(
  opened: { deployed: DeployedApp; user: Principal | undefined; base: string },
  stage: AppStage,
  execution?: ExecutionDocument,
): Omit<PageModel, 'form'> {
  const layout = opened.deployed.app.layout ?? DEFAULT_LAYOUT;
  return {
    app: opened.deployed.app,
    base: opened.base,
    stage,
    blocks: blocksOf(layout, stage),
    user: opened.user === undefined ? undefined : nameOf(opened.user),
    ...(execution === undefined ? {} : { execution }),
  };
}

function blocksOf(layout: NonNullable<App['layout']>, stage: AppStage): AppBlock[] {
  const find = (s: AppStage) => layout.find((l) => l.on === s)?.blocks as AppBlock[] | undefined;
  return (
    find(stage) ??
    (stage === 'RESUME' ? find('RUNNING') : undefined) ??
    find('FALLBACK') ?? [
      { type: 'io.kestra.plugin.ee.apps.core.blocks.Markdown', content: FALLBACK_TEXT[stage] ?? '' },
    ]
  );
}

/** What the page says after a decision (`?done=`): fixed texts, so a link cannot make it say anything else. */
const NOTICES = {
  recorded: 'Your approval is recorded; {n} more needed.',
  approved: 'Approved: the request goes on.',
  rejected: 'You rejected this request.',
} as const;

const FALLBACK_TEXT: Partial<Record<AppStage, string>> = {
  CREATED: 'Your request was submitted.',
  RUNNING: 'Your request is being processed.',
  RESUME: 'Your request goes on.',
  PAUSE: 'Your request waits for approval.',
  SUCCESS: 'Your request is done.',
  FAILURE: 'Your request could not be completed.',
};

/** The stage that shows an execution in this state. */
export function stageOf(doc: ExecutionDocument, approved: boolean): AppStage {
  const s = doc.state.current;
  if (s === 'CREATED') return 'CREATED';
  if (s === 'PAUSED') return 'PAUSE';
  if (s === 'SUCCESS' || s === 'WARNING') return 'SUCCESS';
  if (isTerminal(s)) return 'FAILURE';
  return approved ? 'RESUME' : 'RUNNING';
}

function requiredOf(app: App): number {
  return app.approvals?.required ?? 1;
}

/** The `onResume` inputs of the execution's paused tasks. */
async function onResumeInputs(
  deps: Pick<AppRoutesDeps, 'flows' | 'validate'>,
  app: App,
  doc: ExecutionDocument,
): Promise<Input[]> {
  const { flow } = await deployedFlow(deps, app.namespace, app.flowId);
  const index = indexFlow(flow);
  return doc.taskRunList
    .filter((r) => r.state.current === 'PAUSED')
    .flatMap((r) => (index.get(r.taskId)?.task['onResume'] as Input[] | undefined) ?? []);
}

async function resumeQuietly(
  executions: ExecutionService,
  doc: ExecutionDocument,
  inputs: Record<string, unknown>,
): Promise<ExecutionDocument> {
  try {
    return await executions.resume(doc.id, inputs);
  } catch {
    return (await executions.get(doc.id)) ?? doc; // moved on meanwhile: show what it is now
  }
}

/** A form's fields as raw input values; empty fields are left out so defaults apply. */
function formValues(body: Record<string, unknown>, inputs: readonly Input[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const input of inputs) {
    const v = body[input.id];
    if (input.type === 'MULTISELECT') {
      const list = (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter(
        (x): x is string => typeof x === 'string',
      );
      if (list.length > 0) out[input.id] = list;
      continue;
    }
    const one = Array.isArray(v) ? v[0] : v;
    if (typeof one === 'string' && one !== '') out[input.id] = one;
  }
  return out;
}

/** Only paths of this server's apps: a sign-in never sends anyone elsewhere. */
function safeNext(next: string | undefined): string {
  return next !== undefined && /^\/apps\/[A-Za-z0-9._/-]*$/.test(next) ? next : '/apps/';
}
