/** Every JSON answer of the API leaves through here, so the secret masker sees all of it. */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { SecretMasker } from '../../../protocol/src/masking.ts';

export function respond(
  c: Context,
  masker: SecretMasker | undefined,
  value: unknown,
  status: ContentfulStatusCode = 200,
): Response {
  return c.json((masker === undefined ? value : masker.maskValue(value)) as object, status);
}
