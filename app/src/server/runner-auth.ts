/**
 * hono middleware for the runner protocol: a request needs a valid runner credential (401
 * otherwise, before anything is read). Verified credentials are remembered for a few seconds, so a
 * runner's steady stream of claims and results does not cost two database queries each; a revoked
 * credential stops working within that time.
 */
import { createMiddleware } from 'hono/factory';
import { type AuthVariables, bearerToken } from '../auth/require-token.ts';
import type { RunnerInfo, TokenService } from '../auth/token-service.ts';

const MAX_REMEMBERED = 10_000;

export function runnerAuth(tokens: Pick<TokenService, 'verifyRunner'>, rememberMs = 5000) {
  const remembered = new Map<string, { runner: RunnerInfo; until: number }>();
  return createMiddleware<{ Variables: AuthVariables }>(async (c, next) => {
    const token = bearerToken(c.req.header('Authorization'));
    const refuse = (message: string) => {
      c.header('WWW-Authenticate', 'Bearer realm="osprey"');
      return c.json({ error: 'unauthorized', message }, 401);
    };
    if (token === undefined)
      return refuse('missing runner credential: send Authorization: Bearer <credential from registration>');
    const now = Date.now();
    let runner = remembered.get(token);
    if (runner === undefined || runner.until < now) {
      const verified = await tokens.verifyRunner(token);
      if (verified === undefined) {
        remembered.delete(token);
        return refuse('invalid or revoked runner credential; register the runner again');
      }
      if (remembered.size >= MAX_REMEMBERED) remembered.clear();
      runner = { runner: verified, until: now + rememberMs };
      remembered.set(token, runner);
    }
    c.set('principal', {
      kind: 'runner',
      id: runner.runner.id,
      name: runner.runner.name,
      labels: runner.runner.labels,
    });
    await next();
  });
}
