import type { EntityManager } from '@mikro-orm/core';
import { createYoga, type Plugin, type YogaServerInstance } from 'graphql-yoga';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import type { AuthThrottle } from '../access/index.js';
import type { SecurityConfig } from '../config/index.js';
import { NO_TELEMETRY, safeErrorFields, type Logger } from '../core/index.js';
import type { AuthEnv, AuthSettings, KeyStore } from '../tokens/index.js';
import type { Orm } from '../db/orm.js';
import { createContextFactory, type GraphQLContext } from '../graphql/context.js';
import { createUnexpectedErrorLog, maskError } from '../graphql/errors.js';
import { graphqlLimitPlugins } from '../graphql/limits.js';
import { schema } from '../graphql/schema.js';
import { MAX_BODY_BYTES, restRoutes, useRest } from '../rest/index.js';
import { corsPolicy } from './cors.js';
import type { Metrics } from './metrics.js';
import { useAccessLog } from './plugins/access-log.js';
import { useMetricsEndpoint } from './plugins/metrics-endpoint.js';
import { useBodyLimit } from './plugins/body-limit.js';
import { useCompression } from './plugins/compression.js';
import { useHead } from './plugins/head.js';
import { guardHooks } from './plugins/guard.js';
import { useHealth } from './plugins/health.js';
import { useJsonErrors } from './plugins/json-errors.js';
import { useNotAcceptable } from './plugins/not-acceptable.js';
import { useNotFound } from './plugins/not-found.js';
import { useNoStore } from './plugins/no-store.js';
import { useRequestInfo } from './plugins/request-info.js';
import { useRequestRateLimit } from './plugins/request-rate-limit.js';
import { useSecurityHeaders } from './plugins/security-headers.js';
import type { ProcessState } from './process-state.js';

export interface AppDeps {
  readonly orm: Orm;
  readonly keys: KeyStore;
  readonly settings: AuthSettings;
  readonly log: Logger;
  readonly throttle: AuthThrottle;
  readonly state: Pick<ProcessState, 'secrets' | 'caches' | 'clientChanged'>;
  readonly requestLimiter: RateLimiterAbstract | null;
  /** Null when `[metrics] enabled` is false: nothing is counted and `/metrics` is not served. */
  readonly metrics: Metrics | null;
  readonly security: Pick<SecurityConfig, 'trustedProxies' | 'corsOrigins' | 'graphqlIntrospection'>;
  /** Whether the process is shutting down: `/health/ready` then answers 503. */
  readonly draining?: () => boolean;
}

export type App = YogaServerInstance<Record<string, unknown>, GraphQLContext>;

const GRAPHQL_ENDPOINT = '/graphql';

/** Builds the whole HTTP application (GraphQL, the REST shim, the well-known documents). It does not listen. */
export function createApp(deps: AppDeps): App {
  const info = useRequestInfo({ trustedProxies: deps.security.trustedProxies });
  const errorLog = createUnexpectedErrorLog(deps.log, (request) => info.store.get(request).id);
  const telemetry = deps.metrics?.telemetry ?? NO_TELEMETRY;
  const authEnv = (request: Request): AuthEnv => {
    let em: EntityManager | undefined;
    const { id, ip } = info.store.get(request);
    return {
      // Forked on first use: most authenticated reads are answered from the caches and never touch it.
      get em() {
        return (em ??= deps.orm.em.fork());
      },
      keys: deps.keys,
      settings: deps.settings,
      throttle: deps.throttle,
      secrets: deps.state.secrets,
      caches: deps.state.caches,
      clientChanged: deps.state.clientChanged,
      clientIp: ip,
      requestId: id,
      log: deps.log,
      telemetry,
    };
  };
  const requestId = (request: Request) => info.store.get(request).id;
  const onClient = (request: Request, clientId: string) => {
    info.store.get(request).clientId = clientId;
  };
  const head = useHead();
  const plugins: Plugin[] = [
    head.first,
    info.plugin,
    useSecurityHeaders(),
    ...(deps.metrics ? [useMetricsEndpoint({ metrics: deps.metrics })] : []),
    useNoStore({ paths: [GRAPHQL_ENDPOINT] }),
    useHealth({ orm: deps.orm, draining: deps.draining }),
    ...(deps.requestLimiter ? [useRequestRateLimit({ limiter: deps.requestLimiter, info: info.store })] : []),
    useBodyLimit({ maxBytes: MAX_BODY_BYTES }),
    useRest({
      authEnv,
      requestId,
      routes: restRoutes,
      prefix: '/api/',
      log: deps.log,
      onRoute: (request, template) => {
        info.store.get(request).route = template;
      },
      onClient,
    }),
    useNotFound({ graphqlEndpoint: GRAPHQL_ENDPOINT }),
    useNotAcceptable(),
    ...graphqlLimitPlugins({ introspection: deps.security.graphqlIntrospection }),
    errorLog.plugin as Plugin,
    useJsonErrors(),
    useCompression(),
    useAccessLog({ log: deps.log, info: info.store, metrics: deps.metrics }),
    head.last,
  ].map((plugin) => guardHooks(plugin, deps.log));
  return createYoga<Record<string, unknown>, GraphQLContext>({
    schema,
    context: createContextFactory({ authEnv, log: deps.log, requestId, onClient }),
    graphqlEndpoint: GRAPHQL_ENDPOINT,
    // GraphiQL's assets are inlined by @graphql-yoga/render-graphiql, so it works with no internet access. That
    // module is a 9 MB script: loaded when GraphiQL is first opened, not by every server that never shows it.
    graphiql: { title: 'Gatehouse GraphiQL' },
    renderGraphiQL: async (options) => (await import('@graphql-yoga/render-graphiql')).renderGraphiQL(options),
    landingPage: false,
    // yoga's own health check answers any URL that merely ends in its path, with an empty body. A URL the server
    // receives never ends in '#', so this switches it off; useHealth serves the exact paths instead.
    healthCheckEndpoint: '#',
    batching: false,
    cors: corsPolicy(deps.security.corsOrigins),
    maskedErrors: { maskError },
    // yoga hands its logger every error its maskError touched, expected ones included: only the unexpected are logged.
    logging: {
      debug: () => {},
      info: () => {},
      warn: (...args: unknown[]) =>
        deps.log.warn(safeErrorFields(args.find((arg) => arg instanceof Error)), 'yoga warning'),
      error: errorLog.yogaError,
    },
    plugins,
  });
}
