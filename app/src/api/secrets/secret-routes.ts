/**
 * `/api/v1/namespaces/{namespace}/secrets`: names, never values. A write goes to the backend that
 * serves the namespace; a read-only backend (environment, mounted files) refuses it with 409 and
 * says where to change the secret. A written value is registered with the masker at once, and no
 * answer or error ever quotes it.
 */
import { type Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import { assertSecretName, type SecretInfo } from '../../secrets/secret-backend.ts';
import type { ApiDeps } from '../deps.ts';
import { check, NamespaceParam } from '../edge/params.ts';
import { mediaType } from '../edge/read-body.ts';
import { ApiError, invalid, notFound, sendError } from '../errors.ts';
import { respond } from '../respond.ts';

const MAX_SECRET_BYTES = 1024 * 1024;

const SecretNameParam = z.string().superRefine((v, ctx) => {
  try {
    assertSecretName(v);
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: (e as Error).message });
  }
});

const JsonSecret = z.strictObject({
  value: z.string({ error: 'value: the secret, as a string' }),
  description: z.string().max(1000, 'description: at most 1000 characters').optional(),
});

function info(s: SecretInfo) {
  return {
    key: s.name,
    backend: s.backend,
    readOnly: s.readOnly,
    ...(s.description === undefined ? {} : { description: s.description }),
    ...(s.updatedAt === undefined ? {} : { updateDate: new Date(s.updatedAt).toISOString() }),
  };
}

/** The value and description of a PUT; refusals describe the body, never quote it. */
async function readSecret(c: Context): Promise<{ value: string; description?: string }> {
  const text = await c.req.text();
  if (mediaType(c) !== 'application/json') return { value: text };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw invalid(
      'body',
      'is not valid JSON; send {"value": "...", "description": "..."} or the bare value as text/plain',
    );
  }
  const r = JsonSecret.safeParse(parsed);
  if (!r.success) {
    throw invalid(
      'body',
      `${r.error.issues[0]?.message ?? 'invalid'}; send {"value": "...", "description": "..."}`,
    );
  }
  return {
    value: r.data.value,
    ...(r.data.description === undefined ? {} : { description: r.data.description }),
  };
}

export function secretRoutes(deps: ApiDeps): Hono {
  const app = new Hono();
  const send = (c: Context, value: unknown) => respond(c, deps.masker, value);
  const params = (c: Context) => ({
    namespace: check(NamespaceParam, c.req.param('namespace'), 'namespace'),
    name: check(SecretNameParam, c.req.param('name'), 'name'),
  });

  app.get('/:namespace/secrets', async (c) => {
    const namespace = check(NamespaceParam, c.req.param('namespace'), 'namespace');
    const backend = deps.secrets.backendFor(namespace);
    const results = (await deps.secrets.list(namespace)).map(info);
    return send(c, {
      namespace,
      backend: backend.kind,
      readOnly: backend.readOnly,
      results,
      total: results.length,
    });
  });

  app.put(
    '/:namespace/secrets/:name',
    bodyLimit({
      maxSize: MAX_SECRET_BYTES,
      onError: (c) =>
        sendError(
          c,
          new ApiError('payload_too_large', `body: a secret is at most ${MAX_SECRET_BYTES} bytes`),
          undefined,
        ),
    }),
    async (c) => {
      const { namespace, name } = params(c);
      const { value, description } = await readSecret(c);
      if (value === '')
        throw invalid('body', `the value of secret ${name} is empty; send the secret as the body`);
      await deps.secrets.set(namespace, name, value, description === undefined ? {} : { description });
      // From now on the value is masked in every answer, whatever carries it.
      deps.masker?.register(value);
      const backend = deps.secrets.backendFor(namespace);
      return send(c, { namespace, key: name, backend: backend.kind, readOnly: backend.readOnly });
    },
  );

  app.delete('/:namespace/secrets/:name', async (c) => {
    const { namespace, name } = params(c);
    if (!(await deps.secrets.delete(namespace, name))) {
      throw notFound(
        `no secret ${name} in namespace ${namespace}; GET /api/v1/namespaces/${namespace}/secrets lists them`,
      );
    }
    return send(c, true);
  });

  return app;
}
