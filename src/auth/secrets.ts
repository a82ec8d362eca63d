import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { hash, verify } from '@node-rs/argon2';
import pLimit from 'p-limit';

/**
 * At most one argon2id computation per core. More would not finish sooner: they would hold 19 MiB each, and
 * occupy libuv's 4-thread pool, where WebCrypto signs the tokens of the grants that do succeed.
 */
const argon2Slots = pLimit(Math.max(1, availableParallelism()));

/** 128 random bits, hex: not secret, but unguessable so ids leak nothing about each other. */
export function newClientId(): string {
  return randomBytes(16).toString('hex');
}

/** 256 random bits, base64url (43 characters). Shown once, then only its argon2id hash is kept. */
export function newClientSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** argon2id at the library default (m=19456 KiB, t=2, p=1: OWASP's minimum); async, so the loop stays free. */
export function hashSecret(secret: string): Promise<string> {
  return argon2Slots(() => hash(secret));
}

/** Constant-time by construction: argon2 recomputes the hash and compares it in full. */
export async function verifySecret(secretHash: string, secret: string): Promise<boolean> {
  try {
    return await argon2Slots(() => verify(secretHash, secret));
  } catch {
    // A malformed stored hash must fail closed, never throw through.
    return false;
  }
}
