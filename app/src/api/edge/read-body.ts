/**
 * Request bodies as the Kestra API accepts them: inputs as form fields (multipart, with file
 * parts, or URL-encoded) or as a JSON object; plain text for KV values and secrets. Malformed
 * bodies are refused with a 400 naming `body`, unknown content types with a 415.
 */
import type { Context } from 'hono';
import { ApiError, invalid } from '../errors.ts';

const FORM_TYPES = ['multipart/form-data', 'application/x-www-form-urlencoded'];

export function mediaType(c: Context): string {
  return (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/**
 * Raw inputs: strings (or lists of strings for repeated fields) from a form, `Buffer`s for file
 * parts, JSON values from a JSON body. No body: no inputs.
 */
export async function readInputs(c: Context): Promise<Record<string, unknown>> {
  const type = mediaType(c);
  if (type === 'application/json') {
    const text = await c.req.text();
    if (text.trim() === '') return {};
    const value = parseJson(text, 'send a JSON object of inputs such as {"name": "value"}');
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw invalid(
        'body',
        'send a JSON object of inputs such as {"name": "value"}, not a list or a single value',
      );
    }
    return { ...(value as Record<string, unknown>) };
  }
  if (FORM_TYPES.includes(type)) {
    let form: Record<string, string | File | (string | File)[]>;
    try {
      form = await c.req.parseBody({ all: true });
    } catch (e) {
      throw invalid('body', `is not a readable ${type} form (${(e as Error).message})`);
    }
    const out: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(form)) {
      out[name] = Array.isArray(value) ? await Promise.all(value.map(fieldValue)) : await fieldValue(value);
    }
    return out;
  }
  const text = await c.req.text();
  if (text === '') return {};
  throw new ApiError(
    'unsupported_media_type',
    `Content-Type ${type === '' ? '(none)' : type} is not accepted here: send inputs as multipart/form-data (files as file parts), application/x-www-form-urlencoded or application/json`,
  );
}

async function fieldValue(value: string | File): Promise<string | Buffer> {
  return typeof value === 'string' ? value : Buffer.from(await value.arrayBuffer());
}

/** JSON text; the refusal never quotes the body (it may hold a secret), only the position. */
export function parseJson(text: string, hint: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const at = /position (\d+)/.exec((e as Error).message)?.[1];
    throw invalid(
      'body',
      `is not valid JSON${at === undefined ? '' : ` (error at character ${at})`}; ${hint}`,
    );
  }
}
