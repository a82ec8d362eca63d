import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { hash, verify } from '@node-rs/argon2';
import { NO_TELEMETRY, RateLimitedError, ServiceUnavailableError, type Telemetry } from '../core/index.js';

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

export interface Argon2Bounds {
  /** Computations at once; more would not finish sooner (19 MiB each, on libuv's pool, where tokens are signed too). */
  readonly concurrency: number;
  /** Verifications waiting for a slot, over every caller; past it, 503 with `Retry-After`. */
  readonly maxQueued: number;
  /** Verifications running or waiting for one address; past it, 429 with `Retry-After`. */
  readonly maxPerAddress: number;
}

export const DEFAULT_ARGON2_BOUNDS: Argon2Bounds = Object.freeze({
  concurrency: Math.max(1, availableParallelism()),
  maxQueued: 128,
  maxPerAddress: 32,
});

/**
 * The process's argon2id computations. Verifications come from unauthenticated callers, so their queue is bounded
 * and fair: each address waits in a line of its own, and a freed slot goes to the next address in turn, so a burst
 * from one address delays that address alone (a first-time grant from elsewhere waits behind at most one
 * computation per busy address). What exceeds an address's share (429) or the whole queue (503) is refused at once
 * rather than queued. Hashing (creating a client, rotating a secret) is done for authenticated callers and only
 * takes its turn. A secret already verified once never comes here (see `VerifiedSecrets`).
 */
export interface Argon2Queue {
  hash(secret: string): Promise<string>;
  /**
   * Constant-time by construction: argon2 recomputes the hash and compares it in full. Throws `ServiceUnavailableError`
   * or `RateLimitedError` without verifying when the queue, or the address's share of it, is full.
   */
  verify(secretHash: string, secret: string, address: string): Promise<boolean>;
  /** Computations (verifications and hashes) running now, and waiting for a slot: for the metrics. */
  load(): Argon2Load;
}

export interface Argon2Load {
  readonly running: number;
  readonly waiting: number;
}

type Job = () => Promise<void>;

export function createArgon2Queue(
  bounds: Argon2Bounds = DEFAULT_ARGON2_BOUNDS,
  telemetry: Telemetry = NO_TELEMETRY,
): Argon2Queue {
  /** Waiting jobs by address, in the order the addresses get their turn (a Map keeps insertion order). */
  const lines = new Map<string, Job[]>();
  /** Jobs running or waiting, by address. */
  const held = new Map<string, number>();
  let running = 0;
  let waiting = 0;

  const next = () => {
    while (running < bounds.concurrency && waiting > 0) {
      const [address, line] = lines.entries().next().value!;
      const job = line.shift()!;
      waiting -= 1;
      // Its turn taken: to the back of the round, if it has more waiting.
      lines.delete(address);
      if (line.length > 0) lines.set(address, line);
      running += 1;
      void job().finally(() => {
        running -= 1;
        next();
      });
    }
  };

  const enqueue = <T>(address: string, work: () => Promise<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const line = lines.get(address) ?? [];
      line.push(() => work().then(resolve, reject));
      lines.set(address, line);
      waiting += 1;
      next();
    });

  return {
    // Hashing gets its turn like one more address; its callers are authenticated, so it is never refused.
    hash: (secret) => enqueue('', () => hash(secret)),
    async verify(secretHash, secret, address) {
      const mine = held.get(address) ?? 0;
      if (mine >= bounds.maxPerAddress) {
        telemetry.argon2Refused('address_share_full');
        throw new RateLimitedError(
          1,
          'Too many client authentications from this address at once. Try again in a second.',
        );
      }
      if (waiting >= bounds.maxQueued) {
        telemetry.argon2Refused('queue_full');
        throw new ServiceUnavailableError(1, 'The server is busy verifying client secrets. Try again shortly.');
      }
      held.set(address, mine + 1);
      try {
        return await enqueue(`@${address}`, () => verify(secretHash, secret));
      } catch {
        // A malformed stored hash must fail closed, never throw through.
        return false;
      } finally {
        const left = held.get(address)! - 1;
        if (left === 0) held.delete(address);
        else held.set(address, left);
      }
    },
    load: () => ({ running, waiting }),
  };
}
