import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { RateLimitedError } from '../../src/core/index.js';
import { loadConfig } from '../../src/config/index.js';
import { createLimits } from '../../src/server/limits.js';
import { createClientWith, graphql, postToken } from '../helpers/oauth.js';
import { startHttpTestApp } from '../helpers/http-app.js';
import { ROOT, startTestApp, type TestApp } from '../helpers/test-app.js';
import { useTestApp } from '../helpers/use-test-app.js';

// SPEC §9: three failures per minute per (client id, address) pair, five per address across ids. Addresses come
// from X-Forwarded-For, behind one trusted hop (in-process requests have no socket of their own).
const LIMITED = {
  FIDES__SECURITY__AUTH_RATE_LIMIT: '3/minute',
  FIDES__SECURITY__AUTH_IP_RATE_LIMIT: '5/minute',
  FIDES__SECURITY__TRUSTED_PROXIES: '1',
};
/** A fresh documentation address (RFC 3849) per call, so tests never share a counter by accident. */
const ip = () => `2001:db8::${randomBytes(2).toString('hex')}:${randomBytes(2).toString('hex')}`;
const from = (address: string) => ({ 'X-Forwarded-For': address });

const t = useTestApp(LIMITED, { root: false });
let victim: { client_id: string; client_secret: string };
let neighbour: { client_id: string; client_secret: string };

beforeAll(async () => {
  victim = await createClientWith(t.app, []);
  neighbour = await createClientWith(t.app, []);
});
afterEach(() => {
  vi.useRealTimers();
});

const grantOn = (target: TestApp, clientId: string, secret: string, address: string) =>
  postToken(target, { grant_type: 'client_credentials', client_id: clientId, client_secret: secret }, from(address));
const grant = (client: { client_id: string }, secret: string, address: string) =>
  grantOn(t.app, client.client_id, secret, address);

