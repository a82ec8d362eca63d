import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { openKeyStore, removeExpiredKeys, rotateSigningKey, signAccessToken } from '../../src/tokens/index.js';
import { bearer, callJson, clientWithToken, graphql, rootToken } from '../helpers/oauth.js';
import { eventually } from '../helpers/wait.js';
import { ROOT, TEST_DATABASE_URL } from '../helpers/test-app.js';
import { useTestApp } from '../helpers/use-test-app.js';

const t = useTestApp({}, { root: false });
const LIFETIME = 11520 * 60;

afterEach(() => {
  vi.useRealTimers();
});

const kidOf = (token: string) =>
  (JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()) as { kid: string }).kid;
const jwksKids = async () =>
  ((await (await t.app.fetch('/.well-known/jwks.json')).json()) as { keys: { kid: string }[] }).keys.map(
    (key) => key.kid,
  );

describe('signing-key rotation', () => {
  it('publishes the new key before it signs, switches at activation, and keeps old tokens valid', async () => {
    const oldToken = await rootToken(t.app);
    const oldKid = kidOf(oldToken);
    const activatesAt = new Date(Date.now() + 600_000);
    const { kid: newKid } = await rotateSigningKey(t.app.db.orm.em, t.app.config.security.appEncryptionKey, {
      activatesAt,
      tokenLifetimeSeconds: LIFETIME,
    });
    await t.app.keys.refresh();

    expect(await jwksKids()).toEqual([oldKid, newKid]);
    expect(kidOf(await rootToken(t.app))).toBe(oldKid);

    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(activatesAt);
    const newToken = await rootToken(t.app);
    expect(kidOf(newToken)).toBe(newKid);
    expect((await t.app.fetch('/api/v1/oauth/scope', { headers: bearer(oldToken) })).status).toBe(200);
    expect((await t.app.fetch('/api/v1/oauth/scope', { headers: bearer(newToken) })).status).toBe(200);

    // One token lifetime after the switch, nothing the old key signed is valid: the next rotation removes it.
    vi.setSystemTime(activatesAt.getTime() + LIFETIME * 1000 - 1000);
    expect(await removeExpiredKeys(t.app.db.orm.em.fork(), LIFETIME)).toEqual([]);
    vi.setSystemTime(activatesAt.getTime() + LIFETIME * 1000 + 1000);
    expect(await removeExpiredKeys(t.app.db.orm.em.fork(), LIFETIME)).toEqual([oldKid]);
    await t.app.keys.refresh();
    expect(await jwksKids()).toEqual([newKid]);
  });

  // On PostgreSQL the rotation's NOTIFY reloads the keys at once (the next test), so the unknown-kid path is seen on
  // the embedded database, which has no listener.
  it.skipIf(TEST_DATABASE_URL)(
    'accepts a token signed by a key another process rotated in, reloading on the unknown kid',
    async () => {
      vi.useFakeTimers({ toFake: ['performance'] });
      await t.app.keys.refresh();
      // The "other process": its own key store on the same database, after rotating with --now.
      await rotateSigningKey(t.app.db.orm.em, t.app.config.security.appEncryptionKey, {
        activatesAt: new Date(),
        tokenLifetimeSeconds: LIFETIME,
      });
      const other = await openKeyStore(t.app.db.orm.em, t.app.config.security.appEncryptionKey);
      const audience = { issuer: t.app.config.security.oauthIssuer, audience: t.app.config.security.oauthAudience };
      const { token } = await signAccessToken(other, audience, {
        clientId: ROOT.clientId,
        scopes: ['scope:read'],
        lifetimeSeconds: 60,
      });

      // Within the throttle an unknown kid does not reach the database; once it has passed, the app reloads and accepts.
      expect((await t.app.fetch('/api/v1/oauth/scope', { headers: bearer(token) })).status).toBe(401);
      vi.advanceTimersByTime(5_001);
      expect((await t.app.fetch('/api/v1/oauth/scope', { headers: bearer(token) })).status).toBe(200);
    },
  );

  it.runIf(TEST_DATABASE_URL)(
    'publishes a key another process rotated in as soon as the rotation commits (PostgreSQL NOTIFY)',
    async () => {
      // Every earlier rotation loaded (their own notifications may still be on their way).
      await t.app.keys.refresh();
      const before = await jwksKids();
      // The "other process": the rotation alone, through the ORM, with nothing telling this app's key store.
      const { kid } = await rotateSigningKey(t.app.db.orm.em, t.app.config.security.appEncryptionKey, {
        activatesAt: new Date(Date.now() + 600_000),
        tokenLifetimeSeconds: LIFETIME,
      });
      // Well under the minute of the periodic reload.
      await eventually(async () => (await jwksKids()).includes(kid), 2_000, 5);
      expect(await jwksKids()).toEqual([...before, kid]);
    },
  );
});

