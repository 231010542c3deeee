/**
 * Osprey's credentials: `osp_<kind>_<id>_<secret>`. The id finds the row; only the SHA-256 of the
 * secret part is stored (the secret is 32 random bytes, so a plain hash is enough: no salt or
 * slow hash needed), and the comparison is constant-time. The prefix makes a leaked token easy to
 * recognise (secret scanners, logs).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const CREDENTIAL_KINDS = { api: 'api', registration: 'reg', runner: 'run', session: 'ses' } as const;
export type CredentialKind = keyof typeof CREDENTIAL_KINDS;

export interface ParsedCredential {
  kind: CredentialKind;
  id: string;
  secret: string;
}

const FORMAT = /^osp_(api|reg|run|ses)_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

export function newCredential(kind: CredentialKind): { token: string; id: string; secretHash: Buffer } {
  const id = randomBytes(8).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  return { token: `osp_${CREDENTIAL_KINDS[kind]}_${id}_${secret}`, id, secretHash: sha256(secret) };
}

export function parseCredential(token: string): ParsedCredential | undefined {
  const m = FORMAT.exec(token);
  if (m === null) return undefined;
  const kind = (Object.keys(CREDENTIAL_KINDS) as CredentialKind[]).find((k) => CREDENTIAL_KINDS[k] === m[1]);
  return kind === undefined ? undefined : { kind, id: m[2] as string, secret: m[3] as string };
}

export function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** Constant-time: compares digests of equal length whatever the inputs. */
export function sameSecret(presented: string, expectedHash: Buffer): boolean {
  const digest = sha256(presented);
  return digest.length === expectedHash.length && timingSafeEqual(digest, expectedHash);
}
