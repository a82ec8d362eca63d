import { randomBytes } from 'node:crypto';
import type { SqlEntityManager } from '@mikro-orm/postgresql';
import type { Knex } from 'knex';
import parsePrometheusTextFormat, { type MetricFamily } from 'parse-prometheus-text-format';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ARGON2_BOUNDS } from '../../src/clients/index.js';
import { bearer, callJson, clientWithToken, createClientWith, graphql, postToken } from '../helpers/oauth.js';
import { startTcpProxy } from '../helpers/tcp-proxy.js';
import { ROOT, startTestApp, TEST_DATABASE_URL, type TestApp } from '../helpers/test-app.js';
import { useTestApp } from '../helpers/use-test-app.js';
import { eventually } from '../helpers/wait.js';

const t = useTestApp();

/** A short load over REST, GraphQL and the probes, with an id in a path and a secret in a body. */
async function load() {
  const { client_id, token } = await clientWithToken(t.app, ['client:read'], { creator: t.root });
  expect((await callJson(t.app, 'GET', `/api/v1/oauth/client/${client_id}`, t.root)).status).toBe(200);
  expect((await callJson(t.app, 'GET', '/api/v1/oauth/client/0123456789abcdef0123456789abcdef', token)).status).toBe(
    404,
  );
  expect((await graphql(t.app, '{ viewer { clientId } }', {}, bearer(token))).status).toBe(200);
  expect((await t.app.fetch('/health')).status).toBe(200);
  expect((await t.app.fetch('/no/such/path?access_token=secret-in-a-query')).status).toBe(404);
  const refused = await postToken(t.app, {
    grant_type: 'client_credentials',
    client_id: ROOT.clientId,
    client_secret: 'not-the-secret',
  });
  expect(refused.status).toBe(401);
  return { client_id, token };
}

describe('GET /metrics', () => {
  it('exposes request counts and durations by route template, and Node process metrics', async () => {
    const { client_id } = await load();
    const response = await t.app.fetch('/metrics');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = await response.text();
    // Route labels are templates: no id, no raw path, ever.
    expect(text).not.toContain(client_id);
    expect(text).not.toContain('0123456789abcdef');
    expect(text).not.toContain('/no/such/path');

    const families = new Map(parsePrometheusTextFormat(text).map((family) => [family.name, family]));
    const requests = families.get('gatehouse_http_requests_total')!;
    expect(requests.type).toBe('COUNTER');
    const count = (labels: Record<string, string>) =>
      Number(
        requests.metrics.find((sample) => Object.entries(labels).every(([k, v]) => sample.labels?.[k] === v))?.value ??
          0,
      );
    expect(count({ method: 'GET', route: '/api/v1/oauth/client/{client_id}', status: '200' })).toBe(1);
    expect(count({ method: 'GET', route: '/api/v1/oauth/client/{client_id}', status: '404' })).toBe(1);
    expect(count({ method: 'POST', route: '/api/v1/oauth/token', status: '401' })).toBe(1);
    expect(count({ method: 'POST', route: '/graphql', status: '200' })).toBe(1);
    expect(count({ method: 'GET', route: '/health', status: '200' })).toBe(1);
    expect(count({ method: 'GET', route: 'unmatched', status: '404' })).toBe(1);

    const durations = families.get('gatehouse_http_request_duration_seconds')!;
    expect(durations.type).toBe('HISTOGRAM');
    // The parser keeps a histogram's buckets but not its labels: the count line is read from the text itself.
    expect(text).toMatch(/^gatehouse_http_request_duration_seconds_count\{method="POST",route="\/graphql"\} 1$/m);
    for (const name of [
      'process_resident_memory_bytes',
      'nodejs_eventloop_lag_seconds',
      'nodejs_gc_duration_seconds',
    ]) {
      expect(families.has(name), name).toBe(true);
    }
  });

  it('is not served when [metrics] enabled is false', async () => {
    const { startTestApp } = await import('../helpers/test-app.js');
    const quiet = await startTestApp({ FIDES__METRICS__ENABLED: 'false' });
    try {
      const response = await quiet.fetch('/metrics');
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({ detail: 'Not Found' });
    } finally {
      await quiet.close();
    }
  });
});