// The operator's routes behind `npm run cli -- keys list|rotate`: the root client's alone, whatever the scopes.
describe('GET and POST /api/v1/oauth/keys', () => {
  // The rotation tests above leave, in real time, only a key that signs in the future (the embedded database's
  // unknown-kid test adds one that signs now; PostgreSQL skips it): these tests need a key signing now.
  beforeAll(async () => {
    await rotateSigningKey(t.app.db.orm.em, t.app.config.security.appEncryptionKey, {
      activatesAt: new Date(),
      tokenLifetimeSeconds: LIFETIME,
    });
    await t.app.keys.refresh();
  });

  it('lists and rotates for the root client, recording who rotated', async () => {
    const root = await rootToken(t.app);
    const before = (await (await callJson(t.app, 'GET', '/api/v1/oauth/keys', root)).json()) as { kid: string }[];
    const rotated = await callJson(t.app, 'POST', '/api/v1/oauth/keys', root, { activate_in_seconds: 120 });
    expect(rotated.status).toBe(200);
    const body = (await rotated.json()) as {
      kid: string;
      activates_at: string;
      removed: string[];
      keys: { kid: string; activates_at: string; state: string }[];
    };
    expect(Date.parse(body.activates_at) - Date.now()).toBeGreaterThan(110_000);
    expect(body.activates_at).toMatch(/\+00:00$/);
    // Ordered by activation: an earlier test left a key pending for longer.
    expect(body.keys.find((key) => key.kid === body.kid)).toEqual({
      kid: body.kid,
      activates_at: body.activates_at,
      state: 'pending',
    });
    expect(body.keys.map((key) => key.kid).sort()).toEqual([...before.map((key) => key.kid), body.kid].sort());
    // This process publishes it at once: no waiting for the minute's reload.
    expect(await jwksKids()).toContain(body.kid);
    const events = (await (
      await callJson(t.app, 'GET', '/api/v1/oauth/audit?action=signing_key.rotated&size=1', root)
    ).json()) as { items: { actor_client_id: string; details: { kid: string } }[] };
    expect(events.items[0]).toMatchObject({ actor_client_id: ROOT.clientId, details: { kid: body.kid } });
    // No body: the default delay, ten minutes (what `keys rotate` without options sends).
    const byDefault = (await (await callJson(t.app, 'POST', '/api/v1/oauth/keys', root)).json()) as {
      activates_at: string;
    };
    expect(Math.round((Date.parse(byDefault.activates_at) - Date.now()) / 10_000)).toBe(60);
  });

  it('refuses every other client, even one holding every client scope, and a bad delay', async () => {
    const admin = await clientWithToken(t.app, ['client:create', 'client:read', 'client:update', 'client:delete'], {
      creator: await rootToken(t.app),
    });
    for (const method of ['GET', 'POST'] as const) {
      const refused = await callJson(t.app, method, '/api/v1/oauth/keys', admin.token);
      expect(refused.status).toBe(403);
      expect(await refused.json()).toEqual({ detail: 'Only the root client may manage the signing keys.' });
    }
    const bad = await callJson(t.app, 'POST', '/api/v1/oauth/keys', await rootToken(t.app), {
      activate_in_seconds: -1,
    });
    expect(bad.status).toBe(422);
    expect(await bad.json()).toEqual({
      detail: [
        {
          loc: ['body', 'activate_in_seconds'],
          msg: 'Input should be a whole number of seconds from 0 to 31622400',
          type: 'int_range',
        },
      ],
    });
  });
});

describe('GraphQL signingKeys and rotateSigningKey', () => {
  it('list and rotate for the root client; any other caller gets FORBIDDEN', async () => {
    const root = await rootToken(t.app);
    const rotated = await graphql(
      t.app,
      'mutation { rotateSigningKey(activateInSeconds: 0) { kid activatesAt removed keys { kid state } } }',
      {},
      bearer(root),
    );
    expect(rotated.body.errors).toBeUndefined();
    const rotation = rotated.body.data!.rotateSigningKey as { kid: string; keys: { kid: string; state: string }[] };
    expect(rotation.keys.find((key) => key.kid === rotation.kid)?.state).toBe('signing');
    const listed = await graphql(t.app, '{ signingKeys { kid state activatesAt } }', {}, bearer(root));
    expect((listed.body.data!.signingKeys as { kid: string }[]).map((key) => key.kid)).toEqual(
      rotation.keys.map((key) => key.kid),
    );

    const admin = await clientWithToken(t.app, ['client:read', 'client:update'], { creator: root });
    const refused = await graphql(t.app, '{ signingKeys { kid } }', {}, bearer(admin.token));
    expect(refused.status).toBe(200);
    expect(refused.body.data).toEqual({ signingKeys: null });
    expect(refused.body.errors).toMatchObject([
      { message: 'Only the root client may manage the signing keys.', extensions: { code: 'FORBIDDEN' } },
    ]);
    const anonymous = await graphql(t.app, 'mutation { rotateSigningKey { kid } }');
    expect(anonymous.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

// The operator command, as a user runs it, on its own embedded data folder.
describe.skipIf(TEST_DATABASE_URL)('npm run cli -- keys', () => {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const cwd = mkdtempSync(join(tmpdir(), 'gatehouse-cli-'));
  const cli = (...args: string[]) =>
    spawnSync(`${root}node_modules/.bin/tsx`, [`${root}src/server/cli.ts`, ...args], {
      cwd,
      env: { PATH: process.env.PATH ?? '' },
      encoding: 'utf8',
    });

  it('explains itself with --help', () => {
    const result = cli('keys', 'rotate', '--help');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Usage: npm run cli -- keys rotate [--activate-in S | --now] [--json]\n');
  });

  it('rotates: a new key, pending until its activation, beside the signing one', () => {
    const result = cli('keys', 'rotate', '--activate-in', '120');
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(
      /^new signing key [0-9a-f-]{36}: published now, signs from \S+Z\n[0-9a-f-]{36} {2}\S+ {2}signing\n[0-9a-f-]{36} {2}\S+ {2}pending\n$/,
    );
  });

  it('refuses an unknown command and a bad delay with exit code 2', () => {
    expect(cli('keys', 'shred').status).toBe(2);
    const bad = cli('keys', 'rotate', '--activate-in', 'soon');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toBe('keys rotate: --activate-in: a whole number of seconds, 0 or more\n');
  });
});
