import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { createAuthThrottle, type AuthThrottle } from '../access/index.js';
import type { Config } from '../config/index.js';

export interface Limits {
  readonly throttle: AuthThrottle;
  readonly requestLimiter: RateLimiterAbstract | null;
  /**
   * Resolves once Redis, if used, is connected, or after `timeoutMs` (false then). Until it is, the limiters count
   * in this process only (their insurance limiter): waiting before listening makes the counts shared from the first
   * request.
   */
  ready(timeoutMs?: number): Promise<boolean>;
  /** Disconnects Redis, if used. */
  close(): Promise<void>;
}

/** The failed-authentication throttle and the optional request limit, in Redis when `[redis] url` is set. */
export function createLimits(config: Pick<Config, 'security' | 'redis'>): Limits {
  const redis = config.redis.url
    ? new Redis(config.redis.url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: false })
    : undefined;
  // An unreachable Redis is logged by the limiters' insurance fallback, not thrown at every request.
  redis?.on('error', () => {});
  const request = config.security.requestRateLimit;
  let requestLimiter: RateLimiterAbstract | null = null;
  if (request) {
    const options = { keyPrefix: 'gatehouse:requests', points: request.points, duration: request.durationSeconds };
    const memory = new RateLimiterMemory(options);
    requestLimiter = redis
      ? new RateLimiterRedis({ ...options, storeClient: redis, insuranceLimiter: memory })
      : memory;
  }
  return {
    throttle: createAuthThrottle(
      { pair: config.security.authRateLimit, address: config.security.authIpRateLimit },
      redis,
    ),
    requestLimiter,
    ready: async (timeoutMs = 5_000) => {
      if (!redis || redis.status === 'ready') return true;
      let timer: NodeJS.Timeout | undefined;
      const connected = new Promise<boolean>((resolve) => {
        redis.once('ready', () => resolve(true));
        timer = setTimeout(() => resolve(false), timeoutMs);
      });
      try {
        return await connected;
      } finally {
        clearTimeout(timer);
      }
    },
    close: async () => {
      if (redis) await redis.quit().catch(() => redis.disconnect());
    },
  };
}
