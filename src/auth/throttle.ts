import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { RateLimitedError } from './errors.js';

export interface RateLimit {
  readonly points: number;
  readonly durationSeconds: number;
}

/**
 * Counts failed client authentications per client id and per client IP. Once a key has used its allowance, every
 * attempt for that key, right or wrong, is refused until the window ends: guessing gains nothing. Successful
 * authentications are never counted.
 */
export interface AuthThrottle {
  /** Throws `RateLimitedError` when the client id or the IP is blocked. */
  check(clientId: string, ip: string): Promise<void>;
  /** Records one failure against both. */
  fail(clientId: string, ip: string): Promise<void>;
}

/**
 * In memory by default; in Redis when a client is given, so every process shares the counts. If Redis fails, the
 * memory limiter stands in (rate-limiter-flexible's insurance limiter) rather than letting every attempt through.
 */
export function createAuthThrottle(limit: RateLimit, redis?: Redis): AuthThrottle {
  const make = (keyPrefix: string): RateLimiterAbstract => {
    const options = { keyPrefix, points: limit.points, duration: limit.durationSeconds };
    const memory = new RateLimiterMemory(options);
    return redis ? new RateLimiterRedis({ ...options, storeClient: redis, insuranceLimiter: memory }) : memory;
  };
  const byClient = make('gatehouse:auth-fail:client');
  const byIp = make('gatehouse:auth-fail:ip');

  return {
    async check(clientId, ip) {
      const [client, address] = await Promise.all([byClient.get(clientId), byIp.get(ip)]);
      const blocked = [client, address].filter((state) => state !== null && state.consumedPoints >= limit.points);
      if (blocked.length > 0) {
        const waitMs = Math.max(...blocked.map((state) => state!.msBeforeNext));
        throw new RateLimitedError(Math.max(1, Math.ceil(waitMs / 1000)));
      }
    },
    async fail(clientId, ip) {
      // consume() rejects once the allowance is used up; the count is what matters here, not the verdict.
      await Promise.all([byClient.consume(clientId).catch(() => {}), byIp.consume(ip).catch(() => {})]);
    },
  };
}
