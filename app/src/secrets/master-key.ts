/**
 * The master key of the Postgres secrets backend: 32 random bytes, given base64- or hex-encoded in
 * `OSPREY_SECRETS_KEY`. Its id (a short SHA-256 fingerprint, which reveals nothing of the key) is
 * stored beside each ciphertext, so after a rotation the old key, kept in
 * `OSPREY_SECRETS_PREVIOUS_KEYS`, still decrypts what it encrypted.
 */
import { createHash } from 'node:crypto';

export interface MasterKey {
  id: string;
  key: Buffer;
}

export const GENERATE_KEY_HINT = 'generate one with: openssl rand -base64 32';

/** Parses a key; the error never repeats the value. */
export function parseMasterKey(text: string, variable = 'OSPREY_SECRETS_KEY'): MasterKey {
  const trimmed = text.trim();
  let key: Buffer | undefined;
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) key = Buffer.from(trimmed, 'hex');
  else if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)) key = Buffer.from(trimmed, 'base64');
  if (key === undefined || key.length !== 32) {
    const got = key === undefined ? 'is neither base64 nor hex' : `decodes to ${key.length} bytes`;
    throw new Error(
      `${variable} ${got}; it must be 32 random bytes, base64- or hex-encoded (${GENERATE_KEY_HINT})`,
    );
  }
  return { id: keyId(key), key };
}

export function keyId(key: Buffer): string {
  return `k${createHash('sha256').update(key).digest('hex').slice(0, 12)}`;
}
