/**
 * `io.kestra.plugin.core.http.Download`: stream a URL into internal storage; outputs `uri` (the
 * stored file), `code`, `length` (bytes) and `headers`. An empty response fails the task unless
 * `failOnEmptyResponse` is false (then it is logged) or failures are allowed.
 */
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { type RunnableTask, TaskFailure } from '../../../../../protocol/src/task-contract.ts';
import { displayUrl, headersOf, parseUrl, send, statusFailure } from '../../support/http.ts';
import { httpOptions } from '../../support/http-options.ts';
import { propertiesOf } from '../../support/properties.ts';
import { scopeOf } from '../../support/storage.ts';

const TYPE = 'io.kestra.plugin.core.http.Download';

export const downloadTask: RunnableTask = {
  type: TYPE,
  async run(ctx) {
    const p = propertiesOf(TYPE, ctx);
    const url = parseUrl(ctx.run.taskId, 'uri', p.string('uri'));
    const method = p.oneOf('method', ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'], 'GET');
    const options = httpOptions(p);
    const headers = new Headers();
    const given = p.raw('headers');
    if (typeof given === 'object' && given !== null)
      for (const [k, v] of Object.entries(given)) headers.append(k, String(v));
    if (options.basicAuth !== undefined && !headers.has('authorization'))
      headers.set('authorization', options.basicAuth);

    const response = await send({
      taskId: ctx.run.taskId,
      url,
      method,
      headers,
      body: p.optionalString('body'),
      signal: ctx.signal,
      followRedirects: options.followRedirects,
      timeoutMs: options.timeoutMs,
    });
    if (response.status >= 400 && !options.allowFailed) {
      throw statusFailure(ctx.run.taskId, method, displayUrl(url), response, await response.text());
    }
    let length = 0;
    const counted = async function* (body: Readable) {
      for await (const chunk of body) {
        length += (chunk as Buffer).length;
        yield chunk as Buffer;
      }
    };
    const body =
      response.body === null
        ? Readable.from([])
        : Readable.fromWeb(response.body as WebReadableStream<Uint8Array>);
    const uri = await ctx.storage.put(
      scopeOf(ctx.run),
      fileName(response, url),
      Readable.from(counted(body)),
    );

    if (length === 0) {
      if (p.boolean('failOnEmptyResponse', true) && !options.allowFailed) {
        await ctx.storage.delete(uri);
        throw new TaskFailure(
          `task '${ctx.run.taskId}': ${method} ${displayUrl(url)} returned no content; set failOnEmptyResponse: false if an empty file is expected`,
        );
      }
      ctx.logger.log('WARN', `File '${displayUrl(url)}' is empty`);
    }
    ctx.logger.log('DEBUG', `File '${displayUrl(url)}' downloaded with size '${length}'`);
    return {
      state: 'SUCCESS',
      outputs: { uri, code: response.status, length, headers: headersOf(response) },
    };
  },
};

/** The server's file name (Content-Disposition), else the URL's last path segment, else `download`. */
export function fileName(response: Response, url: URL): string {
  const disposition = response.headers.get('content-disposition') ?? '';
  const star = /filename\*\s*=\s*[^']*'[^']*'([^;]+)/i.exec(disposition)?.[1];
  const plain = /filename\s*=\s*"?([^";]+)"?/i.exec(disposition)?.[1];
  let name = star !== undefined ? safeDecode(star) : plain;
  name ??= safeDecode(url.pathname.split('/').pop() ?? '');
  // Only the last part: a server must not choose where the file lands.
  name = name.split(/[/\\]/).pop()?.trim() ?? '';
  return name === '' || name === '.' || name === '..' ? 'download' : name;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
