/**
 * `apiRoutes(deps)`: Osprey's REST API as a hono sub-app, mounted by the server at `/api/v1`
 * (`app.route('/api/v1', apiRoutes(deps))`). Paths and shapes follow Kestra's API where the two
 * share a resource, so Kestra clients and scripts work (docs/api.md). Every route but `/health`
 * needs an API token: without a valid one the answer is 401 before anything else runs.
 */
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { auditApi } from '../audit/audit-log.ts';
import { type AuthVariables, requireToken } from '../auth/require-token.ts';
import { guardNamespaces } from './access-guard.ts';
import { announcementRoutes } from './announcements/announcement-routes.ts';
import { auditRoutes } from './audit/audit-routes.ts';
import type { ApiDeps } from './deps.ts';
import { ApiError, apiErrorHandler, sendError } from './errors.ts';
import { executionRoutes } from './executions/execution-routes.ts';
import { flowRoutes } from './flows/flow-routes.ts';
import { kvRoutes } from './kv/kv-routes.ts';
import { logRoutes } from './logs/log-routes.ts';
import { namespaceRoutes } from './namespaces/namespace-routes.ts';
import { secretRoutes } from './secrets/secret-routes.ts';
import { triggerRoutes } from './triggers/trigger-routes.ts';

export type { ApiDeps, ExecutionPage, ExecutionQuery, ExecutionSearch, FlowCatalog } from './deps.ts';
export { ExecutionIndex } from './executions/execution-index.ts';

const DEFAULT_MAX_BODY = 32 * 1024 * 1024;

export function apiRoutes(deps: ApiDeps): Hono<{ Variables: AuthVariables }> {
  const app = new Hono<{ Variables: AuthVariables }>();
  app.onError(apiErrorHandler(deps.masker));

  app.get('/health', (c) => c.json({ status: 'UP' }));

  // Before the token check, so refused attempts are recorded with the rest.
  if (deps.audit !== undefined) app.use('*', auditApi(deps.audit));
  app.use('*', requireToken(deps.tokens, 'api', deps.session));
  const max = deps.maxBodyBytes ?? DEFAULT_MAX_BODY;
  app.use(
    '*',
    bodyLimit({
      maxSize: max,
      onError: (c) =>
        sendError(c, new ApiError('payload_too_large', `body: at most ${max} bytes are accepted`), undefined),
    }),
  );

  guardNamespaces(app, deps);

  app.route('/executions', executionRoutes(deps));
  app.route('/logs', logRoutes(deps));
  app.route('/namespaces', namespaceRoutes(deps));
  app.route('/namespaces', kvRoutes(deps));
  app.route('/namespaces', secretRoutes(deps));
  app.route('/flows', flowRoutes(deps));
  if (deps.audit !== undefined) app.route('/audit-logs', auditRoutes(deps.audit, deps));
  app.route('/triggers', triggerRoutes(deps));
  app.route('/announcements', announcementRoutes(deps));
  app.notFound((c) =>
    sendError(
      c,
      new ApiError('not_found', `no API route ${c.req.method} ${c.req.path}; see docs/api.md`),
      undefined,
    ),
  );
  return app;
}
