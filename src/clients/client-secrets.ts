import { createArgon2Queue, type Argon2Bounds, type Argon2Queue } from './secrets.js';
import { createVerifiedSecrets } from './verified-secrets.js';

/**
 * The process's secret work: argon2id through its bounded, fair queue (see `Argon2Queue`), and the memory of
 * secrets that already passed it once (see `VerifiedSecrets`), so that a warm grant skips argon2.
 */
export interface ClientSecrets {
  hash(secret: string): Promise<string>;
  /**
   * Whether `secret` matches the client's stored hash: from memory when it was verified against exactly this hash
   * before, else by argon2 (bounded per `address`; may throw `RateLimitedError` or `ServiceUnavailableError`).
   */
  check(clientId: string, secretHash: string, secret: string, address: string): Promise<boolean>;
  /** argon2 alone, never remembered: the dummy verification that makes an unknown id cost what a wrong secret does. */
  verify(secretHash: string, secret: string, address: string): Promise<boolean>;
  /** Drops what is remembered of a client's secret (it changed, or the client is gone). */
  forget(clientId: string): void;
}

export function createClientSecrets(bounds?: Argon2Bounds): ClientSecrets {
  const argon2: Argon2Queue = createArgon2Queue(bounds);
  const verified = createVerifiedSecrets();
  return {
    hash: (secret) => argon2.hash(secret),
    async check(clientId, secretHash, secret, address) {
      if (verified.matches(clientId, secretHash, secret)) return true;
      const ok = await argon2.verify(secretHash, secret, address);
      if (ok) verified.remember(clientId, secretHash, secret);
      return ok;
    },
    verify: (secretHash, secret, address) => argon2.verify(secretHash, secret, address),
    forget: (clientId) => verified.forget(clientId),
  };
}
