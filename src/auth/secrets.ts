import { randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';

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
  return hash(secret);
}

/** Constant-time by construction: argon2 recomputes the hash and compares it in full. */
export async function verifySecret(secretHash: string, secret: string): Promise<boolean> {
  try {
    return await verify(secretHash, secret);
  } catch {
    // A malformed stored hash must fail closed, never throw through.
    return false;
  }
}
