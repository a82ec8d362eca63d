import { NO_TELEMETRY, type Telemetry } from '../core/index.js';
import { createArgon2Queue, type Argon2Bounds, type Argon2Load, type Argon2Queue } from './secrets.js';
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
  /**
   * Whether `secret` was verified against exactly `secretHash` before, without argon2 and without a fallback to it:
   * counted as a cache hit when it was. `verifiedHash` says first, without the stored hash, whether it can be.
   */
  remembers(clientId: string, secretHash: string, secret: string): boolean;
  /** The hash this secret was verified against, if it was (see `VerifiedSecrets.verifiedHash`); counts nothing. */
  verifiedHash(clientId: string, secret: string): string | null;
  /** argon2 alone, never remembered: the dummy verification that makes an unknown id cost what a wrong secret does. */
  verify(secretHash: string, secret: string, address: string): Promise<boolean>;
  /** Drops what is remembered of a client's secret (it changed, or the client is gone). */
  forget(clientId: string): void;
  /** The argon2 queue's computations running and waiting now. */
  argon2Load(): Argon2Load;
}

export function createClientSecrets(options: { bounds?: Argon2Bounds; telemetry?: Telemetry } = {}): ClientSecrets {
  const telemetry = options.telemetry ?? NO_TELEMETRY;
  const argon2: Argon2Queue = createArgon2Queue(options.bounds, telemetry);
  const verified = createVerifiedSecrets();
  return {
    hash: (secret) => argon2.hash(secret),
    async check(clientId, secretHash, secret, address) {
      const remembered = verified.matches(clientId, secretHash, secret);
      telemetry.cacheLookup('verified_secret', remembered);
      if (remembered) return true;
      const ok = await argon2.verify(secretHash, secret, address);
      if (ok) verified.remember(clientId, secretHash, secret);
      return ok;
    },
    remembers(clientId, secretHash, secret) {
      const remembered = verified.matches(clientId, secretHash, secret);
      if (remembered) telemetry.cacheLookup('verified_secret', true);
      return remembered;
    },
    verifiedHash: (clientId, secret) => verified.verifiedHash(clientId, secret),
    verify: (secretHash, secret, address) => argon2.verify(secretHash, secret, address),
    forget: (clientId) => verified.forget(clientId),
    argon2Load: () => argon2.load(),
  };
}
