import { Response as YogaResponse } from '@whatwg-node/fetch';
import type { Plugin } from 'graphql-yoga';
import type { Metrics } from '../metrics.js';

/** `useMetricsEndpoint`: `GET /metrics` in Prometheus' text exposition format, without a token (scrapers carry none). */
export function useMetricsEndpoint(options: { metrics: Metrics }): Plugin {
  const { registry } = options.metrics;
  return {
    async onRequest({ request, url, endResponse }) {
      if (url.pathname !== '/metrics' || (request.method !== 'GET' && request.method !== 'HEAD')) return;
      endResponse(
        new YogaResponse(await registry.metrics(), {
          status: 200,
          headers: { 'Content-Type': registry.contentType, 'Cache-Control': 'no-store' },
        }),
      );
    },
  };
}
