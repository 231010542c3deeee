/** Execution and task-run ids: 22 base62 characters from 128 bits, like Kestra's short UUIDs. */
import { createHash, randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** A random id. */
export function newId(): string {
  return encode(randomBytes(16));
}

/**
 * The id of one occurrence (a webhook call with an idempotency key, a GitHub delivery of a flow):
 * the same parts always give the same id, so starting it again finds the execution it made.
 */
export function idOf(...parts: readonly string[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(`${part.length}:${part}`);
  return encode(hash.digest().subarray(0, 16));
}

function encode(bytes: Uint8Array): string {
  let n = BigInt(`0x${Buffer.from(bytes).toString('hex')}`);
  let out = '';
  for (let i = 0; i < 22; i++) {
    out = ALPHABET[Number(n % 62n)]! + out;
    n /= 62n;
  }
  return out;
}
