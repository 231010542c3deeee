/**
 * Who may call Osprey. People and tools present API tokens (the admin token from
 * `OSPREY_API_TOKEN`, or tokens created with `osprey tokens create`); runners register once with a
 * registration token (`OSPREY_RUNNER_TOKEN`, or one created with the CLI) and get a runner
 * credential they present from then on. Nothing secret is stored: rows hold SHA-256 digests.
 */
import type { Executor } from '../storage/database.ts';
import {
  getRunner,
  insertRunner,
  listRunners,
  type RunnerRow,
  revokeRunner,
  touchRunner,
} from '../storage/runners.ts';
import {
  getToken,
  insertToken,
  listTokens,
  revokeToken,
  type TokenKind,
  type TokenRow,
  touchToken,
} from '../storage/tokens.ts';
import { newCredential, parseCredential, sameSecret, sha256 } from './token-format.ts';

export type Principal =
  | { kind: 'admin'; id: 'env'; name: 'OSPREY_API_TOKEN' }
  | { kind: 'api'; id: string; name: string }
  | { kind: 'runner'; id: string; name: string; labels: Record<string, string> }
  | UserPrincipal;

/** What a GitHub user may do in a repository (GitHub's `pull`, `push`/`maintain`, `admin`). */
export type RepositoryPermission = 'read' | 'write' | 'admin';

/** A person signed in to the console with GitHub (console/user-sessions.ts). */
export interface UserPrincipal {
  kind: 'user';
  /** The console session's id. */
  id: string;
  /** The GitHub login. */
  name: string;
  /** `owner/name` → permission, as GitHub answered at sign-in. */
  repositories: Readonly<Record<string, RepositoryPermission>>;
  /** Listed in OSPREY_ADMINS: may set announcements. */
  admin: boolean;
}

export interface TokenInfo {
  id: string;
  kind: TokenKind;
  name: string;
  createdAt: Date;
  expiresAt?: Date;
  lastUsedAt?: Date;
  revokedAt?: Date;
}

export interface RunnerInfo {
  id: string;
  name: string;
  labels: Record<string, string>;
  registeredWith: string;
  registeredAt: Date;
  lastSeenAt?: Date;
  revokedAt?: Date;
}

export const AUTH_ERROR_CODES = ['UNAUTHORIZED', 'INVALID_NAME', 'NAME_TAKEN'] as const;
export type AuthErrorCode = (typeof AUTH_ERROR_CODES)[number];

export class AuthError extends Error {
  override name = 'AuthError';
  readonly code: AuthErrorCode;
  constructor(code: AuthErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

export interface TokenServiceOptions {
  /** `OSPREY_API_TOKEN`: accepted as an admin API token. */
  adminToken?: string | undefined;
  /** `OSPREY_RUNNER_TOKEN`: accepted as a registration token. */
  registrationToken?: string | undefined;
  now?: () => number;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,99}$/;
const LABEL_KEY = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,62}$/;

function toTokenInfo(row: TokenRow): TokenInfo {
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    createdAt: row.createdAt,
    ...(row.expiresAt === null ? {} : { expiresAt: row.expiresAt }),
    ...(row.lastUsedAt === null ? {} : { lastUsedAt: row.lastUsedAt }),
    ...(row.revokedAt === null ? {} : { revokedAt: row.revokedAt }),
  };
}

function toRunnerInfo(row: RunnerRow): RunnerInfo {
  return {
    id: row.id,
    name: row.name,
    labels: row.labels,
    registeredWith: row.registeredWith,
    registeredAt: row.registeredAt,
    ...(row.lastSeenAt === null ? {} : { lastSeenAt: row.lastSeenAt }),
    ...(row.revokedAt === null ? {} : { revokedAt: row.revokedAt }),
  };
}

function assertName(what: string, name: string): void {
  if (!NAME.test(name)) {
    throw new AuthError(
      'INVALID_NAME',
      `'${name}' is not a valid ${what} name: 1 to 100 letters, digits, spaces, '.', '_' or '-', starting with a letter or digit`,
    );
  }
}

export class TokenService {
  readonly #db: Executor;
  readonly #adminHash: Buffer | undefined;
  readonly #registrationHash: Buffer | undefined;
  readonly #now: () => number;

  constructor(db: Executor, options: TokenServiceOptions = {}) {
    this.#db = db;
    // Kept as digests only, so the comparison is constant-time like the stored ones.
    this.#adminHash = options.adminToken === undefined ? undefined : sha256(options.adminToken);
    this.#registrationHash =
      options.registrationToken === undefined ? undefined : sha256(options.registrationToken);
    this.#now = options.now ?? Date.now;
  }

  /** Creates an API token; the plaintext is in the answer only, never stored. */
  async createApiToken(
    name: string,
    options: { expiresAt?: Date } = {},
  ): Promise<{ token: string; info: TokenInfo }> {
    return this.#create('api', name, options.expiresAt);
  }

