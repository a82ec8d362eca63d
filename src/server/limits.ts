import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { createAuthThrottle, type AuthThrottle } from '../access/index.js';
import type { Config } from '../config/index.js';
import type { Logger } from '../core/index.js';

export interface Limits {
  readonly throttle: AuthThrottle;
  readonly requestLimiter: RateLimiterAbstract | null;
  /**
   * Resolves once Redis, if used, is connected, or after `timeoutMs` (false then). Until it is, the limiters count
   * in this process only (their insurance limiter): waiting before listening makes the counts shared from the first
   * request.
   */
  ready(timeoutMs?: number): Promise<boolean>;
  /**
   * With Redis configured, whether the counts go to Redis now (shared by every process); false while it cannot be
   * reached and each process counts on its own. Null without Redis.
   */
  readonly shared: (() => boolean) | null;
  /** Disconnects Redis, if used. */
  close(): Promise<void>;
}

/**
 * The failed-authentication throttle and the optional request limit, in Redis when `[redis] url` is set. When Redis
 * cannot be reached the limiters count in this process (their insurance limiter); `log` hears when that starts and
 * ends, once per outage.
 */
export async function createLimits(
  config: Pick<Config, 'security' | 'redis'>,
  options: { log?: Logger } = {},
): Promise<Limits> {
  // Loaded only when configured: ioredis is about 5 MB of RSS that a server without Redis never uses.
  const redis = config.redis.url
    ? new (await import('ioredis')).Redis(config.redis.url, {
        enableOfflineQueue: false,
        maxRetriesPerRequest: 1,
        lazyConnect: false,
      })
    : undefined;
  let shared = false;
  /** Whether the log last said that the counts are per process (an outage, or Redis missing at start). */
  let saidAlone = false;
  // ioredis reconnects by itself; each failed attempt is an 'error' event, which would otherwise be thrown.
  redis?.on('error', () => {});
  redis?.on('ready', () => {
    shared = true;
    if (saidAlone) options.log?.info({}, 'Redis is back: failed authentications are counted in Redis again');
    saidAlone = false;
  });
  let closing = false;
  redis?.on('close', () => {
    if (!shared || closing) return;
    shared = false;
    saidAlone = true;
    options.log?.warn(
      {},
      'Redis connection lost: until it is back, each process counts failed authentications on its own',
    );
  });
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
        const ready = await connected;
        // The caller says so in its own words; the 'ready' handler then logs the return.
        if (!ready) saidAlone = true;
        return ready;
      } finally {
        clearTimeout(timer);
      }
    },
    shared: redis ? () => shared : null,
    close: async () => {
      closing = true;
      if (redis) await redis.quit().catch(() => redis.disconnect());
    },
  };
}
