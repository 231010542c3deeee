/**
 * `POST /register`: a runner presents a registration token as its bearer token, with its name and
 * labels, and receives its runner credential (shown once). Mount it under the runner protocol's
 * prefix, e.g. `app.route('/api/runner', registerRunnerRoute(tokens))`.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { bearerToken } from './require-token.ts';
import { AuthError, type TokenService } from './token-service.ts';

export const RunnerRegistration = z.strictObject({
  name: z.string().min(1, 'name: the runner name, e.g. build-box-1'),
  labels: z.record(z.string(), z.string()).optional(),
});
export type RunnerRegistration = z.infer<typeof RunnerRegistration>;

export function registerRunnerRoute(tokens: TokenService): Hono {
  const app = new Hono();
  app.post('/register', async (c) => {
    const token = bearerToken(c.req.header('Authorization'));
    const refuse = (message: string) => {
      c.header('WWW-Authenticate', 'Bearer realm="osprey"');
      return c.json({ error: 'unauthorized', message }, 401);
    };
    if (token === undefined) {
      return refuse(
        'missing registration token: send Authorization: Bearer <OSPREY_RUNNER_TOKEN or a registration token>',
      );
    }
    // Checked before the body is even read: an unauthenticated request gets nothing else.
    if ((await tokens.verifyRegistrationToken(token)) === undefined) {
      return refuse('invalid, revoked or expired registration token');
    }
    const parsed = RunnerRegistration.safeParse(await c.req.json().catch(() => undefined));
    if (!parsed.success) {
      return c.json(
        {
          error: 'invalid_request',
          message: parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '),
        },
        400,
      );
    }
    try {
      const { runner, credential } = await tokens.registerRunner(token, {
        name: parsed.data.name,
        ...(parsed.data.labels === undefined ? {} : { labels: parsed.data.labels }),
      });
      return c.json({ runner, credential }, 201);
    } catch (e) {
      if (e instanceof AuthError) {
        return e.code === 'UNAUTHORIZED'
          ? refuse(e.message)
          : c.json({ error: 'invalid_request', message: e.message }, 400);
      }
      throw e;
    }
  });
  return app;
}
