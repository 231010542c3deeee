/**
 * hono middleware: `requireToken(tokens, 'api' | 'runner')` lets a request through only with a
 * valid `Authorization: Bearer <token>` (or, for the API, the web console's session cookie) and puts the caller in `c.var.principal`. Anything else
 * gets 401 with a JSON error, before any handler runs, so an unauthenticated request changes
 * nothing.
 */
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { ConsoleSession } from '../console/console-session.ts';
import { parseCredential } from './token-format.ts';
import type { Principal, TokenService } from './token-service.ts';

export type RequiredToken = 'api' | 'runner';

export interface AuthVariables {
  principal: Principal;
}

function unauthorized(c: Context, message: string) {
  c.header('WWW-Authenticate', 'Bearer realm="osprey"');
  return c.json({ error: 'unauthorized', message }, 401);
}

/** The bearer token of a request, if any. */
export function bearerToken(header: string | undefined): string | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return m?.[1];
}

/** With `session`, an API request without a bearer token may use the web console's cookie instead. */
export function requireToken(tokens: TokenService, kind: RequiredToken, session?: ConsoleSession) {
  return createMiddleware<{ Variables: AuthVariables }>(async (c, next) => {
    let token = bearerToken(c.req.header('Authorization'));
    if (token === undefined && kind === 'api' && session !== undefined) {
      const fromCookie = await session.tokenOf(c);
      if (fromCookie !== undefined && 'refused' in fromCookie) {
        return c.json({ error: 'forbidden', message: fromCookie.refused }, 403);
      }
      token = fromCookie?.token;
      // A person signed in with GitHub: only through the console's cookie, never as a bearer token.
      if (token !== undefined && session.users !== undefined && parseCredential(token)?.kind === 'session') {
        const user = await session.users.verify(token);
        if (user === undefined) return unauthorized(c, 'your console session ended; sign in again');
        c.set('principal', user);
        return next();
      }
    }
    if (token === undefined) {
      return unauthorized(
        c,
        kind === 'runner'
          ? 'missing runner credential: send Authorization: Bearer <credential from registration>'
          : 'missing API token: send Authorization: Bearer <token> (OSPREY_API_TOKEN or one from `osprey tokens create`)',
      );
    }
    if (kind === 'runner') {
      const runner = await tokens.verifyRunner(token);
      if (runner === undefined)
        return unauthorized(c, 'invalid or revoked runner credential; register the runner again');
      c.set('principal', { kind: 'runner', id: runner.id, name: runner.name, labels: runner.labels });
    } else {
      const principal = await tokens.verifyApiToken(token);
      if (principal === undefined) return unauthorized(c, 'invalid, revoked or expired API token');
      c.set('principal', principal);
    }
    await next();
  });
}