  /** Creates a registration token to hand to a runner's operator. */
  async createRegistrationToken(
    name: string,
    options: { expiresAt?: Date } = {},
  ): Promise<{ token: string; info: TokenInfo }> {
    return this.#create('registration', name, options.expiresAt);
  }

  async listTokens(kind?: TokenKind): Promise<TokenInfo[]> {
    return (await listTokens(this.#db, kind)).map(toTokenInfo);
  }

  /** True when a live token was revoked. */
  async revokeToken(id: string): Promise<boolean> {
    return revokeToken(this.#db, id, new Date(this.#now()));
  }

  /** The principal behind an API token, or undefined (unknown, revoked, expired, malformed). */
  async verifyApiToken(presented: string): Promise<Principal | undefined> {
    if (this.#adminHash !== undefined && sameSecret(presented, this.#adminHash)) {
      return { kind: 'admin', id: 'env', name: 'OSPREY_API_TOKEN' };
    }
    const row = await this.#liveToken(presented, 'api');
    if (row === undefined) return undefined;
    await touchToken(this.#db, row.id, new Date(this.#now()));
    return { kind: 'api', id: row.id, name: row.name };
  }

  /** Which registration token this is (`env` for OSPREY_RUNNER_TOKEN), or undefined. */
  async verifyRegistrationToken(presented: string): Promise<string | undefined> {
    if (this.#registrationHash !== undefined && sameSecret(presented, this.#registrationHash)) return 'env';
    return (await this.#liveToken(presented, 'registration'))?.id;
  }

  /**
   * Exchanges a registration token for a runner credential. Throws `AuthError('UNAUTHORIZED')`
   * without writing anything when the registration token is not valid.
   */
  async registerRunner(
    registrationToken: string,
    runner: { name: string; labels?: Record<string, string> },
  ): Promise<{ runner: RunnerInfo; credential: string }> {
    const registeredWith = await this.verifyRegistrationToken(registrationToken);
    if (registeredWith === undefined) {
      throw new AuthError('UNAUTHORIZED', 'invalid, revoked or expired registration token');
    }
    assertName('runner', runner.name);
    const labels = runner.labels ?? {};
    for (const [k, v] of Object.entries(labels)) {
      if (!LABEL_KEY.test(k) || typeof v !== 'string' || v.length > 200) {
        throw new AuthError(
          'INVALID_NAME',
          `runner label '${k}' is not valid: keys are letters, digits, '.', '_', '/', '-'; values at most 200 characters`,
        );
      }
    }
    const credential = newCredential('runner');
    await insertRunner(
      this.#db,
      { id: credential.id, name: runner.name, labels, credentialHash: credential.secretHash, registeredWith },
      new Date(this.#now()),
    );
    const row = await getRunner(this.#db, credential.id);
    if (row === undefined) throw new Error(`runner ${credential.id} vanished right after registration`);
    return { runner: toRunnerInfo(row), credential: credential.token };
  }

  /** The runner behind a credential, or undefined (unknown, revoked, malformed). */
  async verifyRunner(presented: string): Promise<RunnerInfo | undefined> {
    const parsed = parseCredential(presented);
    if (parsed === undefined || parsed.kind !== 'runner') return undefined;
    const row = await getRunner(this.#db, parsed.id);
    if (row === undefined || row.revokedAt !== null || !sameSecret(parsed.secret, row.credentialHash))
      return undefined;
    await touchRunner(this.#db, row.id, new Date(this.#now()));
    return toRunnerInfo(row);
  }

  async listRunners(): Promise<RunnerInfo[]> {
    return (await listRunners(this.#db)).map(toRunnerInfo);
  }

  async revokeRunner(id: string): Promise<boolean> {
    return revokeRunner(this.#db, id, new Date(this.#now()));
  }

  async #create(
    kind: TokenKind,
    name: string,
    expiresAt: Date | undefined,
  ): Promise<{ token: string; info: TokenInfo }> {
    assertName(kind === 'api' ? 'API token' : 'registration token', name);
    const credential = newCredential(kind);
    const inserted = await insertToken(
      this.#db,
      { id: credential.id, kind, name, secretHash: credential.secretHash, expiresAt },
      new Date(this.#now()),
    );
    if (!inserted) {
      throw new AuthError(
        'NAME_TAKEN',
        `a live ${kind} token named '${name}' exists; revoke it first or choose another name`,
      );
    }
    const row = await getToken(this.#db, credential.id);
    if (row === undefined) throw new Error(`token ${credential.id} vanished right after creation`);
    return { token: credential.token, info: toTokenInfo(row) };
  }

  async #liveToken(presented: string, kind: TokenKind): Promise<TokenRow | undefined> {
    const parsed = parseCredential(presented);
    if (parsed === undefined || parsed.kind !== kind) return undefined;
    const row = await getToken(this.#db, parsed.id);
    if (row === undefined || row.kind !== kind || row.revokedAt !== null) return undefined;
    if (row.expiresAt !== null && row.expiresAt.getTime() <= this.#now()) return undefined;
    return sameSecret(parsed.secret, row.secretHash) ? row : undefined;
  }
}
