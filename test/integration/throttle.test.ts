import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { RateLimitedError } from '../../src/auth/index.js';
import { loadConfig } from '../../src/config/index.js';
import { createLimits } from '../../src/server/limits.js';
import { createClientWith, graphql, postToken } from '../helpers/oauth.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

// Three failures per minute per client id and per address; addresses come from X-Forwarded-For, trusted here.
const LIMITED = { FIDES__SECURITY__AUTH_RATE_LIMIT: '3/minute', FIDES__SECURITY__TRUST_FORWARDED_FOR: 'true' };
const ip = () => `198.51.100.${randomBytes(1)[0]}-${randomBytes(4).toString('hex')}`;
const from = (address: string) => ({ 'X-Forwarded-For': address });

let app: TestApp;
let victim: { client_id: string; client_secret: string };
let bystander: { client_id: string; client_secret: string };

beforeAll(async () => {
  app = await startTestApp(LIMITED);
  victim = await createClientWith(app, []);
  bystander = await createClientWith(app, []);
});
afterAll(() => app?.close());
afterEach(() => {
  vi.useRealTimers();
});

const grant = (client: { client_id: string }, secret: string, address: string) =>
  postToken(app, { grant_type: 'client_credentials', client_id: client.client_id, client_secret: secret }, from(address));

describe('the failed-authentication throttle', () => {
  it('blocks a client id after the limit, for right secrets too, with 429 and Retry-After', async () => {
    const attacker = ip();
    for (let i = 0; i < 3; i++) expect((await grant(victim, 'guess', attacker)).status).toBe(401);
    const blocked = await grant(victim, victim.client_secret, attacker);
    expect(blocked.status).toBe(429);
    const retryAfter = Number(blocked.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(await blocked.json()).toEqual({ detail: `Too many failed authentication attempts. Try again in ${retryAfter} seconds.` });
    // Per client id: the victim's own correct secret from elsewhere waits too.
    expect((await grant(victim, victim.client_secret, ip())).status).toBe(429);
    // Another client's correct secret from another address is untouched.
    expect((await grant(bystander, bystander.client_secret, ip())).status).toBe(200);
  });

  it('blocks an address after the limit, whatever client it names', async () => {
    const scanner = ip();
    for (let i = 0; i < 3; i++) expect((await grant({ client_id: randomBytes(8).toString('hex') }, 'x', scanner)).status).toBe(401);
    expect((await grant(bystander, bystander.client_secret, scanner)).status).toBe(429);
  });

  it('never counts successful grants', async () => {
    const client = await createClientWith(app, []);
    const address = ip();
    for (let i = 0; i < 10; i++) expect((await grant(client, client.client_secret, address)).status).toBe(200);
  });

  it('lets the key through again once the window has passed', async () => {
    const client = await createClientWith(app, []);
    const address = ip();
    // The memory store expires a window with a timer: move the clock and the timers together.
    vi.useFakeTimers({ toFake: ['Date', 'setTimeout', 'clearTimeout'] });
    for (let i = 0; i < 3; i++) await grant(client, 'guess', address);
    expect((await grant(client, client.client_secret, address)).status).toBe(429);
    vi.advanceTimersByTime(61_000);
    expect((await grant(client, client.client_secret, address)).status).toBe(200);
  });

  it('counts at issueToken, introspection and revocation as well', async () => {
    const client = await createClientWith(app, []);
    const address = ip();
    const issue = `mutation($id: String!, $s: String!) { issueToken(clientId: $id, clientSecret: $s) { accessToken } }`;
    await graphql(app, issue, { id: client.client_id, s: 'guess' }, from(address));
    const basic = { Authorization: `Basic ${Buffer.from(`${client.client_id}:guess`).toString('base64')}`, ...from(address) };
    const form = { 'Content-Type': 'application/x-www-form-urlencoded' };
    await app.fetch('/api/v1/oauth/introspect', { method: 'POST', headers: { ...basic, ...form }, body: 'token=x' });
    await app.fetch('/api/v1/oauth/revoke', { method: 'POST', headers: { ...basic, ...form }, body: 'token=x' });
    const { body } = await graphql(app, issue, { id: client.client_id, s: client.client_secret }, from(ip()));
    expect(body.errors?.[0]).toMatchObject({ extensions: { code: 'RATE_LIMITED', retryAfter: expect.any(Number) } });
  });
});

describe('the throttle shared through Redis', () => {
  it('counts failures in one process against another', async () => {
    const shared = { ...LIMITED, FIDES__REDIS__URL: 'redis://127.0.0.1:6379' };
    const [one, two] = await Promise.all([startTestApp(shared), startTestApp(shared)]);
    try {
      // The clients live in separate databases here; the throttle keys on the id, so one name serves both.
      const id = `redis-${randomBytes(6).toString('hex')}`;
      const address = ip();
      for (let i = 0; i < 3; i++) {
        const response = await postToken(one, { grant_type: 'client_credentials', client_id: id, client_secret: 'guess' }, from(address));
        expect(response.status).toBe(401);
      }
      const elsewhere = await postToken(two, { grant_type: 'client_credentials', client_id: id, client_secret: 'guess' }, from(ip()));
      expect(elsewhere.status).toBe(429);
    } finally {
      await Promise.all([one.close(), two.close()]);
    }
  });

  it('says when Redis cannot be reached, and keeps counting in this process meanwhile', async () => {
    const config = loadConfig({
      cwd: mkdtempSync(join(tmpdir(), 'gatehouse-limits-')),
      env: {
        FIDES__SECURITY__OAUTH_ROOT_CLIENT_ID: 'root',
        FIDES__SECURITY__OAUTH_ROOT_CLIENT_SECRET: 'root-secret-0123456789abcdef-0123',
        FIDES__SECURITY__APP_ENCRYPTION_KEY: '0123456789abcdef0123456789abcdef',
        FIDES__SECURITY__AUTH_RATE_LIMIT: '3/minute',
        // Nothing listens on port 1.
        FIDES__REDIS__URL: 'redis://127.0.0.1:1',
      },
    });
    const limits = createLimits(config);
    try {
      expect(await limits.ready(300)).toBe(false);
      for (let i = 0; i < 3; i++) await limits.throttle.fail('c', '192.0.2.1');
      await expect(limits.throttle.check('c', '192.0.2.2')).rejects.toBeInstanceOf(RateLimitedError);
      await expect(limits.throttle.check('other', '192.0.2.3')).resolves.toBeUndefined();
    } finally {
      await limits.close();
    }
  });
});
