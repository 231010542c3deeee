/**
 * hono middleware for the runner protocol: a request needs a valid runner credential (401
 * otherwise, before anything is read). Verified credentials are remembered for a few seconds, so a
 * runner's steady stream of claims and results does not cost two database queries each; a revoked
 * credential stops working within that time.
 */

import { createMiddleware } from 'hono/factory';
import { LRUCache } from 'lru-cache';
import { type AuthVariables, bearerToken } from '../auth/require-token.ts';
import type { RunnerInfo, TokenService } from '../auth/token-service.ts';

const MAX_REMEMBERED = 10_000;

export function runnerAuth(tokens: Pick<TokenService, 'verifyRunner'>, rememberMs = 5000) {
  const remembered = new LRUCache<string, RunnerInfo>({ max: MAX_REMEMBERED, ttl: rememberMs });
  return createMiddleware<{ Variables: AuthVariables }>(async (c, next) => {
    const token = bearerToken(c.req.header('Authorization'));
    const refuse = (message: string) => {
      c.header('WWW-Authenticate', 'Bearer realm="osprey"');
      return c.json({ error: 'unauthorized', message }, 401);
    };
    if (token === undefined)
      return refuse('missing runner credential: send Authorization: Bearer <credential from registration>');
    let runner = remembered.get(token);
    if (runner === undefined) {
      const verified = await tokens.verifyRunner(token);
      if (verified === undefined) {
        remembered.delete(token);
        return refuse('invalid or revoked runner credential; register the runner again');
      }
      runner = verified;
      remembered.set(token, runner);
    }
    c.set('principal', {
      kind: 'runner',
      id: runner.id,
      name: runner.name,
      labels: runner.labels,
    });
    await next();
  });
}
