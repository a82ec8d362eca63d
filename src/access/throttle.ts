import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { RateLimitedError } from '../core/index.js';

export interface RateLimit {
  readonly points: number;
  readonly durationSeconds: number;
}

export interface ThrottleLimits {
  /** Failed authentications per (client id, address) pair in a window. */
  readonly pair: RateLimit;
  /** Failed authentications per address in a window, whatever client ids they name (spraying). */
  readonly address: RateLimit;
}

/** One counted authentication attempt; give its points back once it has succeeded, so only failures stay counted. */
export interface ThrottleAttempt {
  refund(): Promise<void>;
}

/**
 * The failed-authentication throttle (SPEC §9). Counted per (client id, address) pair and per address, never per
 * client id alone: client ids are public (they are in every token), so a count per id would let anyone lock any
 * client out everywhere, and guesses from one address must not lock the same client out at another.
 *
 * The attempt is counted *before* the secret is checked, with the limiter's atomic consume, so concurrent guesses
 * get at most the allowance of verdicts; a success refunds its point. Once a key has used its allowance, every
 * attempt for it, right secret or wrong, is 429 until the window ends: guessing gains nothing.
 */
export interface AuthThrottle {
  /** Counts an attempt; throws `RateLimitedError` when the pair or the address has used its allowance. */
  attempt(clientId: string, ip: string): Promise<ThrottleAttempt>;
  /**
   * Throws `RateLimitedError` when the pair or the address has used its allowance, counting nothing: for a secret
   * already known to be right, which is no guess, but must still be refused while its pair or address is locked.
   */
  check(clientId: string, ip: string): Promise<void>;
}

/** Which key an attempt put over its allowance first, for the lockout log line; null when it was already over. */
export type Lockout = 'pair' | 'address' | null;

/** A refused attempt, with the key it locked out if it was the first one over the allowance. */
export class ThrottledError extends RateLimitedError {
  constructor(
    retryAfter: number,
    /** For the log only. */
    readonly lockout: Lockout,
  ) {
    super(retryAfter);
  }
}

/**
 * In memory by default; in Redis when a client is given, so every process shares the counts. If Redis fails, the
 * memory limiter stands in (rate-limiter-flexible's insurance limiter) rather than letting every attempt through.
 */
export function createAuthThrottle(limits: ThrottleLimits, redis?: Redis): AuthThrottle {
  const make = (keyPrefix: string, limit: RateLimit): RateLimiterAbstract => {
    const options = { keyPrefix, points: limit.points, duration: limit.durationSeconds };
    const memory = new RateLimiterMemory(options);
    return redis ? new RateLimiterRedis({ ...options, storeClient: redis, insuranceLimiter: memory }) : memory;
  };
  const byPair = make('gatehouse:auth-fail:pair', limits.pair);
  const byAddress = make('gatehouse:auth-fail:ip', limits.address);

  // A digest, so a long client id costs the same few bytes of limiter state as a short one.
  const pairKeyOf = (clientId: string, ip: string) =>
    `${createHash('sha256').update(clientId).digest('base64url')}|${ip}`;

  return {
    async check(clientId, ip) {
      const [pair, address] = await Promise.all([byPair.get(pairKeyOf(clientId, ip)), byAddress.get(ip)]);
      let waitMs = -1;
      for (const [result, limit] of [
        [pair, limits.pair],
        [address, limits.address],
      ] as const) {
        // Used up: the next counted attempt would be refused, so this one is too.
        if (result && result.consumedPoints >= limit.points) waitMs = Math.max(waitMs, result.msBeforeNext);
      }
      if (waitMs >= 0) throw new ThrottledError(Math.max(1, Math.ceil(waitMs / 1000)), null);
    },
    async attempt(clientId, ip) {
      const pairKey = pairKeyOf(clientId, ip);
      const [pair, address] = await Promise.allSettled([byPair.consume(pairKey), byAddress.consume(ip)]);
      const refused = [
        { result: pair, limit: limits.pair, lockout: 'pair' as const },
        { result: address, limit: limits.address, lockout: 'address' as const },
      ].filter(({ result }) => result.status === 'rejected');
      if (refused.length > 0) {
        let waitMs = 0;
        let lockout: Lockout = null;
        for (const { result, limit, lockout: key } of refused) {
          const reason = (result as PromiseRejectedResult).reason as unknown;
          // Anything but a limiter verdict is a store failure the insurance limiter could not absorb.
          if (!(reason instanceof RateLimiterRes)) throw reason;
          waitMs = Math.max(waitMs, reason.msBeforeNext);
          if (reason.consumedPoints === limit.points + 1) lockout ??= key;
        }
        throw new ThrottledError(Math.max(1, Math.ceil(waitMs / 1000)), lockout);
      }
      return {
        async refund() {
          await Promise.all([byPair.reward(pairKey, 1), byAddress.reward(ip, 1)]);
        },
      };
    },
  };
}
