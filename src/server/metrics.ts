import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Argon2Load } from '../clients/index.js';
import type { CacheName, GrantResult, ListenerLoss, Telemetry, ThrottleLimit } from '../core/index.js';
import type { PoolUsage } from '../db/orm.js';

/** Where the gauges read the process's state on each scrape. */
export interface MetricSources {
  /** The argon2 queue's computations running and waiting. */
  readonly argon2: () => Argon2Load;
  /** Whether the token-state LISTEN connection is live; null without one (embedded database): no metric then. */
  readonly tokenStateListenerLive: (() => boolean) | null;
  /** Whether the throttles count in Redis now; null without `[redis] url`: no metric then. */
  readonly throttleShared: (() => boolean) | null;
  /** The PostgreSQL connection pool's usage; null without one (embedded database): no metric then. */
  readonly pool: (() => PoolUsage | null) | null;
}

/**
 * The process's Prometheus metrics (SPEC §9), in a registry of their own (one per app, so tests and several apps in
 * one process never share counts). Route labels are templates, never raw paths or ids, so their number is bounded;
 * every other label takes a few fixed values, all exposed from the start (at 0), so a rate over them is defined
 * before the first event. The README's "Metrics" section documents each one.
 */
export interface Metrics {
  readonly registry: Registry;
  /** What the domains report through their environment and the process state. */
  readonly telemetry: Telemetry;
  observeRequest(request: { method: string; route: string; status: number; seconds: number }): void;
  /** Adds the gauges read from the process's state at each scrape; once, when that state exists. */
  watch(sources: MetricSources): void;
}

const GRANT_RESULTS: readonly GrantResult[] = ['issued', 'invalid_client', 'throttled', 'invalid_scope'];
const CACHES: readonly CacheName[] = ['verified_secret', 'verified_token', 'token_state'];
const THROTTLE_LIMITS: readonly ThrottleLimit[] = ['pair', 'address'];
const LISTENER_LOSSES: readonly ListenerLoss[] = ['failed', 'stalled'];