async function expectThrottled(response: Response) {
  expect(response.status).toBe(429);
  const retryAfter = Number(response.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThan(0);
  expect(retryAfter).toBeLessThanOrEqual(60);
  expect(await response.json()).toEqual({
    detail: `Too many failed authentication attempts. Try again in ${retryAfter} seconds.`,
  });
}

describe('the failed-authentication throttle, per (client id, address) pair', () => {
  it('refuses the pair after the limit, right secrets too, with 429 and Retry-After', async () => {
    const attacker = ip();
    for (let i = 0; i < 3; i++) expect((await grant(victim, 'guess', attacker)).status).toBe(401);
    await expectThrottled(await grant(victim, victim.client_secret, attacker));
  });

  it('never locks a client out at another address: client ids are public', async () => {
    const attacker = ip();
    for (let i = 0; i < 3; i++) expect((await grant(victim, 'guess', attacker)).status).toBe(401);
    expect((await grant(victim, 'guess', attacker)).status).toBe(429);
    // The victim, from where it really runs, with its right (and already verified, cached) secret.
    expect((await grant(victim, victim.client_secret, ip())).status).toBe(200);
    // And the root client likewise.
    for (let i = 0; i < 4; i++) await grantOn(t.app, ROOT.clientId, 'guess', attacker);
    expect((await grantOn(t.app, ROOT.clientId, ROOT.clientSecret, ip())).status).toBe(200);
  });

  it('lets one misconfigured client behind a shared address fail without taking down its neighbours', async () => {
    const nat = ip();
    for (let i = 0; i < 4; i++) await grant(victim, 'stale secret', nat);
    expect((await grant(neighbour, neighbour.client_secret, nat)).status).toBe(200);
  });

  it('never counts successful authentications, for the pair or the address', async () => {
    const client = await createClientWith(t.app, []);
    const address = ip();
    for (let i = 0; i < 12; i++) expect((await grant(client, client.client_secret, address)).status).toBe(200);
  });

  it('lets the pair through again once the window has passed', async () => {
    const client = await createClientWith(t.app, []);
    const address = ip();
    // The memory store expires a window with a timer: move the clock and the timers together.
    vi.useFakeTimers({ toFake: ['Date', 'setTimeout', 'clearTimeout'] });
    for (let i = 0; i < 3; i++) await grant(client, 'guess', address);
    expect((await grant(client, client.client_secret, address)).status).toBe(429);
    vi.advanceTimersByTime(61_000);
    expect((await grant(client, client.client_secret, address)).status).toBe(200);
  });

  it('counts at issueToken, introspection and revocation as well', async () => {
    const client = await createClientWith(t.app, []);
    const address = ip();
    const issue = `mutation($id: String!, $s: String!) { issueToken(clientId: $id, clientSecret: $s) { accessToken } }`;
    expect(
      (await graphql(t.app, issue, { id: client.client_id, s: 'guess' }, from(address))).body.errors?.[0]?.extensions
        ?.code,
    ).toBe('INVALID_CLIENT');
    const basic = {
      Authorization: `Basic ${Buffer.from(`${client.client_id}:guess`).toString('base64')}`,
      ...from(address),
    };
    const form = { 'Content-Type': 'application/x-www-form-urlencoded' };
    expect(
      (
        await t.app.fetch('/api/v1/oauth/introspect', {
          method: 'POST',
          headers: { ...basic, ...form },
          body: 'token=x',
        })
      ).status,
    ).toBe(401);
    expect(
      (await t.app.fetch('/api/v1/oauth/revoke', { method: 'POST', headers: { ...basic, ...form }, body: 'token=x' }))
        .status,
    ).toBe(401);
    const { body } = await graphql(t.app, issue, { id: client.client_id, s: client.client_secret }, from(address));
    expect(body.errors?.[0]).toMatchObject({ extensions: { code: 'RATE_LIMITED', retryAfter: expect.any(Number) } });
    // The same client from elsewhere is untouched.
    expect(
      (await graphql(t.app, issue, { id: client.client_id, s: client.client_secret }, from(ip()))).body.errors,
    ).toBeUndefined();
  });

  it('counts before verifying: concurrent guesses get at most the allowance of verdicts', async () => {
    const client = await createClientWith(t.app, []);
    const address = ip();
    const answers = await Promise.all(Array.from({ length: 40 }, () => grant(client, 'guess', address)));
    const statuses = answers.map((response) => response.status);
    expect(statuses.filter((status) => status === 401)).toHaveLength(3);
    expect(statuses.filter((status) => status === 429)).toHaveLength(37);
    // The right secret after the burst is refused like the rest: the burst gained nothing.
    expect((await grant(client, client.client_secret, address)).status).toBe(429);
  });

  it('never counts a secret already verified: a burst of right ones cannot lock its own pair out', async () => {
    const client = await createClientWith(t.app, []);
    const address = ip();
    // Verified once (argon2), then remembered: 20 workers behind one address starting together, well over the 3.
    expect((await grant(client, client.client_secret, address)).status).toBe(200);
    const burst = await Promise.all(Array.from({ length: 20 }, () => grant(client, client.client_secret, address)));
    expect(burst.map((response) => response.status)).toEqual(Array.from({ length: 20 }, () => 200));
    // Guesses still count, and once the pair is locked the remembered right secret is refused like any other.
    for (let i = 0; i < 3; i++) expect((await grant(client, 'guess', address)).status).toBe(401);
    await expectThrottled(await grant(client, client.client_secret, address));
  });
});

describe('the failed-authentication throttle, per address', () => {
  it('refuses an address that sprays many client ids, whatever client it names next', async () => {
    const scanner = ip();
    for (let i = 0; i < 5; i++)
      expect((await grant({ client_id: randomBytes(16).toString('hex') }, 'x', scanner)).status).toBe(401);
    await expectThrottled(await grant(neighbour, neighbour.client_secret, scanner));
    expect((await grant(neighbour, neighbour.client_secret, ip())).status).toBe(200);
  });
});

describe('what is counted and logged', () => {
  it('refuses an over-long client_id with 400 before it is counted', async () => {
    const address = ip();
    for (let i = 0; i < 8; i++) {
      const response = await grant({ client_id: 'x'.repeat(256) }, 'guess', address);
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({
        detail: 'The client_id parameter must be at most 255 characters.',
        error: 'invalid_request',
        error_description: 'The client_id parameter must be at most 255 characters.',
      });
    }
    // Nothing was counted against the address.
    expect((await grant(neighbour, neighbour.client_secret, address)).status).toBe(200);
    // 255 characters is still a client id (an unknown one).
    expect((await grant({ client_id: 'x'.repeat(255) }, 'guess', address)).status).toBe(401);
  });

  it('logs each failure with the client id and address, and the lockout at warn', async () => {
    const client = await createClientWith(t.app, []);
    const address = ip();
    for (let i = 0; i < 5; i++) await grant(client, 'guess', address);
    const about = t.app.log.lines.filter(
      (line) => (line.fields as { clientId?: string }).clientId === client.client_id,
    );
    expect(about.map(({ level, message }) => [level, message])).toEqual([
      ['info', 'client authentication failed'],
      ['info', 'client authentication failed'],
      ['info', 'client authentication failed'],
      ['warn', 'client authentication locked out: too many failures'],
    ]);
    expect(about[0]!.fields).toEqual({
      requestId: expect.any(String),
      clientId: client.client_id,
      ip: address,
      reason: 'wrong secret',
    });
    expect(about[3]!.fields).toEqual({
      requestId: expect.any(String),
      clientId: client.client_id,
      ip: address,
      limit: 'pair',
    });
    // Nothing in any line is the secret that was tried.
    expect(JSON.stringify(t.app.log.lines)).not.toContain('guess');
  });

  it('logs a hostile client id sanitised and cut short', async () => {
    const address = ip();
    const hostile = `evil\n{"level":"error"}\u0007${'y'.repeat(200)}`;
    await grant({ client_id: hostile }, 'x', address);
    const line = t.app.log.lines.find((entry) => (entry.fields as { ip?: string }).ip === address)!;
    expect((line.fields as { clientId: string }).clientId).toBe(`evil?{"level":"error"}?${'y'.repeat(41)}…`);
  });
});

describe('the client address behind proxies', () => {
  it('takes the right-most X-Forwarded-For entry a trusted hop vouches for, not what the client wrote', async () => {
    const attacker = ip();
    for (let i = 0; i < 3; i++) {
      // Each attempt claims another origin in front; the trusted proxy appended the real one last.
      await postToken(
        t.app,
        { grant_type: 'client_credentials', client_id: victim.client_id, client_secret: 'guess' },
        from(`${ip()}, ${attacker}`),
      );
    }
    expect((await grant(victim, victim.client_secret, attacker)).status).toBe(429);
  });

  it('believes X-Forwarded-For only from listed proxies, and only valid addresses in it', async () => {
    const server = await startHttpTestApp({ ...LIMITED, FIDES__SECURITY__TRUSTED_PROXIES: 'loopback, 10.0.0.0/8' });
    try {
      const attempt = (forwardedFor: string) =>
        fetch(`${server.origin}/api/v1/oauth/token`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Forwarded-For': forwardedFor },
          body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'nobody', client_secret: 'x' }),
        });
      const addressLogged = async (forwardedFor: string) => {
        await attempt(forwardedFor);
        return (server.log.lines.at(-1)!.fields as { ip: string }).ip;
      };
      // The socket is loopback (trusted); 10.1.2.3 is a trusted proxy too; 198.51.100.4 is the client.
      expect(await addressLogged('192.0.2.66, 198.51.100.4, 10.1.2.3')).toBe('198.51.100.4');
      // 203.0.113.5 is not a trusted proxy: what it forwarded (the left-most entry) is not believed.
      expect(await addressLogged('192.0.2.66, 203.0.113.5')).toBe('203.0.113.5');
      // Not an address at all: the nearest valid hop stands in.
      expect(await addressLogged('not-an-ip')).toBe('127.0.0.1');
    } finally {
      await server.close();
    }
  });
});

