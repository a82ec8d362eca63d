import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTokenStates } from '../../src/tokens/token-states.js';
import { rotateSigningKey } from '../../src/tokens/index.js';
import { createVerifiedSecrets } from '../../src/clients/verified-secrets.js';
import {
  bearer,
  callJson,
  clientWithToken,
  createClientWith,
  graphql,
  postToken,
  rootToken,
  tokenFor,
} from '../helpers/oauth.js';
import { ROOT, startTestApp, TEST_DATABASE_URL, type TestApp } from '../helpers/test-app.js';
import { useTestApp } from '../helpers/use-test-app.js';
import { eventually } from '../helpers/wait.js';

// The hot-path caches (verified secrets, verified tokens, token state) must never outlive what they stand for.
// Every case first uses the credential, so the answer after the change comes from a warm cache.
// Three failures per minute per client id: enough to show wrong secrets are still counted.
const t = useTestApp({ FIDES__SECURITY__AUTH_RATE_LIMIT: '3/minute', FIDES__SECURITY__TRUSTED_PROXIES: '1' });
afterEach(() => {
  vi.useRealTimers();
});

let address = 0;
/** Each test its own address, so the per-address throttle of one does not reach another. */
const fresh = () => ({ 'X-Forwarded-For': `203.0.113.${++address}` });
const grant = (clientId: string, clientSecret: string, headers = fresh()) =>
  postToken(t.app, { grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret }, headers);
const scopesOf = async (token: string) => graphql(t.app, '{ viewer { scopes } }', {}, bearer(token));
/** As the root client, authenticated with HTTP Basic (RFC 7009 and 7662 authenticate the calling client). */
const asRoot = (path: string, token: string) =>
  t.app.fetch(path, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      Authorization: `Basic ${Buffer.from(`${ROOT.clientId}:${ROOT.clientSecret}`).toString('base64')}`,
    },
    body: new URLSearchParams({ token }),
  });
const revoke = (token: string) => asRoot('/api/v1/oauth/revoke', token);
/** Changes a client's scopes behind the server's back, as an operator's SQL would. */
const setScopesInSql = (target: TestApp, clientId: string, scopes: string[]) =>
  target.db.orm.em
    .getConnection()
    .execute('update client set scopes = ?::text[] where id = ?', [`{${scopes.join(',')}}`, clientId]);

