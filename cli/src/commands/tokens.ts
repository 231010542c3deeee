/**
 * `osprey tokens create|ls|revoke`: API and runner registration tokens, straight on the database
 * (`DATABASE_URL`, else the PGlite folder of `OSPREY_DATA_DIR`), so the first token can be made
 * before any server runs. A created token is printed once, alone on stdout; only its digest is kept.
 */

import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { AuditLog } from '../../../app/src/audit/audit-log.ts';
import { AuthError, type TokenInfo, TokenService } from '../../../app/src/auth/token-service.ts';
import { durationToMs } from '../../../app/src/kv/kv-values.ts';
import { type Database, openDatabase } from '../../../app/src/storage/database.ts';
import { migrate } from '../../../app/src/storage/migrate.ts';
import { printTable } from './kv.ts';

const HELP = `Usage:
  osprey tokens create <name> [--registration] [--expires-in DURATION]
  osprey tokens ls [--all] [--json]
  osprey tokens revoke <id>

Creates, lists and revokes API tokens (for people and tools: the REST API, osprey kv, osprey
secrets) and, with --registration, runner registration tokens. Works directly on the database:
DATABASE_URL when set, else the embedded database in OSPREY_DATA_DIR (default .osprey), which a
running server holds: stop it first, or use DATABASE_URL. OSPREY_DATABASE_SCHEMA picks the schema.

A created token is printed once, alone on stdout (TOKEN=$(osprey tokens create ci)); it cannot be
shown again, only revoked.

Options:
  --registration          create a runner registration token instead of an API token
  --expires-in DURATION   expire after an ISO-8601 duration such as P90D or PT12H
  --all                   ls: include revoked tokens
  --json                  ls: print JSON
  -h, --help              show this help

Exit code: 0 done, 1 refused (name taken, unknown id, database unavailable), 2 bad usage.`;

export async function main(argv: string[]): Promise<number> {
  let args: ReturnType<typeof parse>;
  try {
    args = parse(argv);
  } catch (e) {
    return usage((e as Error).message);
  }
  if (args.values.help) {
    console.log(HELP);
    return 0;
  }
  const [action, arg, ...extra] = args.positionals;
  const expected = { create: 1, ls: 0, revoke: 1 } as const;
  if (action === undefined || !(action in expected)) {
    return usage(action === undefined ? 'which action? create, ls or revoke' : `unknown action '${action}'`);
  }
  const wanted = expected[action as keyof typeof expected];
  const given = (arg === undefined ? 0 : 1) + extra.length;
  if (given !== wanted) {
    return usage(
      action === 'create'
        ? 'tokens create takes one name, e.g. osprey tokens create ci'
        : action === 'revoke'
          ? 'tokens revoke takes one token id (see osprey tokens ls)'
          : 'tokens ls takes no argument',
    );
  }
  let expiresAt: Date | undefined;
  if (args.values['expires-in'] !== undefined) {
    const ms = durationToMs(args.values['expires-in']);
    if (ms === undefined || ms <= 0)
      return usage(
        `--expires-in must be a positive ISO-8601 duration such as P90D, got '${args.values['expires-in']}'`,
      );
    expiresAt = new Date(Date.now() + ms);
  }

  let db: Database;
  try {
    db = await openTokenDatabase(process.env);
  } catch (e) {
    console.error(`osprey tokens: ${(e as Error).message}`);
    return 1;
  }
  try {
    const tokens = new TokenService(db);
    // Made on this machine's command line: the operating-system user is who did it.
    const audit = (what: 'CREATE' | 'DELETE', resourceId: string, details: Record<string, unknown>) =>
      new AuditLog(db).record({
        actorKind: 'cli',
        actorName: userInfo().username,
        action: what,
        resourceType: 'TOKEN',
        resourceId,
        userAgent: 'osprey tokens',
        details,
      });
    if (action === 'create') {
      const kind = args.values.registration ? 'registration' : 'api';
      const { token, info } =
        kind === 'api'
          ? await tokens.createApiToken(arg as string, expiresAt === undefined ? {} : { expiresAt })
          : await tokens.createRegistrationToken(arg as string, expiresAt === undefined ? {} : { expiresAt });
      console.error(
        `Created ${kind === 'api' ? 'API' : 'runner registration'} token '${info.name}' (id ${info.id}${info.expiresAt === undefined ? '' : `, expires ${info.expiresAt.toISOString()}`}).`,
      );
      await audit('CREATE', info.id, { name: info.name, kind });
      console.log(token);
      console.error(
        `Copy it now: it will not be shown again (only its SHA-256 digest is stored). ${kind === 'api' ? 'Use it as OSPREY_API_TOKEN or send Authorization: Bearer <token>.' : 'Give it to the runner operator to register runners with.'}`,
      );
      return 0;
    }
    if (action === 'revoke') {
      if (await tokens.revokeToken(arg as string)) {
        await audit('DELETE', arg as string, { revoked: true });
        console.log(`revoked token ${arg}`);
        return 0;
      }
      console.error(`osprey tokens: no live token with id '${arg}'; \`osprey tokens ls\` lists them`);
      return 1;
    }
    const all = await tokens.listTokens();
    const shown = args.values.all ? all : all.filter((t) => t.revokedAt === undefined);
    if (args.values.json) console.log(JSON.stringify(shown, null, 2));
    else if (shown.length === 0) console.error('no tokens; create one with `osprey tokens create <name>`');
    else printTable(shown.map(row), ['ID', 'KIND', 'NAME', 'CREATED', 'LAST USED', 'EXPIRES', 'REVOKED']);
    return 0;
  } catch (e) {
    if (e instanceof AuthError) {
      console.error(`osprey tokens: ${e.message}`);
      return 1;
    }
    throw e;
  } finally {
    await db.close();
  }
}

/** The server's database as the server would open it, migrated (a fresh folder works too). */
async function openTokenDatabase(env: NodeJS.ProcessEnv): Promise<Database> {
  const url = env['DATABASE_URL'] || undefined;
  if (url !== undefined && !/^postgres(ql)?:\/\//.test(url)) {
    throw new Error('DATABASE_URL must be a postgres:// URL; unset it to use the embedded database');
  }
  const db = await openDatabase({
    url,
    dataDir: env['OSPREY_DATA_DIR'] || undefined,
    schema: env['OSPREY_DATABASE_SCHEMA'] || undefined,
    vacuumIntervalMs: 0,
  });
  try {
    await migrate(db);
  } catch (e) {
    await db.close();
    throw e;
  }
  return db;
}

function row(t: TokenInfo): string[] {
  const day = (d: Date | undefined) =>
    d === undefined ? '' : d.toISOString().slice(0, 16).replace('T', ' ');
  return [t.id, t.kind, t.name, day(t.createdAt), day(t.lastUsedAt), day(t.expiresAt), day(t.revokedAt)];
}

function usage(message: string): number {
  console.error(`osprey tokens: ${message}\n\n${HELP}`);
  return 2;
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      registration: { type: 'boolean' },
      'expires-in': { type: 'string' },
      all: { type: 'boolean' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
