/**
 * How the web console authenticates to the API. A browser cannot put a bearer token on an
 * `EventSource` or a link, so the console holds its API token in a cookie instead: HttpOnly (page
 * scripts never see it), signed with the server's session secret, `SameSite=Lax` (a check run's
 * Details link on github.com is a cross-site navigation: with `Strict` it would arrive signed out).
 * The token is still checked on every request, so revoking it signs the console out.
 *
 * CSRF: a request authenticated by the cookie that changes something (anything but GET, HEAD,
 * OPTIONS) must carry `X-Osprey-Console: 1` — a header a cross-site form cannot send and a
 * cross-site script can only send after a CORS preflight the server never grants — and, when the
 * browser sends one, an `Origin` equal to the server's own.
 */
import type { Context } from 'hono';
import { deleteCookie, getSignedCookie, setSignedCookie } from 'hono/cookie';
import type { UserSessions } from './user-sessions.ts';

export const SESSION_COOKIE = 'osprey_console';
export const CONSOLE_HEADER = 'X-Osprey-Console';

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface ConsoleSession {
  /** The API token the request's console cookie carries, or why there is none to use. */
  tokenOf(c: Context): Promise<{ token: string } | { refused: string } | undefined>;
  /**
   * The cookie's token without the console's CSRF rule, for server-rendered pages whose plain HTML
   * forms cannot send the console header and that check the request's origin themselves (apps).
   */
  heldToken(c: Context): Promise<string | undefined>;
  signIn(c: Context, token: string): Promise<void>;
  signOut(c: Context): void;
  /** Sessions of people signed in with GitHub (their cookie carries an `osp_ses_…` credential). */
  users?: UserSessions;
}

export function consoleSession(secret: string | Uint8Array, users?: UserSessions): ConsoleSession {
  const key = typeof secret === 'string' ? secret : Buffer.from(secret);
  return {
    ...(users === undefined ? {} : { users }),
    async tokenOf(c) {
      const token = await getSignedCookie(c, key, SESSION_COOKIE);
      if (typeof token !== 'string' || token === '') return undefined;
      if (!SAFE.has(c.req.method)) {
        const refused = csrfRefusal(c);
        if (refused !== undefined) return { refused };
      }
      return { token };
    },
    async heldToken(c) {
      const token = await getSignedCookie(c, key, SESSION_COOKIE);
      return typeof token === 'string' && token !== '' ? token : undefined;
    },
    async signIn(c, token) {
      await setSignedCookie(c, SESSION_COOKIE, token, key, {
        path: '/',
        httpOnly: true,
        sameSite: 'Lax',
        secure: new URL(c.req.url).protocol === 'https:',
      });
    },
    signOut(c) {
      deleteCookie(c, SESSION_COOKIE, { path: '/' });
    },
  };
}

/** Why a state-changing request that rides on the cookie is refused, if it is. */
export function csrfRefusal(c: Context): string | undefined {
  if (c.req.header(CONSOLE_HEADER) !== '1') {
    return `a console request that changes something needs the ${CONSOLE_HEADER}: 1 header; scripts send Authorization: Bearer <token> instead`;
  }
  const origin = c.req.header('Origin');
  if (origin !== undefined && origin !== new URL(c.req.url).origin && origin !== forwardedOrigin(c)) {
    return `a console request from ${origin} is refused: only pages served by this server may use its console session`;
  }
  return undefined;
}

/** The origin the client used, behind a proxy that says so (`X-Forwarded-Proto` + `Host`). */
function forwardedOrigin(c: Context): string | undefined {
  const proto = c.req.header('X-Forwarded-Proto');
  const host = c.req.header('X-Forwarded-Host') ?? c.req.header('Host');
  return proto === undefined || host === undefined ? undefined : `${proto}://${host}`;
}
