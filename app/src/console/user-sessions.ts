/**
 * Console sessions of people signed in with GitHub. The cookie carries an `osp_ses_<id>_<secret>`
 * credential (token-format.ts); the row keeps the secret's digest, the login and the repository
 * permissions GitHub gave at sign-in. A session lasts `ttlMs` (default 8 h): permission changes on
 * GitHub apply at the next sign-in. The user's GitHub token is used during sign-in only and kept
 * nowhere.
 */
import { newCredential, parseCredential, sameSecret } from '../auth/token-format.ts';
import type { RepositoryPermission, UserPrincipal } from '../auth/token-service.ts';
import type { Executor } from '../storage/database.ts';
import { table } from '../storage/identifiers.ts';

export const SESSION_TTL_MS = 8 * 60 * 60 * 1000;

export interface UserSessionsOptions {
  /** GitHub logins that may set announcements (OSPREY_ADMINS). */
  admins?: readonly string[];
  ttlMs?: number;
  now?: () => number;
}

export class UserSessions {
  readonly #db: Executor;
  readonly #admins: Set<string>;
  readonly #ttlMs: number;
  readonly #now: () => number;

  constructor(db: Executor, options: UserSessionsOptions = {}) {
    this.#db = db;
    this.#admins = new Set((options.admins ?? []).map((l) => l.toLowerCase()));
    this.#ttlMs = options.ttlMs ?? SESSION_TTL_MS;
    this.#now = options.now ?? Date.now;
  }

  /** A new session; the credential is in the answer only. */
  async create(login: string, repositories: Record<string, RepositoryPermission>): Promise<string> {
    const credential = newCredential('session');
    const now = this.#now();
    await this.#db.query(`DELETE FROM ${table(this.#db, 'console_sessions')} WHERE expires_at < $1`, [
      new Date(now),
    ]);
    await this.#db.query(
      `INSERT INTO ${table(this.#db, 'console_sessions')} (id, secret_hash, login, repositories, created_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [
        credential.id,
        credential.secretHash,
        login,
        JSON.stringify(repositories),
        new Date(now),
        new Date(now + this.#ttlMs),
      ],
    );
    return credential.token;
  }

  /** The person behind a session credential, or undefined (unknown, ended, expired, malformed). */
  async verify(presented: string): Promise<UserPrincipal | undefined> {
    const parsed = parseCredential(presented);
    if (parsed?.kind !== 'session') return undefined;
    const { rows } = await this.#db.query<{
      secretHash: Uint8Array;
      login: string;
      repositories: Record<string, RepositoryPermission> | string;
      expiresAt: Date;
    }>(
      `SELECT secret_hash AS "secretHash", login, repositories, expires_at AS "expiresAt"
       FROM ${table(this.#db, 'console_sessions')} WHERE id = $1`,
      [parsed.id],
    );
    const row = rows[0];
    if (row === undefined || !sameSecret(parsed.secret, Buffer.from(row.secretHash))) return undefined;
    if (new Date(row.expiresAt).getTime() <= this.#now()) return undefined;
    const repositories =
      typeof row.repositories === 'string' ? JSON.parse(row.repositories) : row.repositories;
    return {
      kind: 'user',
      id: parsed.id,
      name: row.login,
      repositories,
      admin: this.#admins.has(row.login.toLowerCase()),
    };
  }

  /** Ends a session (sign out). */
  async end(presented: string): Promise<void> {
    const parsed = parseCredential(presented);
    if (parsed?.kind !== 'session') return;
    await this.#db.query(`DELETE FROM ${table(this.#db, 'console_sessions')} WHERE id = $1`, [parsed.id]);
  }
}
