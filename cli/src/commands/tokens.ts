/**
 * `osprey tokens create|ls|revoke`: API and runner registration tokens, straight on the database
 * (`DATABASE_URL`, else the PGlite folder of `OSPREY_DATA_DIR`), so the first token can be made
 * before any server runs. A created token is printed once, alone on stdout; only its digest is kept.
 */

import { userInfo } from 'node:os';
import { AuditLog } from '../../../app/src/audit/audit-log.ts';
import { AuthError, type TokenInfo, TokenService } from '../../../app/src/auth/token-service.ts';
import { durationToMs } from '../../../app/src/kv/kv-values.ts';
import { type Database, openDatabase } from '../../../app/src/storage/database.ts';
import { migrate } from '../../../app/src/storage/migrate.ts';
import { Command, usageError, usageHint } from '../program.ts';
import { printTable } from './kv.ts';

export function command(): Command {
  const tokens = new Command('tokens')
    .description(
      `Creates, lists and revokes API tokens (for people and tools: the REST API, osprey kv, osprey secrets) and, with --registration, runner registration tokens. Works directly on the database: DATABASE_URL when set, else the embedded database in OSPREY_DATA_DIR (default .osprey), which a running server holds: stop it first, or use DATABASE_URL. OSPREY_DATABASE_SCHEMA picks the schema.

A created token is printed once, alone on stdout (TOKEN=$(osprey tokens create ci)); it cannot be shown again, only revoked.`,
    )
    .addHelpText(
      'after',
      '\nExit code: 0 done, 1 refused (name taken, unknown id, database unavailable), 2 bad usage.',
    );
  tokens
    .command('create')
    .description('create an API token (or, with --registration, a runner registration token)')
    .argument('<name>', 'what the token is for, e.g. ci')
    .option('--registration', 'create a runner registration token instead of an API token')
    .option('--expires-in <DURATION>', 'expire after an ISO-8601 duration such as P90D or PT12H')
    .action(async (name: string, o: { registration?: boolean; expiresIn?: string }, cmd: Command) => {
      let expiresAt: Date | undefined;
      if (o.expiresIn !== undefined) {
        const ms = durationToMs(o.expiresIn);
        if (ms === undefined || ms <= 0)
          usageError(
            cmd,
            `--expires-in must be a positive ISO-8601 duration such as P90D, got '${o.expiresIn}'`,
          );
        expiresAt = new Date(Date.now() + ms);
      }
      process.exitCode = await onDatabase((service, audit) =>
        create(service, audit, name, o.registration ?? false, expiresAt),
      );
    });
  tokens
    .command('ls')
    .description('list the tokens (never their secret part)')
    .option('--all', 'include revoked tokens')
    .option('--json', 'print JSON')
    .action(async (o: { all?: boolean; json?: boolean }) => {
      process.exitCode = await onDatabase(async (service) => {
        const all = await service.listTokens();
        const shown = o.all ? all : all.filter((t) => t.revokedAt === undefined);
        if (o.json) console.log(JSON.stringify(shown, null, 2));
        else if (shown.length === 0)
          console.error('no tokens; create one with `osprey tokens create <name>`');
        else printTable(shown.map(row), ['ID', 'KIND', 'NAME', 'CREATED', 'LAST USED', 'EXPIRES', 'REVOKED']);
        return 0;
      });
    });
  tokens
    .command('revoke')
    .description('revoke a token')
    .argument('<id>', 'the token id (see osprey tokens ls)')
    .action(async (id: string) => {
      process.exitCode = await onDatabase(async (service, audit) => {
        if (await service.revokeToken(id)) {
          await audit('DELETE', id, { revoked: true });
          console.log(`revoked token ${id}`);
          return 0;
        }
        console.error(`osprey tokens: no live token with id '${id}'; \`osprey tokens ls\` lists them`);
        return 1;
      });
    });
  // The hint a missing or extra argument gets, instead of the generic pointer to --help.
  const hints: Record<string, string> = {
    create: 'tokens create takes one name, e.g. osprey tokens create ci',
    revoke: 'tokens revoke takes one token id (see osprey tokens ls)',
    ls: 'tokens ls takes no argument',
  };
  for (const sub of tokens.commands) usageHint(sub, hints[sub.name()] ?? '');
  return tokens;
}

async function create(
  tokens: TokenService,
  audit: TokenAudit,
  name: string,
  registration: boolean,
  expiresAt: Date | undefined,
): Promise<number> {
  const kind = registration ? 'registration' : 'api';
  const { token, info } =
    kind === 'api'
      ? await tokens.createApiToken(name, expiresAt === undefined ? {} : { expiresAt })
      : await tokens.createRegistrationToken(name, expiresAt === undefined ? {} : { expiresAt });
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

/** Runs `work` on the token service of the server's database; refusals exit 1. */
/** Records a token change in the audit log. */
type TokenAudit = (
  what: 'CREATE' | 'DELETE',
  resourceId: string,
  details: Record<string, unknown>,
) => Promise<void>;

async function onDatabase(
  work: (tokens: TokenService, audit: TokenAudit) => Promise<number>,
): Promise<number> {
  let db: Database;
  try {
    db = await openTokenDatabase(process.env);
  } catch (e) {
    console.error(`osprey tokens: ${(e as Error).message}`);
    return 1;
  }
  try {
    // Made on this machine's command line: the operating-system user is who did it.
    const audit: TokenAudit = (what, resourceId, details) =>
      new AuditLog(db).record({
        actorKind: 'cli',
        actorName: userInfo().username,
        action: what,
        resourceType: 'TOKEN',
        resourceId,
        userAgent: 'osprey tokens',
        details,
      });
    return await work(new TokenService(db), audit);
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
