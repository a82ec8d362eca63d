import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { describe, expect, it } from 'vitest';
import { bearer, callJson, clientWithToken, graphql, postToken } from '../helpers/oauth.js';
import { ROOT } from '../helpers/test-app.js';
import { useTestApp } from '../helpers/use-test-app.js';

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
    expect(fields[0]).toHaveProperty('clientId', ROOT.clientId);
    expect(fields[1]).not.toHaveProperty('clientId');
    // Probes at debug, the rest at info.
    expect(lines.map((line) => line.level)).toEqual(['info', 'info', 'info', 'info', 'info', 'debug', 'info', 'info']);
    const logged = JSON.stringify(t.app.log.lines);
    for (const secret of [token, t.root, ROOT.clientSecret, 'not-the-secret', 'secret-in-a-query'])
      expect(logged).not.toContain(secret);
  });
});
