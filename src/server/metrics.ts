import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Argon2Load } from '../clients/index.js';
import type { Argon2Refusal, CacheName, GrantResult, ListenerLoss, Telemetry, ThrottleLimit } from '../core/index.js';
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
const ARGON2_REFUSALS: readonly Argon2Refusal[] = ['address_share_full', 'queue_full'];
const LISTENER_LOSSES: readonly ListenerLoss[] = ['failed', 'stalled'];

/** A counter the domains feed through `Telemetry`, with every value of each of its labels. */
interface CounterSpec {
  readonly name: string;
  readonly help: string;
  /** Each label's values: every combination is exposed at 0 from the start. */
  readonly labels: Readonly<Record<string, readonly string[]>>;
  /** Registered by `watch`, and only when what it counts exists (a LISTEN connection). */
  readonly watched?: true;
}

/**
 * The domain counters, in the order the registry lists them: one table read by one loop, so a new counter is an
 * entry here and a line in `telemetry`, and no counter can forget to expose its series at 0.
 */
const COUNTERS = {
  grants: {
    name: 'gatehouse_token_grants_total',
    help: 'Client-credentials grant attempts (REST token endpoint and GraphQL issueToken), by result.',
    labels: { result: GRANT_RESULTS },
  },
  throttled: {
    name: 'gatehouse_auth_throttled_total',
    help: 'Client authentications refused by the failed-authentication throttle (token, issueToken, introspection, revocation).',
    labels: {},
  },
  lockouts: {
    name: 'gatehouse_auth_lockouts_total',
    help: 'Client authentications that first exceeded a failed-authentication allowance, by limit (pair or address).',
    labels: { limit: THROTTLE_LIMITS },
  },
  cacheRequests: {
    name: 'gatehouse_cache_requests_total',
    help: 'Lookups in the per-process caches, by cache and result (hit: work skipped; miss: argon2, EdDSA or a query paid).',
    labels: { cache: CACHES, result: ['hit', 'miss'] },
  },
  argon2Refusals: {
    name: 'gatehouse_argon2_refusals_total',
    help: 'Secret verifications refused at once, by reason (address_share_full: 429; queue_full: 503).',
    labels: { reason: ARGON2_REFUSALS },
  },
  listenerReconnects: {
    name: 'gatehouse_token_state_listener_reconnects_total',
    help: 'PostgreSQL only: token-state LISTEN connections given up and replaced, by reason (failed, or stalled: no heartbeat heard).',
    labels: { reason: LISTENER_LOSSES },
    watched: true,
  },
} satisfies Record<string, CounterSpec>;

/** Every combination of the labels' values, the first label varying slowest. */
function labelCombinations(labels: CounterSpec['labels']): Record<string, string>[] {
  return Object.entries(labels).reduce<Record<string, string>[]>(
    (combinations, [label, values]) =>
      combinations.flatMap((combination) => values.map((value) => ({ ...combination, [label]: value }))),
    [{}],
  );
}

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
  const counters = {} as Record<keyof typeof COUNTERS, Counter>;
  for (const [key, spec] of Object.entries(COUNTERS) as [keyof typeof COUNTERS, CounterSpec][]) {
    const { name, help, labels } = spec;
    const counter = new Counter({
      name,
      help,
      labelNames: Object.keys(labels),
      registers: spec.watched ? [] : registers,
    });
    for (const combination of labelCombinations(labels)) counter.inc(combination, 0);
    counters[key] = counter;
  }
  const { grants, throttled, lockouts, cacheRequests, argon2Refusals, listenerReconnects } = counters;
  // Each warm request looks up two caches: their series are resolved once, not hashed from labels every time.
  const lookups = new Map(
    CACHES.map((cache) => [
      cache,
      { hit: cacheRequests.labels(cache, 'hit'), miss: cacheRequests.labels(cache, 'miss') },
    ]),
  );

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

/** A gauge read on each scrape (prom-client calls `collect` before it writes a metric out): one value, or one a state. */
type GaugeSpec = { readonly name: string; readonly help: string } & (
  { readonly read: () => number } | { readonly readStates: () => Readonly<Record<string, number>> }
);

/** The gauges of the process's state, in one table: those whose source is missing (null) are left out. */
function watchProcessState(registry: Registry, sources: MetricSources): void {
  const { argon2, tokenStateListenerLive, throttleShared, pool } = sources;
  const gauges: GaugeSpec[] = [
    {
      name: 'gatehouse_argon2_computations',
      help: 'argon2id computations (secret verifications, and hashing for new or rotated secrets) by state: running or waiting for a slot.',
      readStates: () => {
        const { running, waiting } = argon2();
        return { running, waiting };
      },
    },
    ...(throttleShared
      ? [
          {
            name: 'gatehouse_throttle_shared',
            help: 'With [redis] url only: 1 while the failed-authentication and request counts go to Redis (shared by every process), 0 while Redis cannot be reached and this process counts on its own.',
            read: () => (throttleShared() ? 1 : 0),
          },
        ]
      : []),
    ...(tokenStateListenerLive
      ? [
          {
            name: 'gatehouse_token_state_listener_up',
            help: 'PostgreSQL only: 1 while the token-state LISTEN connection is live (its heartbeat heard), else 0 (token state is then read from the database).',
            read: () => (tokenStateListenerLive() ? 1 : 0),
          },
        ]
      : []),
    ...(pool
      ? [
          {
            name: 'gatehouse_db_pool_connections',
            help: 'PostgreSQL only: pooled connections by state (used: lent to a query or transaction; free: open and idle).',
            readStates: () => {
              const usage = pool();
              return { used: usage?.used ?? 0, free: usage?.free ?? 0 };
            },
          },
          {
            name: 'gatehouse_db_pool_pending_acquires',
            help: 'PostgreSQL only: queries and transactions waiting for a pooled connection.',
            read: () => pool()?.pendingAcquires ?? 0,
          },
          {
            name: 'gatehouse_db_pool_max_connections',
            help: 'PostgreSQL only: the most connections the pool opens.',
            read: () => pool()?.max ?? 0,
          },
        ]
      : []),
  ];
  for (const spec of gauges) {
    new Gauge({
      name: spec.name,
      help: spec.help,
      labelNames: 'readStates' in spec ? ['state'] : [],
      registers: [registry],
      collect() {
        if ('read' in spec) this.set(spec.read());
        else for (const [state, value] of Object.entries(spec.readStates())) this.set({ state }, value);
      },
    });
  }
}