describe('the verified-secret cache', () => {
  it('still refuses a wrong secret after a right one, and counts it toward the throttle', async () => {
    const client = await createClientWith(t.app, ['scope:read'], t.root);
    const from = fresh();
    expect((await grant(client.client_id, client.client_secret, from)).status).toBe(200);
    expect((await grant(client.client_id, client.client_secret, from)).status).toBe(200);
    for (let i = 0; i < 3; i++) {
      const wrong = await grant(client.client_id, `${client.client_secret}x`, from);
      expect(wrong.status).toBe(401);
      expect(await wrong.json()).toMatchObject({ error: 'invalid_client' });
    }
    // The allowance is used up: the right secret, remembered or not, waits like any other attempt.
    const blocked = await grant(client.client_id, client.client_secret, from);
    expect(blocked.status).toBe(429);
  });

  it('does the same for the root client', async () => {
    const from = fresh();
    expect((await grant(ROOT.clientId, ROOT.clientSecret, from)).status).toBe(200);
    expect((await grant(ROOT.clientId, `${ROOT.clientSecret}x`, from)).status).toBe(401);
    expect((await grant(ROOT.clientId, ROOT.clientSecret, from)).status).toBe(200);
  });

  it('forgets a secret once it is rotated, and a client once it is deleted', async () => {
    const client = await createClientWith(t.app, ['scope:read'], t.root);
    expect((await grant(client.client_id, client.client_secret)).status).toBe(200);
    const rotated = await t.app.fetch(`/api/v1/oauth/client/${client.client_id}/secret`, {
      method: 'POST',
      headers: bearer(t.root),
    });
    const { client_secret: newSecret } = (await rotated.json()) as { client_secret: string };
    expect((await grant(client.client_id, client.client_secret)).status).toBe(401);
    expect((await grant(client.client_id, newSecret)).status).toBe(200);

    expect((await callJson(t.app, 'DELETE', `/api/v1/oauth/client/${client.client_id}`, t.root)).status).toBe(200);
    const gone = await grant(client.client_id, newSecret);
    expect(gone.status).toBe(401);
    expect(await gone.json()).toMatchObject({ error: 'invalid_client' });
  });

  it('binds each remembered secret to the stored hash it was checked against', () => {
    const secrets = createVerifiedSecrets(2);
    secrets.remember('a', 'hash-1', 's3cret');
    expect(secrets.matches('a', 'hash-1', 's3cret')).toBe(true);
    expect(secrets.matches('a', 'hash-1', 's3cret!')).toBe(false);
    expect(secrets.matches('a', 'hash-2', 's3cret')).toBe(false);
    expect(secrets.matches('b', 'hash-1', 's3cret')).toBe(false);
    // Bounded: a third client evicts the least recently used.
    secrets.remember('b', 'hash-b', 'x');
    expect(secrets.matches('a', 'hash-1', 's3cret')).toBe(true);
    secrets.remember('c', 'hash-c', 'y');
    expect(secrets.matches('b', 'hash-b', 'x')).toBe(false);
    expect(secrets.matches('a', 'hash-1', 's3cret')).toBe(true);
    secrets.forget('a');
    expect(secrets.matches('a', 'hash-1', 's3cret')).toBe(false);
  });

  it('answers which hash a secret was verified against, and keeps a confirmed entry as the most recent', () => {
    const secrets = createVerifiedSecrets(2);
    secrets.remember('a', 'hash-1', 's3cret');
    secrets.remember('b', 'hash-b', 'x');
    expect(secrets.verifiedHash('a', 's3cret')).toBe('hash-1');
    expect(secrets.verifiedHash('a', 's3cret!')).toBe(null);
    expect(secrets.verifiedHash('c', 's3cret')).toBe(null);
    // A touch for another hash (the secret was rotated since) keeps 'a' the least recently used: 'c' evicts it.
    secrets.touch('a', 'hash-2');
    secrets.remember('c', 'hash-c', 'y');
    expect(secrets.verifiedHash('a', 's3cret')).toBe(null);
    expect(secrets.verifiedHash('b', 'x')).toBe('hash-b');
    // A touch for its own hash makes 'b' the most recent: 'd' evicts 'c' instead.
    secrets.touch('b', 'hash-b');
    secrets.remember('d', 'hash-d', 'z');
    expect(secrets.verifiedHash('c', 'y')).toBe(null);
    expect(secrets.verifiedHash('b', 'x')).toBe('hash-b');
  });
});