export function createMetrics(): Metrics {
  const registry = new Registry();
  // process_resident_memory_bytes, nodejs_eventloop_lag_*, nodejs_gc_duration_seconds, …
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const requests = new Counter({
    name: 'gatehouse_http_requests_total',
    help: 'HTTP requests answered, by method, route template and status.',
    labelNames: ['method', 'route', 'status'] as const,
    registers,
  });
  const durations = new Histogram({
    name: 'gatehouse_http_request_duration_seconds',
    help: 'Time from a request arriving to its answer, by method and route template.',
    labelNames: ['method', 'route'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers,
  });
  const grants = new Counter({
    name: 'gatehouse_token_grants_total',
    help: 'Client-credentials grant attempts (REST token endpoint and GraphQL issueToken), by result.',
    labelNames: ['result'] as const,
    registers,
  });
  const throttled = new Counter({
    name: 'gatehouse_auth_throttled_total',
    help: 'Client authentications refused by the failed-authentication throttle (token, issueToken, introspection, revocation).',
    registers,
  });
  const lockouts = new Counter({
    name: 'gatehouse_auth_lockouts_total',
    help: 'Client authentications that first exceeded a failed-authentication allowance, by limit (pair or address).',
    labelNames: ['limit'] as const,
    registers,
  });
  const cacheRequests = new Counter({
    name: 'gatehouse_cache_requests_total',
    help: 'Lookups in the per-process caches, by cache and result (hit: work skipped; miss: argon2, EdDSA or a query paid).',
    labelNames: ['cache', 'result'] as const,
    registers,
  });
  const argon2Refusals = new Counter({
    name: 'gatehouse_argon2_refusals_total',
    help: 'Secret verifications refused at once, by reason (address_share_full: 429; queue_full: 503).',
    labelNames: ['reason'] as const,
    registers,
  });
  // Registered by `watch` only when there is a LISTEN connection.
  const listenerReconnects = new Counter({
    name: 'gatehouse_token_state_listener_reconnects_total',
    help: 'PostgreSQL only: token-state LISTEN connections given up and replaced, by reason (failed, or stalled: no heartbeat heard).',
    labelNames: ['reason'] as const,
    registers: [],
  });

  for (const result of GRANT_RESULTS) grants.inc({ result }, 0);
  for (const limit of THROTTLE_LIMITS) lockouts.inc({ limit }, 0);
  for (const reason of ['address_share_full', 'queue_full']) argon2Refusals.inc({ reason }, 0);
  for (const reason of LISTENER_LOSSES) listenerReconnects.inc({ reason }, 0);
  // Each warm request looks up two caches: their series are resolved once, not hashed from labels every time.
  const lookups = new Map(
    CACHES.map((cache) => [
      cache,
      { hit: cacheRequests.labels(cache, 'hit'), miss: cacheRequests.labels(cache, 'miss') },
    ]),
  );
  for (const { hit, miss } of lookups.values()) {
    hit.inc(0);
    miss.inc(0);
  }

  const telemetry: Telemetry = {
    grant: (result) => grants.inc({ result }),
    authThrottled(lockout) {
      throttled.inc();
      if (lockout) lockouts.inc({ limit: lockout });
    },
    cacheLookup(cache, hit) {
      const series = lookups.get(cache)!;
      (hit ? series.hit : series.miss).inc();
    },
    argon2Refused: (reason) => argon2Refusals.inc({ reason }),
    tokenStateListenerLost: (reason) => listenerReconnects.inc({ reason }),
  };

  return {
    registry,
    telemetry,
    observeRequest({ method, route, status, seconds }) {
      requests.inc({ method, route, status: String(status) });
      durations.observe({ method, route }, seconds);
    },
    watch(sources) {
      watchProcessState(registry, sources);
      if (sources.tokenStateListenerLive) registry.registerMetric(listenerReconnects);
    },
  };
}

/** The gauges, read on each scrape (prom-client calls `collect` before it writes a metric out). */
function watchProcessState(registry: Registry, sources: MetricSources): void {
  const registers = [registry];
  new Gauge({
    name: 'gatehouse_argon2_computations',
    help: 'argon2id computations (secret verifications, and hashing for new or rotated secrets) by state: running or waiting for a slot.',
    labelNames: ['state'] as const,
    registers,
    collect() {
      const { running, waiting } = sources.argon2();
      this.set({ state: 'running' }, running);
      this.set({ state: 'waiting' }, waiting);
    },
  });
  // A gauge of one unlabelled value, read at each scrape.
  const readGauge = (name: string, help: string, read: () => number) =>
    new Gauge({
      name,
      help,
      registers,
      collect() {
        this.set(read());
      },
    });
  const { tokenStateListenerLive, throttleShared, pool } = sources;
  if (throttleShared) {
    readGauge(
      'gatehouse_throttle_shared',
      'With [redis] url only: 1 while the failed-authentication and request counts go to Redis (shared by every process), 0 while Redis cannot be reached and this process counts on its own.',
      () => (throttleShared() ? 1 : 0),
    );
  }
  if (tokenStateListenerLive) {
    readGauge(
      'gatehouse_token_state_listener_up',
      'PostgreSQL only: 1 while the token-state LISTEN connection is live (its heartbeat heard), else 0 (token state is then read from the database).',
      () => (tokenStateListenerLive() ? 1 : 0),
    );
  }
  if (pool) {
    new Gauge({
      name: 'gatehouse_db_pool_connections',
      help: 'PostgreSQL only: pooled connections by state (used: lent to a query or transaction; free: open and idle).',
      labelNames: ['state'] as const,
      registers,
      collect() {
        const usage = pool();
        this.set({ state: 'used' }, usage?.used ?? 0);
        this.set({ state: 'free' }, usage?.free ?? 0);
      },
    });
    readGauge(
      'gatehouse_db_pool_pending_acquires',
      'PostgreSQL only: queries and transactions waiting for a pooled connection.',
      () => pool()?.pendingAcquires ?? 0,
    );
    readGauge(
      'gatehouse_db_pool_max_connections',
      'PostgreSQL only: the most connections the pool opens.',
      () => pool()?.max ?? 0,
    );
  }
}
