/**
 * An execution's files in internal storage (task outputs, FILE inputs): `GET /{id}/file?path=kestra:///…`
 * downloads one (Kestra's route), `GET /{id}/file/preview?path=…` gives its first bytes as text for
 * the console. Only URIs under the execution's own folder
 * (`kestra:///<namespace as path>/<flow>/executions/<id>/…`) are served.
 */
import { Readable } from 'node:stream';
import type { Context, Hono } from 'hono';
import { z } from 'zod';
import type { ApiDeps } from '../deps.ts';
import { check, ExecutionIdParam, pageNumber } from '../edge/params.ts';
import { ApiError, invalid, notFound } from '../errors.ts';
import { respond } from '../respond.ts';
import { underPath } from './check-inputs.ts';
import { mustGet } from './control-execution.ts';

const PREVIEW_BYTES = 64 * 1024;
const PathQuery = z
  .string()
  .startsWith('kestra://', 'path is a kestra:/// URI from the execution’s outputs or inputs');

export function executionFileRoutes(app: Hono, deps: ApiDeps): void {
  const target = async (c: Context) => {
    const id = check(ExecutionIdParam, c.req.param('id'), 'executionId');
    const uri = check(PathQuery, c.req.query('path'), 'path');
    const storage = deps.storage;
    if (storage === undefined) {
      throw new ApiError(
        'not_implemented',
        'this server gives no access to internal storage; files are unavailable',
      );
    }
    const doc = await mustGet(deps.executions, id);
    if (!underPath(uri, [...doc.namespace.split('.'), doc.flowId, 'executions', id])) {
      throw invalid('path', `${uri} is not a file of execution ${id}: use a URI from its outputs or inputs`);
    }
    if (!(await storage.exists(uri)))
      throw notFound(`${uri} is not in internal storage (purged, or never written)`);
    return { uri, storage };
  };
  const nameOf = (uri: string) => decodeURIComponent(uri.split('/').at(-1) ?? 'file');

  app.get('/:id/file', async (c) => {
    const { uri, storage } = await target(c);
    const size = await storage.size(uri);
    const name = nameOf(uri).replace(/["\\\r\n]/g, '_');
    return new Response(Readable.toWeb(await storage.open(uri)) as ReadableStream, {
      headers: {
        'Content-Type': 'application/octet-stream',
        'Content-Length': String(size),
        'Content-Disposition': `attachment; filename="${name}"; filename*=UTF-8''${encodeURIComponent(nameOf(uri))}`,
      },
    });
  });

  app.get('/:id/file/preview', async (c) => {
    const { uri, storage } = await target(c);
    const max = check(
      pageNumber('maxBytes', PREVIEW_BYTES, PREVIEW_BYTES),
      c.req.query('maxBytes'),
      'maxBytes',
    );
    const size = await storage.size(uri);
    const chunks: Buffer[] = [];
    let read = 0;
    const stream = await storage.open(uri);
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      read += chunk.length;
      if (read >= max) break;
    }
    stream.destroy();
    const head = Buffer.concat(chunks).subarray(0, max);
    const binary = head.includes(0);
    return respond(c, deps.masker, {
      path: uri,
      name: nameOf(uri),
      size,
      truncated: size > head.length,
      ...(binary ? { binary: true } : { content: head.toString('utf8') }),
    });
  });
}