describe('the verified-token and token-state caches', () => {
  async function usedToken(scopes: string[]) {
    const used = await clientWithToken(t.app, scopes, { creator: t.root });
    expect((await scopesOf(used.token)).body).toEqual({ data: { viewer: { scopes } } });
    expect((await t.app.fetch('/api/v1/oauth/scope', { headers: bearer(used.token) })).status).toBe(
      scopes.includes('scope:read') ? 200 : 403,
    );
    return used;
  }

  it('refuses a revoked token on the very next request, REST and GraphQL', async () => {
    const { token } = await usedToken(['scope:read']);
    expect((await revoke(token)).status).toBe(200);
    expect((await t.app.fetch('/api/v1/oauth/scope', { headers: bearer(token) })).status).toBe(401);
    expect((await scopesOf(token)).status).toBe(401);
  });

  it("refuses a deleted client's token on the very next request", async () => {
    const { client_id, token } = await usedToken(['scope:read']);
    expect((await callJson(t.app, 'DELETE', `/api/v1/oauth/client/${client_id}`, t.root)).status).toBe(200);
    const after = await t.app.fetch('/api/v1/oauth/scope', { headers: bearer(token) });
    expect(after.status).toBe(401);
    expect(await after.json()).toEqual({ detail: 'The access token is invalid or has expired.' });
  });

  it('narrows a token on the very next request, and widens it back only to what it was issued with', async () => {
    const { client_id, token } = await usedToken(['client:read', 'scope:read']);
    expect(
      (await callJson(t.app, 'PUT', `/api/v1/oauth/client/${client_id}/scope`, t.root, ['client:read'])).status,
    ).toBe(200);
    expect((await scopesOf(token)).body).toEqual({ data: { viewer: { scopes: ['client:read'] } } });
    expect((await t.app.fetch('/api/v1/oauth/scope', { headers: bearer(token) })).status).toBe(403);
    expect(
      (
        await callJson(t.app, 'PUT', `/api/v1/oauth/client/${client_id}`, t.root, {
          scopes: ['scope:read', 'client:read', 'client:create'],
        })
      ).status,
    ).toBe(200);
    expect((await scopesOf(token)).body).toEqual({ data: { viewer: { scopes: ['scope:read', 'client:read'] } } });
  });

  it('answers introspection from the same state: inactive once revoked', async () => {
    const { token } = await usedToken(['scope:read']);
    const introspect = async () =>
      (await (await asRoot('/api/v1/oauth/introspect', token)).json()) as { active: boolean };
    expect((await introspect()).active).toBe(true);
    await revoke(token);
    expect(await introspect()).toEqual({ active: false });
  });

  it('refuses a remembered token once it expires', async () => {
    const { token } = await usedToken(['scope:read']);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 11520 * 60 * 1000 - 2000);
    expect((await t.app.fetch('/api/v1/oauth/scope', { headers: bearer(token) })).status).toBe(200);
    vi.setSystemTime(Date.now() + 3000);
    expect((await t.app.fetch('/api/v1/oauth/scope', { headers: bearer(token) })).status).toBe(401);
  });

  it('refuses a remembered token once the key that signed it is removed', async () => {
    const { token } = await usedToken(['scope:read']);
    const { kid } = JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()) as { kid: string };
    await rotateSigningKey(t.app.db.orm.em, t.app.config.security.appEncryptionKey, {
      activatesAt: new Date(),
      tokenLifetimeSeconds: 60,
    });
    // An operator removing a compromised key by hand.
    await t.app.db.orm.em.getConnection().execute('delete from signing_key where kid = ?', [kid]);
    await t.app.keys.refresh();
    expect((await t.app.fetch('/api/v1/oauth/scope', { headers: bearer(token) })).status).toBe(401);
    t.root = await rootToken(t.app);
  });

  it('never stores an answer read before an invalidation that raced it', async () => {
    const { client_id } = await createClientWith(t.app, ['scope:read'], t.root);
    const states = createTokenStates({ live: true });
    const db = { em: t.app.db.orm.em.fork() };
    const raced = states.read(db, client_id, 'jti-1');
    // An invalidation arrives while that read's query is in flight: what it read may predate the change.
    states.clientChanged(client_id);
    expect((await raced).client.row?.scopes).toEqual(['scope:read']);
    // Had the raced answer been stored, this read would be served from memory and miss the change below.
    await setScopesInSql(t.app, client_id, ['rule:read']);
    expect((await states.read(db, client_id, 'jti-1')).client.row?.scopes).toEqual(['rule:read']);
    // The same for the credentials read that client authentication makes (from an empty entry, so it queries).
    states.clientChanged(client_id);
    const racedCredentials = states.readClient(db, client_id);
    states.apply({ kind: 'client', clientId: client_id });
    expect((await racedCredentials).row?.scopes).toEqual(['rule:read']);
    await setScopesInSql(t.app, client_id, ['scope:read']);
    expect((await states.readClient(db, client_id)).row?.scopes).toEqual(['scope:read']);
    // Stored now, with no change since: served from memory, so the next direct SQL change goes unseen here, as
    // it must in this unit (in a server, the trigger's notification would invalidate it).
    await setScopesInSql(t.app, client_id, ['policy:read']);
    expect((await states.read(db, client_id, 'jti-1')).client.row?.scopes).toEqual(['scope:read']);
    states.apply({ kind: 'client', clientId: client_id });
    expect((await states.read(db, client_id, 'jti-1')).client.row?.scopes).toEqual(['policy:read']);
  });

  it('caches nothing while not live, and re-reads after its time to live', async () => {
    const { client_id } = await createClientWith(t.app, ['scope:read'], t.root);
    const set = (scopes: string[]) => setScopesInSql(t.app, client_id, scopes);
    const db = { em: t.app.db.orm.em.fork() };
    const offline = createTokenStates({ live: false });
    expect((await offline.read(db, client_id, 'j')).client.row?.scopes).toEqual(['scope:read']);
    await set(['rule:read']);
    expect((await offline.read(db, client_id, 'j')).client.row?.scopes).toEqual(['rule:read']);

    vi.useFakeTimers({ toFake: ['Date'] });
    const states = createTokenStates({ live: true, ttlMs: 1000 });
    expect((await states.read(db, client_id, 'j')).client.row?.scopes).toEqual(['rule:read']);
    await set(['policy:read']);
    vi.setSystemTime(Date.now() + 999);
    expect((await states.read(db, client_id, 'j')).client.row?.scopes).toEqual(['rule:read']);
    vi.setSystemTime(Date.now() + 1);
    expect((await states.read(db, client_id, 'j')).client.row?.scopes).toEqual(['policy:read']);
    states.setLive(false);
    await set(['scope:read']);
    expect((await states.read(db, client_id, 'j')).client.row?.scopes).toEqual(['scope:read']);
  });
});