describe('the access log', () => {
  it('writes one line per request: route template, status, duration, request id, client id, address; never a secret', async () => {
    const before = t.app.log.lines.length;
    const { client_id, token } = await load();
    const lines = t.app.log.lines.slice(before).filter((line) => line.message === 'request');
    const fields = lines.map((line) => line.fields as Record<string, unknown>);
    expect(fields.map(({ method, route, status }) => `${String(method)} ${String(route)} ${String(status)}`)).toEqual([
      'POST /api/v1/oauth/client 200',
      'POST /api/v1/oauth/token 200',
      'GET /api/v1/oauth/client/{client_id} 200',
      'GET /api/v1/oauth/client/{client_id} 404',
      'POST /graphql 200',
      'GET /health 200',
      'GET unmatched 404',
      'POST /api/v1/oauth/token 401',
    ]);
    expect(fields[3]).toEqual({
      requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      method: 'GET',
      route: '/api/v1/oauth/client/{client_id}',
      status: 404,
      durationMs: expect.any(Number),
      clientId: client_id,
      ip: 'unknown',
    });
    // By bearer token, or by the credentials of a grant; a refused grant names none (its own line says who tried).
    expect(fields[0]).toHaveProperty('clientId', ROOT.clientId);
    expect(fields[1]).toHaveProperty('clientId', client_id);
    expect(fields[7]).not.toHaveProperty('clientId');
    // Probes at debug, the rest at info.
    expect(lines.map((line) => line.level)).toEqual(['info', 'info', 'info', 'info', 'info', 'debug', 'info', 'info']);
    const logged = JSON.stringify(t.app.log.lines);
    for (const secret of [token, t.root, ROOT.clientSecret, 'not-the-secret', 'secret-in-a-query'])
      expect(logged).not.toContain(secret);
  });
});

describe('the access log of a GraphQL grant', () => {
  it('names the client that authenticated through issueToken, and none when it failed', async () => {
    const before = t.app.log.lines.length;
    for (const secret of [ROOT.clientSecret, 'not-the-secret']) {
      const { status } = await graphql(t.app, ISSUE, { id: ROOT.clientId, secret });
      expect(status).toBe(200);
    }
    const lines = t.app.log.lines.slice(before).filter((line) => line.message === 'request');
    expect(lines.map((line) => (line.fields as Record<string, unknown>).clientId)).toEqual([ROOT.clientId, undefined]);
  });
});

/** One scrape of `/metrics`, parsed with a Prometheus text parser. */
async function scrape(app: TestApp): Promise<{ text: string; families: Map<string, MetricFamily> }> {
  const response = await app.fetch('/metrics');
  expect(response.status).toBe(200);
  const text = await response.text();
  return { text, families: new Map(parsePrometheusTextFormat(text).map((family) => [family.name, family])) };
}

/** The value of the sample with exactly these labels; undefined when there is none. */
function sampleOf(
  families: Map<string, MetricFamily>,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  const sample = families
    .get(name)
    ?.metrics.find(
      (candidate) =>
        Object.keys(candidate.labels ?? {}).length === Object.keys(labels).length &&
        Object.entries(labels).every(([key, value]) => candidate.labels?.[key] === value),
    );
  return sample?.value === undefined ? undefined : Number(sample.value);
}

const series = (name: string, labels: Record<string, string> = {}) =>
  `${name}{${Object.entries(labels)
    .map(([key, value]) => `${key}="${value}"`)
    .join(',')}}`;

/** Every counter series the domains feed, each exposed (at 0) from the start. */
const COUNTERS: readonly [string, Record<string, string>][] = [
  ...['issued', 'invalid_client', 'throttled', 'invalid_scope'].map(
    (result) => ['gatehouse_token_grants_total', { result }] as [string, Record<string, string>],
  ),
  ['gatehouse_auth_throttled_total', {}],
  ...['pair', 'address'].map(
    (limit) => ['gatehouse_auth_lockouts_total', { limit }] as [string, Record<string, string>],
  ),
  ...['verified_secret', 'verified_token', 'token_state'].flatMap((cache) =>
    ['hit', 'miss'].map(
      (result) => ['gatehouse_cache_requests_total', { cache, result }] as [string, Record<string, string>],
    ),
  ),
  ...['address_share_full', 'queue_full'].map(
    (reason) => ['gatehouse_argon2_refusals_total', { reason }] as [string, Record<string, string>],
  ),
];

