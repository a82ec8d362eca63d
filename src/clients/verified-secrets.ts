import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Secrets that passed one argon2id verification, so the next grant with the same secret skips argon2.
 *
 * - What is kept is an HMAC-SHA256 of the secret under a key made at start and never stored or logged: a heap
 *   dump yields neither the secret nor anything to brute-force offline without that key.
 * - Each entry is bound to the stored argon2 hash it was verified against, and the caller passes the hash from the
 *   client's current row (read through `TokenStates`, which drops a changed row in this process before the change
 *   answers, and in the others when its notification arrives): a rotated secret has a new hash and a deleted client
 *   has no row, so either ends the entry. `forget` also frees it at once.
 * - A miss, or a secret whose digest differs, answers false: the caller then pays argon2 and the throttle as before.
 */
export interface VerifiedSecrets {
  /** Whether this secret was verified against exactly this stored hash. Constant-time in the secret. */
  matches(clientId: string, secretHash: string, secret: string): boolean;
  /**
   * The stored hash this secret was verified against, if it was (constant-time in the secret); null otherwise. For a
   * caller that must know whether a secret is already known good before it has read the client's row: once it has,
   * the secret is good only if this is still the row's hash (then `touch` it).
   */
  verifiedHash(clientId: string, secret: string): string | null;
  /** Marks the client's entry, if it is still for `secretHash`, as the most recently used. */
  touch(clientId: string, secretHash: string): void;
  /** Records a secret that argon2 has just verified against `secretHash`. */
  remember(clientId: string, secretHash: string, secret: string): void;
  forget(clientId: string): void;
}

interface Entry {
  readonly secretHash: string;
  readonly digest: Buffer;
}

/** Bounded: past `maxEntries`, the least recently used client's entry goes (it pays argon2 once more). */
export function createVerifiedSecrets(maxEntries = 10_000): VerifiedSecrets {
  const key = randomBytes(32);
  const entries = new Map<string, Entry>();
  const digest = (secret: string) => createHmac('sha256', key).update(secret).digest();

  return {
    matches(clientId, secretHash, secret) {
      const entry = entries.get(clientId);
      if (!entry || entry.secretHash !== secretHash) return false;
      if (!timingSafeEqual(entry.digest, digest(secret))) return false;
      // Most recently used last, so eviction takes the first.
      entries.delete(clientId);
      entries.set(clientId, entry);
      return true;
    },
    verifiedHash(clientId, secret) {
      const entry = entries.get(clientId);
      return entry && timingSafeEqual(entry.digest, digest(secret)) ? entry.secretHash : null;
    },
    touch(clientId, secretHash) {
      const entry = entries.get(clientId);
      if (!entry || entry.secretHash !== secretHash) return;
      entries.delete(clientId);
      entries.set(clientId, entry);
    },
    remember(clientId, secretHash, secret) {
      entries.delete(clientId);
      entries.set(clientId, { secretHash, digest: digest(secret) });
      if (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
    },
    forget(clientId) {
      entries.delete(clientId);
    },
  };
}
