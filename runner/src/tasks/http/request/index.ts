/**
 * `io.kestra.plugin.core.http.Request`: one HTTP call; outputs `uri` (the URL called), `code`,
 * `headers` (name → list of values) and `body` (text). A status >= 400 fails the task unless
 * `options.allowFailed` (or the deprecated `allowFailed`) is true. `body` may be a string (sent
 * as written) or a map (sent as JSON); `formData` is sent URL-encoded, or as multipart when
 * `contentType` is multipart/form-data (`kestra://` values are uploaded as files).
 */
import {
  type RunnableTask,
  type TaskContext,
  TaskFailure,
} from '../../../../../protocol/src/task-contract.ts';
import { displayUrl, headersOf, parseUrl, send, statusFailure } from '../../support/http.ts';
import { httpOptions } from '../../support/http-options.ts';
import { type PropertyReader, propertiesOf } from '../../support/properties.ts';
import { withStorage } from '../../support/storage.ts';

const TYPE = 'io.kestra.plugin.core.http.Request';

export const requestTask: RunnableTask = {
  type: TYPE,
  async run(ctx) {
    const p = propertiesOf(TYPE, ctx);
    const url = parseUrl(ctx.run.taskId, 'uri', p.string('uri'));
    const method = p.oneOf('method', ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'], 'GET');
    const options = httpOptions(p);
    if (p.boolean('encryptBody', false)) {
      p.fail(
        'encryptBody',
        'is not supported by Osprey yet: remove it (outputs are stored unencrypted) or keep the body out of outputs with the Download task',
      );
    }
    const headers = requestHeaders(p, options.basicAuth);
    const body = await requestBody(ctx, p, headers);

    const response = await send({
      taskId: ctx.run.taskId,
      url,
      method,
      headers,
      body,
      signal: ctx.signal,
      followRedirects: options.followRedirects,
      timeoutMs: options.timeoutMs,
    });
    const text = await response.text();
    if (response.status >= 400 && !options.allowFailed) {
      throw statusFailure(ctx.run.taskId, method, displayUrl(url), response, text);
    }
    if (text === '' && p.boolean('failOnEmptyResponse', false)) {
      throw new TaskFailure(
        `task '${ctx.run.taskId}': ${method} ${displayUrl(url)} returned an empty body (failOnEmptyResponse is true)`,
      );
    }
    return {
      state: 'SUCCESS',
      outputs: { uri: url.href, code: response.status, headers: headersOf(response), body: text },
    };
  },
};

function requestHeaders(p: PropertyReader, basicAuth: string | undefined): Headers {
  const headers = new Headers();
  const given = p.raw('headers');
  if (given !== undefined && given !== null) {
    if (typeof given !== 'object' || Array.isArray(given))
      p.fail('headers', 'must be a map of header name: value');
    for (const [name, value] of Object.entries(given)) {
      try {
        headers.append(name, String(value));
      } catch {
        p.fail('headers', `has an invalid header '${name}'`);
      }
    }
  }
  if (basicAuth !== undefined && !headers.has('authorization')) headers.set('authorization', basicAuth);
  return headers;
}

async function requestBody(
  ctx: TaskContext,
  p: PropertyReader,
  headers: Headers,
): Promise<string | FormData | URLSearchParams | undefined> {
  const contentType = p.optionalString('contentType');
  const formData = p.raw('formData');
  if (formData !== undefined && formData !== null) {
    if (typeof formData !== 'object' || Array.isArray(formData))
      p.fail('formData', 'must be a map of field: value');
    if (contentType?.toLowerCase().startsWith('multipart/form-data')) {
      // fetch writes the multipart content type with its boundary.
      headers.delete('content-type');
      return multipart(ctx, formData as Record<string, unknown>);
    }
    const form = new URLSearchParams();
    for (const [k, v] of Object.entries(formData))
      form.append(k, typeof v === 'string' ? v : JSON.stringify(v));
    return form;
  }
  const body = p.raw('body');
  if (body === undefined || body === null) {
    if (contentType !== undefined && !headers.has('content-type')) headers.set('content-type', contentType);
    return undefined;
  }
  if (!headers.has('content-type')) headers.set('content-type', contentType ?? 'application/json');
  return typeof body === 'string' ? body : JSON.stringify(body);
}

async function multipart(ctx: TaskContext, fields: Record<string, unknown>): Promise<FormData> {
  const form = new FormData();
  for (const [key, value] of Object.entries(fields)) {
    if (typeof value === 'string' && value.startsWith('kestra://')) {
      const data = await withStorage(ctx.run.taskId, () => ctx.storage.get(value));
      form.append(key, new Blob([data]), value.split('/').pop());
    } else if (isNamedFile(value)) {
      const data = await withStorage(ctx.run.taskId, () => ctx.storage.get(value.content));
      form.append(key, new Blob([data]), value.name);
    } else {
      form.append(key, typeof value === 'string' ? value : JSON.stringify(value));
    }
  }
  return form;
}

function isNamedFile(v: unknown): v is { name: string; content: string } {
  const f = v as { name?: unknown; content?: unknown } | null;
  return typeof f === 'object' && f !== null && typeof f.name === 'string' && typeof f.content === 'string';
}
