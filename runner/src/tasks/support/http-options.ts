/** Kestra's `options` block of the HTTP tasks (and the deprecated top-level `allowFailed`). */
import { parseDuration } from '../../../../flows-schema/src/time.ts';
import type { PropertyReader } from './properties.ts';

export interface HttpOptions {
  allowFailed: boolean;
  followRedirects: boolean;
  /** connectTimeout + readTimeout when either is set: the time allowed for the response. */
  timeoutMs: number | undefined;
  /** `Basic ...` from basicAuthUser/basicAuthPassword. */
  basicAuth: string | undefined;
}

export function httpOptions(p: PropertyReader): HttpOptions {
  const raw = p.raw('options');
  const o = (typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? raw : {}) as Record<
    string,
    unknown
  >;
  const flag = (v: unknown, fallback: boolean) =>
    v === undefined || v === null ? fallback : v === true || String(v).toLowerCase() === 'true';
  const ms = (name: string) => {
    const v = o[name];
    if (v === undefined || v === null) return undefined;
    const parsed = typeof v === 'string' ? parseDuration(v) : undefined;
    if (parsed === undefined)
      p.fail(`options.${name}`, `must be an ISO-8601 duration such as PT30S, got '${String(v)}'`);
    return parsed;
  };
  const connect = ms('connectTimeout');
  const read = ms('readTimeout');
  const user = o['basicAuthUser'];
  const password = o['basicAuthPassword'];
  return {
    allowFailed: flag(o['allowFailed'], p.boolean('allowFailed', false)),
    followRedirects: flag(o['followRedirects'], true),
    timeoutMs: connect === undefined && read === undefined ? undefined : (connect ?? 0) + (read ?? 0),
    basicAuth:
      typeof user === 'string'
        ? `Basic ${Buffer.from(`${user}:${typeof password === 'string' ? password : ''}`).toString('base64')}`
        : undefined,
  };
}
