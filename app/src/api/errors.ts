/**
 * The API's error answers: one JSON shape, `{ error, message, ... }`, where `error` is a stable
 * code and `message` says what is wrong and what to do. Service errors (KV, secrets, refused
 * inputs) are translated here, once, and every message goes through the secret masker.
 */
import type { Context, ErrorHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { logger } from '../../../protocol/src/logger.ts';
import type { SecretMasker } from '../../../protocol/src/masking.ts';
import { InputsRefused } from '../execution/contract.ts';
import { KvError } from '../kv/kv-values.ts';
import { SecretError } from '../secrets/secret-backend.ts';

const log = logger('api');

export const API_ERROR_STATUS = {
  invalid_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  read_only: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  inputs_refused: 422,
  internal: 500,
  not_implemented: 501,
} as const satisfies Record<string, ContentfulStatusCode>;
export type ApiErrorCode = keyof typeof API_ERROR_STATUS;

/** A refused request; thrown by handlers and answered by `apiErrorHandler`. */
export class ApiError extends Error {
  override name = 'ApiError';
  readonly code: ApiErrorCode;
  readonly details: Record<string, unknown>;
  constructor(code: ApiErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.code = code;
    this.details = details;
  }

  get status(): ContentfulStatusCode {
    return API_ERROR_STATUS[this.code];
  }
}

/** 400 naming the field (`namespace`, `labels`, `body`, ...). */
export function invalid(field: string, message: string): ApiError {
  return new ApiError('invalid_request', `${field}: ${message}`, { field });
}

export function notFound(message: string): ApiError {
  return new ApiError('not_found', message);
}

export function conflict(message: string, details: Record<string, unknown> = {}): ApiError {
  return new ApiError('conflict', message, details);
}

/** What a service error means for the caller. */
export function translate(error: unknown): ApiError | undefined {
  if (error instanceof ApiError) return error;
  if (error instanceof InputsRefused) {
    return new ApiError('inputs_refused', `the inputs were refused, nothing was started:\n${error.message}`, {
      problems: error.problems,
    });
  }
  if (error instanceof KvError) {
    switch (error.code) {
      case 'INVALID_KEY':
        return new ApiError('invalid_request', error.message, { field: 'key' });
      case 'INVALID_NAMESPACE':
        return new ApiError('invalid_request', error.message, { field: 'namespace' });
      case 'INVALID_VALUE':
        return new ApiError('invalid_request', error.message, { field: 'body' });
      case 'KEY_EXISTS':
        return conflict(error.message);
    }
  }
  if (error instanceof SecretError) {
    switch (error.code) {
      case 'INVALID_NAME':
        return new ApiError('invalid_request', error.message, {
          field: /namespace/.test(error.message) ? 'namespace' : 'name',
        });
      case 'INVALID_VALUE':
        return new ApiError('invalid_request', error.message, { field: 'body' });
      case 'READ_ONLY':
        return new ApiError('read_only', error.message);
      case 'NOT_FOUND':
        return notFound(error.message);
      case 'UNREADABLE':
        return new ApiError('internal', error.message);
    }
  }
  if (error instanceof HTTPException && error.status === 413) {
    return new ApiError('payload_too_large', error.message);
  }
  return undefined;
}

export function errorBody(error: ApiError, masker: SecretMasker | undefined) {
  const body = { error: error.code, message: error.message, ...error.details };
  return masker === undefined ? body : masker.maskValue(body);
}

export function sendError(c: Context, error: ApiError, masker: SecretMasker | undefined): Response {
  return c.json(errorBody(error, masker), error.status);
}

/** hono's `onError` for the API: known errors keep their meaning, anything else is a 500. */
export function apiErrorHandler(masker: SecretMasker | undefined): ErrorHandler {
  return (error, c) => {
    const known = translate(error);
    if (known !== undefined) return sendError(c, known, masker);
    const shown = masker === undefined ? error : masker.maskError(error);
    log.error({ err: shown, method: c.req.method, path: c.req.path }, 'api request failed');
    return sendError(
      c,
      new ApiError(
        'internal',
        `internal error while handling ${c.req.method} ${c.req.path}: ${shown.message}; the server log has the details`,
      ),
      masker,
    );
  };
}
