/**
 * A KV value from a request body, as Kestra reads it: a JSON body is typed by its JSON type
 * (`"text"` → STRING, `42` → NUMBER, `true` → BOOLEAN, objects and lists → JSON); a text body
 * that is not JSON is a STRING. `?type=` stores the text as that type instead (DATE, DURATION...).
 */
import type { KvType } from '../../kv/kv-values.ts';
import { parseJson } from '../edge/read-body.ts';
import { invalid } from '../errors.ts';

export function kvValue(text: string, mediaType: string, type: KvType | undefined): unknown {
  if (text.trim() === '') {
    throw invalid('body', 'the body is the value and it is empty; send e.g. "hello", 42, true or {"a": 1}');
  }
  if (type === 'JSON') return text;
  if (type !== undefined) {
    // A quoted JSON string means its content: '"2025-01-31"' as a DATE is 2025-01-31.
    const parsed = tryJson(text);
    return typeof parsed === 'string' ? parsed : text;
  }
  if (mediaType === 'application/json') {
    return parseJson(
      text,
      'send a JSON value such as "hello", 42, true or {"a": 1}, or use Content-Type: text/plain for raw text',
    );
  }
  const parsed = tryJson(text);
  return parsed === undefined ? text : parsed;
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
