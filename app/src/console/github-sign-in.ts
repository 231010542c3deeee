/**
 * Sign in to the console with GitHub: the OAuth web flow of the GitHub App (its client id and
 * secret, GITHUB_CLIENT_ID / GITHUB_CLIENT_SECRET), through @octokit/oauth-methods.
 *
 * `GET /ui/auth/github?next=…` sends the browser to GitHub's `/login/oauth/authorize` with a random
 * `state`, kept in a signed, short-lived cookie; GitHub sends it back to
 * `GET /ui/auth/github/callback?code&state`, where the code becomes a user token
 * (`POST /login/oauth/access_token`) that is used at once and dropped: `GET /user` for the login,
 * `GET /user/repos` for the repositories the user (and the App) can reach, and
 * `GET /repos/{owner}/{repo}/collaborators/{login}/permission` for what they may do in each.
 * The console session (user-sessions.ts) keeps the login and those permissions.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { exchangeWebFlowCode, getWebFlowAuthorizationUrl } from '@octokit/oauth-methods';
import { Octokit } from '@octokit/rest';
import type { Context, Hono } from 'hono';
import { deleteCookie, getSignedCookie, setSignedCookie } from 'hono/cookie';
import type { RepositoryPermission } from '../auth/token-service.ts';
import type { ConsoleSession } from './console-session.ts';
import type { UserSessions } from './user-sessions.ts';

export interface GitHubSignInOptions {
  clientId: string;
  clientSecret: string;
  /** GitHub's REST API (`https://api.github.com`, GHES `https://host/api/v3`, the emulator's URL). */
  apiUrl: string;
  /** Where users reach Osprey (the callback URL GitHub redirects to is built on it); else the request's origin. */
  publicUrl?: string | undefined;
  session: ConsoleSession;
  users: UserSessions;
  /** Signs the OAuth state cookie. */
  secret: string | Uint8Array;
}

const STATE_COOKIE = 'osprey_oauth';
const CALLBACK = '/ui/auth/github/callback';

/** A console path to go back to after signing in; anything else becomes the executions list. */
export function safeNext(next: string | undefined): string {
  return next !== undefined && /^\/ui\/[^/\\]/.test(next) && !next.startsWith('/ui/auth/')
    ? next
    : '/ui/executions';
}

/** GitHub's `permission` (admin, write, read, none) or `role_name` (…, maintain, triage) → Osprey's. */
export function permissionOf(answer: {
  permission?: string;
  role_name?: string;
}): RepositoryPermission | undefined {
  for (const p of [answer.permission, answer.role_name]) {
    if (p === 'admin') return 'admin';
    if (p === 'write' || p === 'maintain' || p === 'push') return 'write';
    if (p === 'read' || p === 'triage' || p === 'pull') return 'read';
  }
  return undefined;
}

export function githubSignInRoutes(app: Hono, options: GitHubSignInOptions): void {
  const key = typeof options.secret === 'string' ? options.secret : Buffer.from(options.secret);
  const { request } = new Octokit({ baseUrl: options.apiUrl });
  const callbackUrl = (c: Context) => `${options.publicUrl ?? new URL(c.req.url).origin}${CALLBACK}`;
  const refuse = (c: Context, message: string) =>
    c.redirect(`/ui/sign-in?error=${encodeURIComponent(message)}`, 302);

  app.get('/auth/github', async (c) => {
    const state = randomBytes(24).toString('base64url');
    await setSignedCookie(
      c,
      STATE_COOKIE,
      JSON.stringify({ state, next: safeNext(c.req.query('next')) }),
      key,
      {
        path: '/ui/auth',
        httpOnly: true,
        // GitHub's redirect back is a cross-site navigation: Lax lets the cookie come with it.
        sameSite: 'Lax',
        secure: new URL(c.req.url).protocol === 'https:',
        maxAge: 600,
      },
    );
    const { url } = getWebFlowAuthorizationUrl({
      clientType: 'github-app',
      clientId: options.clientId,
      redirectUrl: callbackUrl(c),
      state,
      request,
    });
    return c.redirect(url, 302);
  });

  app.get('/auth/github/callback', async (c) => {
    const raw = await getSignedCookie(c, key, STATE_COOKIE);
    deleteCookie(c, STATE_COOKIE, { path: '/ui/auth' });
    let held: { state?: string; next?: string } = {};
    try {
      held = typeof raw === 'string' ? JSON.parse(raw) : {};
    } catch {}
    const state = c.req.query('state') ?? '';
    if (
      held.state === undefined ||
      held.state.length !== state.length ||
      !timingSafeEqual(Buffer.from(held.state), Buffer.from(state))
    ) {
      return refuse(c, 'the GitHub sign-in expired or did not start here; sign in again');
    }
    const error = c.req.query('error');
    if (error !== undefined) {
      return refuse(c, `GitHub did not sign you in (${c.req.query('error_description') ?? error})`);
    }
    const code = c.req.query('code');
    if (code === undefined || code === '') return refuse(c, 'GitHub sent no code back; sign in again');

    let login: string;
    const repositories: Record<string, RepositoryPermission> = {};
    try {
      const { authentication } = await exchangeWebFlowCode({
        clientType: 'github-app',
        clientId: options.clientId,
        clientSecret: options.clientSecret,
        code,
        redirectUrl: callbackUrl(c),
        request,
      });
      const octokit = new Octokit({ auth: authentication.token, baseUrl: options.apiUrl });
      login = (await octokit.rest.users.getAuthenticated()).data.login;
      const reachable = await octokit.paginate(octokit.rest.repos.listForAuthenticatedUser, {
        per_page: 100,
      });
      // Each repository's permission from its collaborator-permission route (which counts teams and
      // organisation roles), a few at a time.
      for (let i = 0; i < reachable.length; i += 8) {
        await Promise.all(
          reachable.slice(i, i + 8).map(async (repo) => {
            const { data } = await octokit.rest.repos.getCollaboratorPermissionLevel({
              owner: repo.owner.login,
              repo: repo.name,
              username: login,
            });
            const permission = permissionOf(data);
            if (permission !== undefined) repositories[repo.full_name.toLowerCase()] = permission;
          }),
        );
      }
    } catch (e) {
      // Octokit's messages carry GitHub's answer, never the client secret or the code.
      return refuse(c, `GitHub sign-in failed: ${(e as Error).message}`);
    }
    await options.session.signIn(c, await options.users.create(login, repositories));
    return c.redirect(safeNext(held.next), 302);
  });
}
