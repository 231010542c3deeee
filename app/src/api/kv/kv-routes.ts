/**
 * `/api/v1/namespaces/{namespace}/kv`: list, read, write and delete typed KV entries, with Kestra's
 * shapes. A read looks at exactly the namespace named, as Kestra's API does: inheritance applies to
 * `kv()` in flows, not here. `ttl` (header or query) is an ISO-8601 duration.
 */
import { type Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import type { KvEntry } from '../../kv/kv-service.ts';
import { assertKvKey, durationToMs, KV_TYPES } from '../../kv/kv-values.ts';
import type { ApiDeps } from '../deps.ts';
import { check, NamespaceParam } from '../edge/params.ts';
import { mediaType } from '../edge/read-body.ts';
import { ApiError, invalid, notFound, sendError } from '../errors.ts';
import { respond } from '../respond.ts';
import { kvValue } from './kv-body.ts';

const MAX_VALUE_BYTES = 1024 * 1024;

const KvKeyParam = z.string().superRefine((v, ctx) => {
  try {
    assertKvKey(v);
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: (e as Error).message });
  }
});

const KvTypeQuery = z
  .string()
  .transform((v) => v.toUpperCase())
  .pipe(z.enum(KV_TYPES, { error: `a KV type is one of ${KV_TYPES.join(', ')}` }))
  .optional();

const TtlQuery = z
  .string()
  .transform((v, ctx) => {
    const ms = durationToMs(v);
    if (ms === undefined || ms <= 0) {
      ctx.addIssue({
        code: 'custom',
        message: `'${v.slice(0, 40)}' is not a positive ISO-8601 duration such as PT1H or P7D`,
      });
      return z.NEVER;
    }
    return ms;
  })
  .optional();

const DescriptionQuery = z.string().max(1000, 'a description is at most 1000 characters').optional();

/** Kestra's KV metadata names. */
function metadata(e: KvEntry) {
  return {
    key: e.key,
    type: e.type,
    ...(e.description === undefined ? {} : { description: e.description }),
    creationDate: e.createdAt.toISOString(),
    updateDate: e.updatedAt.toISOString(),
    ...(e.expiresAt === undefined ? {} : { expirationDate: e.expiresAt.toISOString() }),
  };
}

export function kvRoutes(deps: ApiDeps): Hono {
  const app = new Hono();
  const send = (c: Context, value: unknown) => respond(c, deps.masker, value);
  const params = (c: Context) => ({
    namespace: check(NamespaceParam, c.req.param('namespace'), 'namespace'),
    key: check(KvKeyParam, c.req.param('key'), 'key'),
  });
  const missing = (namespace: string, key: string) =>
    notFound(
      `no KV entry '${key}' in namespace ${namespace} (this API does not look in parent namespaces); GET /api/v1/namespaces/${namespace}/kv lists the keys`,
    );

  app.get('/:namespace/kv', async (c) => {
    const namespace = check(NamespaceParam, c.req.param('namespace'), 'namespace');
    return send(c, (await deps.kv.list(namespace)).map(metadata));
  });

  app.get('/:namespace/kv/:key', async (c) => {
    const { namespace, key } = params(c);
    const entry = await deps.kv.entry(namespace, key);
    if (entry === undefined) throw missing(namespace, key);
    return send(c, { type: entry.type, value: entry.value });
  });

  app.put(
    '/:namespace/kv/:key',
    bodyLimit({
      maxSize: MAX_VALUE_BYTES,
      onError: (c) =>
        sendError(
          c,
          new ApiError('payload_too_large', `body: a KV value is at most ${MAX_VALUE_BYTES} bytes`),
          undefined,
        ),
    }),
    async (c) => {
      const { namespace, key } = params(c);
      const type = check(KvTypeQuery, c.req.query('type'), 'type');
      const header = c.req.header('ttl');
      const query = c.req.query('ttl');
      if (header !== undefined && query !== undefined && header !== query) {
        throw invalid('ttl', 'given twice with different values (header and query); give it once');
      }
      const ttlMs = check(TtlQuery, header ?? query, 'ttl');
      const description = check(DescriptionQuery, c.req.query('description'), 'description');
      const value = kvValue(await c.req.text(), mediaType(c), type);
      await deps.kv.set(namespace, key, value, {
        ...(type === undefined ? {} : { type }),
        ...(ttlMs === undefined ? {} : { ttlMs }),
        ...(description === undefined ? {} : { description }),
      });
      const entry = await deps.kv.entry(namespace, key);
      if (entry === undefined) throw missing(namespace, key);
      return send(c, { ...metadata(entry), value: entry.value });
    },
  );

  app.delete('/:namespace/kv/:key', async (c) => {
    const { namespace, key } = params(c);
    if (!(await deps.kv.delete(namespace, key))) throw missing(namespace, key);
    return send(c, true);
  });

  return app;
}