// Two server processes on one PostgreSQL database: what one changes, the other must stop honouring.
describe.skipIf(!TEST_DATABASE_URL)('across processes sharing PostgreSQL', () => {
  let other: TestApp;

  beforeAll(async () => {
    other = await startTestApp({ DATABASE_URL: t.app.config.database.url });
    // Until its LISTEN is in place the other process caches nothing; wait for it, as a warm server would be.
    await waitFor(async () => {
      const token = await rootToken(other);
      return (await other.fetch('/api/v1/oauth/scope', { headers: bearer(token) })).status === 200;
    });
  });
  afterAll(() => other?.close());

  /** Polls every 5 ms until `check` holds; fails after 2 s. */
  const waitFor = (check: () => Promise<boolean>) => eventually(check, 2000, 5);

  const status = async (target: TestApp, token: string) =>
    (await target.fetch('/api/v1/oauth/scope', { headers: bearer(token) })).status;

  it('hears revocation, deletion, narrowing and an operator’s SQL within moments', async () => {
    const { token: revoked, ...client } = await clientWithToken(t.app, ['scope:read'], { creator: t.root });
    const narrowed = await tokenFor(t.app, client.client_id, client.client_secret);
    expect(await status(other, revoked)).toBe(200);
    expect(await status(other, narrowed)).toBe(200);

    expect((await revoke(revoked)).status).toBe(200);
    await waitFor(async () => (await status(other, revoked)) === 401);

    await callJson(t.app, 'PUT', `/api/v1/oauth/client/${client.client_id}/scope`, t.root, ['client:read']);
    await waitFor(async () => (await status(other, narrowed)) === 403);

    await setScopesInSql(t.app, client.client_id, ['scope:read']);
    await waitFor(async () => (await status(other, narrowed)) === 200);

    await callJson(t.app, 'DELETE', `/api/v1/oauth/client/${client.client_id}`, t.root);
    await waitFor(async () => (await status(other, narrowed)) === 401);
  });

  it('hears a role taken away, here or by an operator’s SQL: the token loses its scopes there too', async () => {
    const created = await callJson(t.app, 'POST', '/api/v1/oauth/client', t.root, { roles: ['viewer'] });
    const client = (await created.json()) as { client_id: string; client_secret: string };
    const token = await tokenFor(t.app, client.client_id, client.client_secret);
    expect(await status(other, token)).toBe(200);
    await t.app.db.orm.em.getConnection().execute(`update client set roles = '{}' where id = ?`, [client.client_id]);
    await waitFor(async () => (await status(other, token)) === 403);
    await callJson(t.app, 'PUT', `/api/v1/oauth/client/${client.client_id}`, t.root, { roles: ['viewer'] });
    await waitFor(async () => (await status(other, token)) === 200);
  });

  it('refuses, in the other process, a secret rotated here, and a client deleted by SQL', async () => {
    const client = await createClientWith(t.app, [], t.root);
    const grantThere = async (secret: string) =>
      (await postToken(other, { grant_type: 'client_credentials', client_id: client.client_id, client_secret: secret }))
        .status;
    expect(await grantThere(client.client_secret)).toBe(200);
    const rotated = await t.app.fetch(`/api/v1/oauth/client/${client.client_id}/secret`, {
      method: 'POST',
      headers: bearer(t.root),
    });
    const { client_secret: newSecret } = (await rotated.json()) as { client_secret: string };
    await waitFor(async () => (await grantThere(client.client_secret)) === 401);
    expect(await grantThere(newSecret)).toBe(200);
    await t.app.db.orm.em.getConnection().execute('delete from client where id = ?', [client.client_id]);
    await waitFor(async () => (await grantThere(newSecret)) === 401);
  });
});
