import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, callJson, createClientWith, graphql, postToken, rootToken, tokenFor } from '../helpers/oauth.js';
import { privatePostgresUnavailable, startPrivatePostgres, type PrivatePostgres } from '../helpers/private-postgres.js';
import { startTestApp, TEST_DATABASE_URL, type TestApp } from '../helpers/test-app.js';
import { eventually } from '../helpers/wait.js';

// PostgreSQL stopped under load and started again, on a private cluster. Once per CI run (the PGlite pass).
// A machine that cannot run the cluster skips the test, and the report says why: a silent skip reads as a pass.
const skipped = TEST_DATABASE_URL
  ? 'runs in the embedded-database pass only (TEST_DATABASE_URL is set)'
  : privatePostgresUnavailable();
if (skipped) console.warn(`faults.test.ts skipped: ${skipped}`);

describe('PostgreSQL going away and coming back', () => {
  let pg: PrivatePostgres;
  let app: TestApp;
  let root: string;

  beforeAll(async () => {
    if (skipped) return;
    pg = await startPrivatePostgres();
    app = await startTestApp({ DATABASE_URL: pg.url });
    root = await rootToken(app);
  }, 120_000);
  afterAll(async () => {
    await app?.close().catch(() => {});
    pg?.destroy();
  });

  const logged = (message: string) => app.log.lines.some((line) => line.message.startsWith(message));

  it('fails fast with 503 while it is down, reports it, and recovers without a restart, losing nothing', async (context) => {
    if (skipped) context.skip(skipped);
    const client = await createClientWith(app, ['scope:read'], root);
    const policy = await callJson(app, 'PATCH', '/api/v1/dsr/policy', root, [{ key: 'survives', name: 'Survives' }]);
    expect(policy.status).toBe(200);
    expect((await graphql(app, '{ viewer { clientId } }', {}, bearer(root))).status).toBe(200);

    pg.stop();
    const started = Date.now();
    const load = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        i % 2 === 0
          ? app.fetch(`/api/v1/oauth/client/${client.client_id}`, { headers: bearer(root) })
          : postToken(app, {
              grant_type: 'client_credentials',
              client_id: client.client_id,
              client_secret: client.client_secret,
            }),
      ),
    );
    expect(Date.now() - started).toBeLessThan(10_000);
    for (const response of load) {
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('5');
      const body = (await response.json()) as Record<string, unknown>;
      expect(body).toEqual({ detail: 'Service Unavailable', request_id: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    }
    // Cached token state is not trusted while the changes of other processes cannot be heard.
    await eventually(() => logged('token-state notifications lost'), 10_000);
    const viewer = await graphql(app, '{ viewer { clientId } }', {}, bearer(root));
    expect(viewer.status).toBe(503);
    expect(viewer.headers.get('retry-after')).toBe('5');
    const gql = await graphql(app, '{ clients { total } }', {}, bearer(root));
    expect(gql.status).toBe(503);
    // As on REST: the client is told when to retry (and the http extension that carried it stays off the wire).
    expect(gql.headers.get('retry-after')).toBe('5');
    expect(gql.body).toEqual({
      errors: [{ message: 'Service Unavailable', extensions: { code: 'SERVICE_UNAVAILABLE' } }],
    });
    const ready = await app.fetch('/health/ready');
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ detail: 'Service Unavailable', database: 'unreachable' });
    expect((await app.fetch('/health')).status).toBe(200);
    expect(JSON.stringify(app.log.lines)).not.toMatch(/select |insert into/i);
    // An outage is reported as such (warnings), not as a bug.
    expect(app.log.lines.filter((line) => line.level === 'error')).toEqual([]);

    pg.start();
    await eventually(async () => (await app.fetch('/health/ready')).status === 200, 5_000, 100);
    const read = await app.fetch(`/api/v1/oauth/client/${client.client_id}`, { headers: bearer(root) });
    expect(read.status).toBe(200);
    expect(((await read.json()) as { scopes: string[] }).scopes).toEqual(['scope:read']);
    expect((await app.fetch('/api/v1/dsr/policy/survives', { headers: bearer(root) })).status).toBe(200);
    expect(
      (
        await postToken(app, {
          grant_type: 'client_credentials',
          client_id: client.client_id,
          client_secret: client.client_secret,
        })
      ).status,
    ).toBe(200);

    // Listening again: a change made behind this process's back (an operator's SQL) reaches its cached state.
    await eventually(() => logged('token-state notifications are back'), 10_000);
    const token = await tokenFor(app, client.client_id, client.client_secret);
    expect((await app.fetch('/api/v1/oauth/scope', { headers: bearer(token) })).status).toBe(200);
    await app.db.orm.em.getConnection().execute(`update client set scopes = '{}' where id = ?`, [client.client_id]);
    await eventually(
      async () => (await app.fetch('/api/v1/oauth/scope', { headers: bearer(token) })).status === 403,
      10_000,
    );
  }, 60_000);
});
