import type { Plugin } from 'graphql-yoga';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { RateLimitedError } from '../../core/index.js';
import { errorResponse } from '../../rest/index.js';
import type { RequestInfoStore } from './request-info.js';

/** `useRequestRateLimit`: an overall allowance of requests per client IP; past it, 429 with `Retry-After`. Health probes and metric scrapes are exempt. */
export function useRequestRateLimit(options: { limiter: RateLimiterAbstract; info: RequestInfoStore }): Plugin {
  return {
    async onRequest({ request, url, endResponse }) {
      if (url.pathname === '/health' || url.pathname === '/health/ready' || url.pathname === '/metrics') return;
      try {
        await options.limiter.consume(options.info.get(request).ip);
      } catch (rejection) {
        const msBeforeNext = (rejection as { msBeforeNext?: number }).msBeforeNext;
        if (typeof msBeforeNext !== 'number') return; // the store failed: let the request through rather than fail it
        endResponse(
          errorResponse(new RateLimitedError(Math.max(1, Math.ceil(msBeforeNext / 1000)), 'Too many requests.')),
        );
      }
    },
  };
}