async function counters(app: TestApp): Promise<Record<string, number>> {
  const { families } = await scrape(app);
  return Object.fromEntries(
    COUNTERS.map(([name, labels]) => {
      const value = sampleOf(families, name, labels);
      expect(value, series(name, labels)).toBeTypeOf('number');
      return [series(name, labels), value!];
    }),
  );
}

/** What `step` changed in the counters: only the series that moved, by how much. */
async function changes(app: TestApp, step: () => Promise<void>): Promise<Record<string, number>> {
  const before = await counters(app);
  await step();
  const after = await counters(app);
  return Object.fromEntries(
    Object.entries(after)
      .map(([key, value]) => [key, value - before[key]!] as const)
      .filter(([, delta]) => delta !== 0),
  );
}

const ISSUE = `mutation($id: String!, $secret: String!, $scope: String) {
  issueToken(clientId: $id, clientSecret: $secret, scope: $scope) { accessToken }
}`;
const grant = (app: TestApp, clientId: string, clientSecret: string, extra: Record<string, string> = {}) =>
  postToken(app, { grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret, ...extra });
const basic = (clientId: string, clientSecret: string) => ({
  Authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
});
const clientAuthenticated = (app: TestApp, path: string, clientId: string, clientSecret: string) =>
  app.fetch(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...basic(clientId, clientSecret) },
    body: new URLSearchParams({ token: 'not-a-token' }),
  });

/** On PostgreSQL the token-state cache serves only once the LISTEN connection is live; until then, every read misses. */
async function untilListening(app: TestApp): Promise<void> {
  if (!TEST_DATABASE_URL) return;
  await eventually(
    async () => sampleOf((await scrape(app)).families, 'gatehouse_token_state_listener_up') === 1,
    10_000,
  );
}

