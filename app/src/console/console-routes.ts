/**
 * `/ui`: the web console (docs/console.md). Serves the single-page app built into `ui/dist` —
 * hashed assets under `/ui/assets/`, and `index.html` for every other path so deep links such as
 * a check run's `/ui/executions/{namespace}/{flowId}/{id}` open the right page — and its sign-in:
 * `POST /ui/session` takes an API token and sets the console cookie (console-session.ts),
 * `DELETE /ui/session` clears it, `GET /ui/session` says who is signed in.
 *
 * With `localToken` (`osprey dev`), a visitor on this machine — the connection comes from a
 * loopback address and the Host header names one, which also turns away DNS rebinding — is signed
 * in with that token on opening the console. `osprey server` has no such shortcut.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getConnInfo } from '@hono/node-server/conninfo';
import { serveStatic } from '@hono/node-server/serve-static';
import { type Context, Hono } from 'hono';
import { type AuditLog, actorOf, originOf } from '../audit/audit-log.ts';
import type { Principal, TokenService } from '../auth/token-service.ts';
import { type ConsoleSession, csrfRefusal } from './console-session.ts';
import { type GitHubSignInOptions, githubSignInRoutes, safeNext } from './github-sign-in.ts';

export const UI_DIST = join(import.meta.dirname, '../../../ui/dist');

export interface ConsoleOptions {
  tokens: Pick<TokenService, 'verifyApiToken'>;
  /** Sign in with GitHub (the App's OAuth client); the sign-in page offers it. */
  github?: Omit<GitHubSignInOptions, 'session' | 'users' | 'secret'> & { secret: string | Uint8Array };
  session: ConsoleSession;
  /** Sign-ins, refused sign-ins and sign-outs are recorded here. */
  audit?: AuditLog;
  /** `osprey dev`: the token loopback visitors get without signing in. */
  localToken?: string | undefined;
  /** The built app (default `ui/dist`). */
  distDir?: string;
}

const LOOPBACK_ADDRESS = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;
const LOOPBACK_HOST = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/i;

/** Whether the request comes from this machine, to a loopback name. */
export function isLocalVisitor(c: Context): boolean {
  let address: string | undefined;
  try {
    address = getConnInfo(c).remote.address;
  } catch {
    return false; // not served by @hono/node-server: no socket to look at
  }
  return LOOPBACK_ADDRESS.test(address ?? '') && LOOPBACK_HOST.test(c.req.header('Host') ?? '');
}

function who(p: Principal): string {
  return p.kind === 'admin' ? 'admin (OSPREY_API_TOKEN)' : p.name;
}

/** What the console shows and offers to whom: announcements are set by admins. */
function role(p: Principal) {
  return {
    kind: p.kind === 'user' ? 'github' : 'token',
    admin: p.kind === 'user' ? p.admin : p.kind !== 'runner',
  };
}

export function consoleRoutes(options: ConsoleOptions): Hono {
  const dist = options.distDir ?? UI_DIST;
  const { session, tokens } = options;
  const app = new Hono();
  const signedIn = async (c: Context): Promise<Principal | undefined> => {
    const held = await session.tokenOf(c);
    if (held === undefined || !('token' in held)) return undefined;
    if (held.token.startsWith('osp_ses_')) return session.users?.verify(held.token);
    return tokens.verifyApiToken(held.token);
  };

  if (options.github !== undefined && session.users !== undefined) {
    githubSignInRoutes(app, { ...options.github, session, users: session.users });
  }

  app.get('/session', async (c) => {
    const principal = await signedIn(c);
    return c.json({
      signedIn: principal !== undefined,
      ...(principal === undefined ? {} : { name: who(principal), ...role(principal) }),
      local: options.localToken !== undefined && isLocalVisitor(c),
      github: options.github !== undefined,
    });
  });

  app.post('/session', async (c) => {
    const refused = csrfRefusal(c);
    if (refused !== undefined) return c.json({ error: 'forbidden', message: refused }, 403);
    const body = (await c.req.json().catch(() => undefined)) as { token?: unknown } | undefined;
    const token = typeof body?.token === 'string' ? body.token.trim() : '';
    if (token === '') {
      return c.json(
        {
          error: 'invalid_request',
          field: 'token',
          message: 'token: paste an API token (osprey tokens create)',
        },
        400,
      );
    }
    const principal = await tokens.verifyApiToken(token);
    const session_ = { resourceType: 'SESSION', method: 'POST', path: c.req.path, ...originOf(c) };
    if (principal === undefined) {
      await options.audit?.record({ ...actorOf(undefined), action: 'REFUSED', status: 401, ...session_ });
      return c.json(
        {
          error: 'unauthorized',
          field: 'token',
          message:
            'token: invalid, revoked or expired API token; create one with `osprey tokens create <name>`',
        },
        401,
      );
    }
    await session.signIn(c, token);
    await options.audit?.record({ ...actorOf(principal), action: 'LOGIN', status: 200, ...session_ });
    return c.json({ signedIn: true, name: who(principal) });
  });

  app.delete('/session', async (c) => {
    const refused = csrfRefusal(c);
    if (refused !== undefined) return c.json({ error: 'forbidden', message: refused }, 403);
    const principal = await signedIn(c);
    const held = await session.tokenOf(c);
    if (held !== undefined && 'token' in held) await session.users?.end(held.token);
    session.signOut(c);
    await options.audit?.record({
      ...actorOf(principal),
      action: 'LOGOUT',
      resourceType: 'SESSION',
      method: 'DELETE',
      path: c.req.path,
      status: 200,
      ...originOf(c),
    });
    return c.json({ signedIn: false });
  });

  // Asset names carry a hash of their content: they never change.
  app.use('/assets/*', async (c, next) => {
    await next();
    if (c.res.status === 200) c.res.headers.set('Cache-Control', 'public, max-age=31536000, immutable');
  });
  app.use('/assets/*', serveStatic({ root: dist, rewriteRequestPath: (path) => path.replace(/^\/ui/, '') }));
  app.get('/assets/*', (c) => c.text(`no console asset ${c.req.path}`, 404));

  // Everything else is a page of the app: history-API fallback.
  app.get('*', async (c) => {
    const index = join(dist, 'index.html');
    if (!existsSync(index)) {
      return c.text(`the web console is not built (${index} is missing): run npm run build`, 503);
    }
    if ((await signedIn(c)) === undefined) {
      if (options.localToken !== undefined && isLocalVisitor(c)) {
        await session.signIn(c, options.localToken);
      } else if (!/^\/ui\/sign-in\/?$/.test(c.req.path)) {
        // Nothing of the console but its sign-in page is served to someone not signed in.
        const url = new URL(c.req.url);
        return c.redirect(`/ui/sign-in?next=${encodeURIComponent(safeNext(url.pathname + url.search))}`, 302);
      }
    }
    c.header('Cache-Control', 'no-cache');
    return c.html(readFileSync(index, 'utf8'));
  });
  return app;
}
