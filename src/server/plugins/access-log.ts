import type { Plugin } from 'graphql-yoga';
import type { Logger } from '../../core/index.js';
import type { Metrics } from '../metrics.js';
import type { RequestInfoStore } from './request-info.js';

/** Paths served by the server itself, whose path is their route. */
const OWN_PATHS = new Set(['/health', '/health/ready', '/metrics', '/graphql']);
/** Probes and scrapes arrive every few seconds: logged at debug, so they do not drown the rest. */
const QUIET_PATHS = new Set(['/health', '/health/ready', '/metrics']);

/**
 * `useAccessLog`: one line per request (method, route template, status, duration, request id, client id when a
 * bearer token identified one, remote address) and the request metrics. Never the URL itself: a path holds ids and
 * a query string may hold a token. Goes last, so it sees the answer that is really sent.
 */
export function useAccessLog(options: { log: Logger; info: RequestInfoStore; metrics: Metrics | null }): Plugin {
  const { log, info, metrics } = options;
  return {
    onResponse({ request, response }) {
      const facts = info.get(request);
      const { pathname } = new URL(request.url);
      const route = facts.route ?? (OWN_PATHS.has(pathname) ? pathname : 'unmatched');
      const seconds = (performance.now() - facts.startedAt) / 1000;
      metrics?.observeRequest({ method: request.method, route, status: response.status, seconds });
      const line = {
        requestId: facts.id,
        method: request.method,
        route,
        status: response.status,
        durationMs: Math.round(seconds * 10_000) / 10,
        ...(facts.clientId ? { clientId: facts.clientId } : {}),
        ip: facts.ip,
      };
      if (QUIET_PATHS.has(route)) log.debug(line, 'request');
      else log.info(line, 'request');
    },
  };
}