describe('the throttle shared through Redis', () => {
  const shared = { ...LIMITED, FIDES__REDIS__URL: 'redis://127.0.0.1:6379' };

  it('counts a pair in one process against another, and only that pair', async () => {
    const [one, two] = await Promise.all([startTestApp(shared), startTestApp(shared)]);
    try {
      // The clients live in separate databases here; the throttle keys on the id, so one name serves both.
      const id = `redis-${randomBytes(6).toString('hex')}`;
      const address = ip();
      for (let i = 0; i < 3; i++) expect((await grantOn(one, id, 'guess', address)).status).toBe(401);
      expect((await grantOn(two, id, 'guess', address)).status).toBe(429);
      expect((await grantOn(two, id, 'guess', ip())).status).toBe(401);
    } finally {
      await Promise.all([one.close(), two.close()]);
    }
  });

  it('gives concurrent guesses across two processes at most the allowance of verdicts', async () => {
    const [one, two] = await Promise.all([startTestApp(shared), startTestApp(shared)]);
    try {
      const id = `redis-${randomBytes(6).toString('hex')}`;
      const address = ip();
      const answers = await Promise.all(
        Array.from({ length: 30 }, (_, i) => grantOn(i % 2 ? one : two, id, 'guess', address)),
      );
      expect(answers.filter((response) => response.status === 401)).toHaveLength(3);
      expect(answers.filter((response) => response.status === 429)).toHaveLength(27);
    } finally {
      await Promise.all([one.close(), two.close()]);
    }
  });

  it('keeps a small key however long the client id', async () => {
    const one = await startTestApp(shared);
    const redis = new Redis('redis://127.0.0.1:6379');
    try {
      const address = ip();
      await grantOn(one, `${randomBytes(8).toString('hex')}${'z'.repeat(239)}`, 'guess', address);
      const keys = await redis.keys(`gatehouse:auth-fail:pair:*${address}`);
      expect(keys).toHaveLength(1);
      expect(keys[0]!.length).toBeLessThan(100);
    } finally {
      redis.disconnect();
      await one.close();
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
    const limits = await createLimits(config);
    try {
      expect(await limits.ready(300)).toBe(false);
      for (let i = 0; i < 3; i++) await limits.throttle.attempt('c', '192.0.2.1');
      await expect(limits.throttle.attempt('c', '192.0.2.1')).rejects.toBeInstanceOf(RateLimitedError);
      await expect(limits.throttle.attempt('c', '192.0.2.2')).resolves.toBeDefined();
    } finally {
      await limits.close();
    }
  });
});