describe('GET /metrics: grants, the failed-authentication throttle and the caches', () => {
  // Two failures per (client id, address) pair: the third attempt is the lockout.
  const m = useTestApp({ FIDES__SECURITY__AUTH_RATE_LIMIT: '2/minute' }, { root: false });

  it('counts each grant once whichever transport, each throttled authentication, each lockout, each cache lookup', async () => {
    const app = m.app;
    await untilListening(app);
    expect(Object.values(await counters(app)).every((value) => value === 0)).toBe(true);

    let root = '';
    // A cold grant: argon2 verifies the root secret, the root's revoke-all mark is read from the database.
    expect(
      await changes(app, async () => {
        const response = await grant(app, ROOT.clientId, ROOT.clientSecret);
        expect(response.status).toBe(200);
        root = ((await response.json()) as { access_token: string }).access_token;
      }),
    ).toEqual({
      'gatehouse_token_grants_total{result="issued"}': 1,
      'gatehouse_cache_requests_total{cache="verified_secret",result="miss"}': 1,
      'gatehouse_cache_requests_total{cache="token_state",result="miss"}': 1,
    });
    // A warm grant, over GraphQL: counted by the grant itself, so exactly as the REST one is.
    expect(
      await changes(app, async () => {
        const { body } = await graphql(app, ISSUE, { id: ROOT.clientId, secret: ROOT.clientSecret });
        expect(body.errors).toBeUndefined();
      }),
    ).toEqual({
      'gatehouse_token_grants_total{result="issued"}': 1,
      'gatehouse_cache_requests_total{cache="verified_secret",result="hit"}': 1,
      'gatehouse_cache_requests_total{cache="token_state",result="hit"}': 1,
    });
    // A token's first use verifies its signature and reads its state; its second use does neither.
    let client = { client_id: '', client_secret: '' };
    expect(
      await changes(app, async () => {
        client = await createClientWith(app, [], root);
      }),
    ).toEqual({
      'gatehouse_cache_requests_total{cache="verified_token",result="miss"}': 1,
      'gatehouse_cache_requests_total{cache="token_state",result="miss"}': 1,
    });
    expect(
      await changes(app, async () => {
        expect((await callJson(app, 'GET', `/api/v1/oauth/client/${client.client_id}`, root)).status).toBe(200);
      }),
    ).toEqual({
      'gatehouse_cache_requests_total{cache="verified_token",result="hit"}': 1,
      'gatehouse_cache_requests_total{cache="token_state",result="hit"}': 1,
    });

    // Two wrong secrets (REST, then GraphQL): each pays argon2, the client's row is read once then remembered.
    expect(
      await changes(app, async () => {
        expect((await grant(app, client.client_id, 'wrong-secret')).status).toBe(401);
        const { body } = await graphql(app, ISSUE, { id: client.client_id, secret: 'wrong-secret' });
        expect(body.errors?.[0]?.extensions?.code).toBe('INVALID_CLIENT');
      }),
    ).toEqual({
      'gatehouse_token_grants_total{result="invalid_client"}': 2,
      'gatehouse_cache_requests_total{cache="verified_secret",result="miss"}': 2,
      'gatehouse_cache_requests_total{cache="token_state",result="miss"}': 1,
      'gatehouse_cache_requests_total{cache="token_state",result="hit"}': 1,
    });
    // The pair has used its allowance: the right secret is refused now, first as the lockout, then as one more.
    expect(
      await changes(app, async () => {
        expect((await grant(app, client.client_id, client.client_secret)).status).toBe(429);
        const { body } = await graphql(app, ISSUE, { id: client.client_id, secret: client.client_secret });
        expect(body.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
      }),
    ).toEqual({
      'gatehouse_token_grants_total{result="throttled"}': 2,
      'gatehouse_auth_throttled_total{}': 2,
      'gatehouse_auth_lockouts_total{limit="pair"}': 1,
    });
    // Introspection and revocation authenticate clients too: throttled, and no grant.
    expect(
      await changes(app, async () => {
        for (const path of ['/api/v1/oauth/introspect', '/api/v1/oauth/revoke'])
          expect((await clientAuthenticated(app, path, client.client_id, client.client_secret)).status).toBe(429);
      }),
    ).toEqual({ 'gatehouse_auth_throttled_total{}': 2 });

    // A scope the client does not hold, after a (warm) authentication.
    expect(
      await changes(app, async () => {
        expect((await grant(app, ROOT.clientId, ROOT.clientSecret, { scope: 'no:such:scope' })).status).toBe(400);
      }),
    ).toEqual({
      'gatehouse_token_grants_total{result="invalid_scope"}': 1,
      'gatehouse_cache_requests_total{cache="verified_secret",result="hit"}': 1,
      'gatehouse_cache_requests_total{cache="token_state",result="hit"}': 1,
    });
    // An unknown id is invalid_client too; its dummy verification is not a lookup in the verified-secret cache.
    expect(
      await changes(app, async () => {
        expect((await grant(app, randomBytes(16).toString('hex'), 'guess')).status).toBe(401);
      }),
    ).toEqual({
      'gatehouse_token_grants_total{result="invalid_client"}': 1,
      'gatehouse_cache_requests_total{cache="token_state",result="miss"}': 1,
    });
    // Refused by the REST shim before any client is named (no credentials, another grant type): no grant attempt.
    expect(
      await changes(app, async () => {
        expect((await postToken(app, { grant_type: 'client_credentials' })).status).toBe(401);
        expect((await grant(app, ROOT.clientId, ROOT.clientSecret, { grant_type: 'password' })).status).toBe(400);
      }),
    ).toEqual({});

    // The whole load, as a scraper sees it.
    const { text, families } = await scrape(app);
    expect(families.get('gatehouse_token_grants_total')?.type).toBe('COUNTER');
    expect(families.get('gatehouse_cache_requests_total')?.type).toBe('COUNTER');
    expect(await counters(app)).toEqual({
      'gatehouse_token_grants_total{result="issued"}': 2,
      'gatehouse_token_grants_total{result="invalid_client"}': 3,
      'gatehouse_token_grants_total{result="throttled"}': 2,
      'gatehouse_token_grants_total{result="invalid_scope"}': 1,
      'gatehouse_auth_throttled_total{}': 4,
      'gatehouse_auth_lockouts_total{limit="pair"}': 1,
      'gatehouse_auth_lockouts_total{limit="address"}': 0,
      'gatehouse_cache_requests_total{cache="verified_secret",result="hit"}': 2,
      'gatehouse_cache_requests_total{cache="verified_secret",result="miss"}': 3,
      'gatehouse_cache_requests_total{cache="verified_token",result="hit"}': 1,
      'gatehouse_cache_requests_total{cache="verified_token",result="miss"}': 1,
      'gatehouse_cache_requests_total{cache="token_state",result="hit"}': 4,
      'gatehouse_cache_requests_total{cache="token_state",result="miss"}': 4,
      'gatehouse_argon2_refusals_total{reason="address_share_full"}': 0,
      'gatehouse_argon2_refusals_total{reason="queue_full"}': 0,
    });
    // Nothing secret in the exposition.
    for (const secret of [root, ROOT.clientSecret, client.client_secret]) expect(text).not.toContain(secret);

    // The LISTEN connection and the pool exist on PostgreSQL only, and so do their metrics.
    const postgresOnly = [
      'gatehouse_token_state_listener_up',
      'gatehouse_token_state_listener_reconnects_total',
      'gatehouse_db_pool_connections',
      'gatehouse_db_pool_pending_acquires',
      'gatehouse_db_pool_max_connections',
    ];
    expect(postgresOnly.filter((name) => families.has(name))).toEqual(TEST_DATABASE_URL ? postgresOnly : []);
  });

  it('counts an address lockout apart from a pair lockout', async () => {
    const spray = await startTestApp({
      FIDES__SECURITY__AUTH_RATE_LIMIT: '100/minute',
      FIDES__SECURITY__AUTH_IP_RATE_LIMIT: '2/minute',
    });
    try {
      // Three different ids from one address: the third is over the address's allowance.
      expect(
        await changes(spray, async () => {
          for (const status of [401, 401, 429, 429])
            expect((await grant(spray, randomBytes(16).toString('hex'), 'guess')).status).toBe(status);
        }),
      ).toMatchObject({
        'gatehouse_token_grants_total{result="invalid_client"}': 2,
        'gatehouse_token_grants_total{result="throttled"}': 2,
        'gatehouse_auth_throttled_total{}': 2,
        'gatehouse_auth_lockouts_total{limit="address"}': 1,
      });
      expect(sampleOf((await scrape(spray)).families, 'gatehouse_auth_lockouts_total', { limit: 'pair' })).toBe(0);
    } finally {
      await spray.close();
    }
  });
});

describe('GET /metrics: the argon2 queue', () => {
  const q = useTestApp(
    {
      FIDES__SECURITY__AUTH_RATE_LIMIT: '100000/minute',
      FIDES__SECURITY__AUTH_IP_RATE_LIMIT: '100000/minute',
      FIDES__SECURITY__TRUSTED_PROXIES: '1',
    },
    { root: false },
  );
  const ip = () => `2001:db8:2::${randomBytes(2).toString('hex')}:${randomBytes(2).toString('hex')}`;
  const guess = (address: string) =>
    postToken(
      q.app,
      { grant_type: 'client_credentials', client_id: randomBytes(16).toString('hex'), client_secret: 'guess' },
      { 'X-Forwarded-For': address },
    );
  const computations = async () => {
    const { families } = await scrape(q.app);
    return {
      running: sampleOf(families, 'gatehouse_argon2_computations', { state: 'running' }),
      waiting: sampleOf(families, 'gatehouse_argon2_computations', { state: 'waiting' }),
    };
  };

  it('shows computations running and waiting while busy, and counts every refusal as it was answered', async () => {
    expect(await computations()).toEqual({ running: 0, waiting: 0 });
    const before = await counters(q.app);

    // One address past its share, then many addresses past the whole queue.
    const burster = ip();
    const burst = Array.from({ length: 3 * DEFAULT_ARGON2_BOUNDS.maxPerAddress }, () => guess(burster));
    // While it is being verified, every slot is taken and the rest wait.
    let busy = { running: 0 as number | undefined, waiting: 0 as number | undefined };
    await eventually(async () => {
      busy = await computations();
      return (busy.waiting ?? 0) > 0;
    }, 5000);
    expect(busy.running).toBe(DEFAULT_ARGON2_BOUNDS.concurrency);
    const spread = Array.from({ length: 3 * DEFAULT_ARGON2_BOUNDS.maxQueued }, () => guess(ip()));
    const statuses = (await Promise.all([...burst, ...spread])).map((response) => response.status);
    const answered = (status: number) => statuses.filter((candidate) => candidate === status).length;
    expect(answered(429)).toBeGreaterThan(0);
    expect(answered(503)).toBeGreaterThan(0);
    expect(answered(401) + answered(429) + answered(503)).toBe(statuses.length);

    const after = await counters(q.app);
    const delta = (key: string) => after[key]! - before[key]!;
    expect(delta('gatehouse_argon2_refusals_total{reason="address_share_full"}')).toBe(answered(429));
    expect(delta('gatehouse_argon2_refusals_total{reason="queue_full"}')).toBe(answered(503));
    // A refusal by the queue is no verdict on the client: only the verified guesses are invalid_client.
    expect(delta('gatehouse_token_grants_total{result="invalid_client"}')).toBe(answered(401));
    expect(delta('gatehouse_token_grants_total{result="throttled"}')).toBe(0);
    expect(await computations()).toEqual({ running: 0, waiting: 0 });
  });
});

// The LISTEN connection and the connection pool exist on PostgreSQL only.
describe.skipIf(!TEST_DATABASE_URL)('GET /metrics on PostgreSQL: the pool and the LISTEN connection', () => {
  const p = useTestApp({}, { root: false });

  it('reports the pool as it is used: connections used and free, acquires waiting, the maximum', async () => {
    const knex: Knex = (p.app.db.orm.em as SqlEntityManager).getKnex();
    const pool = async () => {
      const { families } = await scrape(p.app);
      return {
        used: sampleOf(families, 'gatehouse_db_pool_connections', { state: 'used' }),
        free: sampleOf(families, 'gatehouse_db_pool_connections', { state: 'free' }),
        pending: sampleOf(families, 'gatehouse_db_pool_pending_acquires'),
        max: sampleOf(families, 'gatehouse_db_pool_max_connections'),
      };
    };
    const idle = await pool();
    expect(idle).toMatchObject({ used: 0, pending: 0, max: 10 });

    // Every connection held by a transaction, and one more query waiting for one.
    const held = await Promise.all(Array.from({ length: 10 }, () => knex.transaction()));
    // A knex query runs when it is awaited: `then` sends it.
    let waiting: Promise<unknown> = Promise.resolve();
    try {
      waiting = knex.raw('select 1').then(() => {});
      await eventually(async () => (await pool()).pending === 1, 2000);
      expect(await pool()).toEqual({ used: 10, free: 0, pending: 1, max: 10 });
    } finally {
      await Promise.all(held.map((trx) => trx.rollback()));
      await waiting;
    }
    expect(await pool()).toEqual({ used: 0, free: 10, pending: 0, max: 10 });
  });

  it('reports the LISTEN connection live, lost when it stalls, live again when it flows, and counts the stall', async () => {
    const url = new URL(p.app.config.database.url);
    const proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
    const listenUrl = new URL(url);
    listenUrl.host = `127.0.0.1:${proxy.port}`;
    const other = await startTestApp(
      { DATABASE_URL: p.app.config.database.url },
      { processState: { listenUrl: listenUrl.toString(), heartbeatMs: 100, stalledAfterMs: 500 } },
    );
    const listener = async () => {
      const { families } = await scrape(other);
      return {
        up: sampleOf(families, 'gatehouse_token_state_listener_up'),
        stalled: sampleOf(families, 'gatehouse_token_state_listener_reconnects_total', { reason: 'stalled' }),
        failed: sampleOf(families, 'gatehouse_token_state_listener_reconnects_total', { reason: 'failed' }),
      };
    };
    try {
      await eventually(async () => (await listener()).up === 1, 10_000);
      expect(await listener()).toEqual({ up: 1, stalled: 0, failed: 0 });
      expect((await scrape(other)).families.get('gatehouse_token_state_listener_up')?.type).toBe('GAUGE');

      proxy.pause();
      await eventually(async () => (await listener()).up === 0, 5000);
      // One stall; the new connection it starts cannot get through the paused proxy, so it cannot stall again.
      expect(await listener()).toMatchObject({ up: 0, stalled: 1 });

      proxy.resume();
      await eventually(async () => (await listener()).up === 1, 15_000);
      expect((await listener()).stalled).toBe(1);
    } finally {
      await other.close();
      await proxy.close();
    }
  });
});
