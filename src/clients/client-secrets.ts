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
   * The hash this secret was verified against, if it was (see `VerifiedSecrets.verifiedHash`); counts nothing. The
   * secret is good without argon2 only if that is still the client's stored hash: `confirm` says.
   */
  verifiedHash(clientId: string, secret: string): string | null;
  /**
   * Whether the hash `verifiedHash` answered is the client's current one, `secretHash`: then the secret is good
   * without argon2, counted as a cache hit. Computes nothing from the secret again.
   */
  confirm(clientId: string, verifiedHash: string, secretHash: string): boolean;
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
    verifiedHash: (clientId, secret) => verified.verifiedHash(clientId, secret),
    confirm(clientId, verifiedHash, secretHash) {
      if (verifiedHash !== secretHash) return false;
      verified.touch(clientId, secretHash);
      telemetry.cacheLookup('verified_secret', true);
      return true;
    },
    verify: (secretHash, secret, address) => argon2.verify(secretHash, secret, address),
    forget: (clientId) => verified.forget(clientId),
    argon2Load: () => argon2.load(),
  };
}
