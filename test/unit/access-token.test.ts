import { createHmac, KeyObject, randomUUID, sign } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { InvalidTokenError } from '../../src/core/index.js';
import { createSigningKey, openKeyStore, signAccessToken, verifyAccessToken, type KeyStore } from '../../src/tokens/index.js';
import { createOrm, migrate, type Database } from '../../src/db/orm.js';

const AUDIENCE = { issuer: 'https://auth.example', audience: 'https://api.example' };
const KEY = '0123456789abcdef0123456789abcdef';

let db: Database;
let keys: KeyStore;

beforeAll(async () => {
  db = await createOrm({ kind: 'pglite-memory', url: 'pglite://memory' });
  await migrate(db);
  await createSigningKey(db.orm.em.fork(), KEY, new Date());
  keys = await openKeyStore(db.orm.em, KEY);
});
afterAll(() => db?.close());

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

function claims(overrides: Record<string, unknown> = {}) {
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: AUDIENCE.issuer,
    aud: AUDIENCE.audience,
    sub: 'client-1',
    client_id: 'client-1',
    scope: 'policy:read',
    jti: randomUUID(),
    iat: now,
    exp: now + 60,
    ...overrides,
  };
}

/** Signs with our real private key, with whatever header and claims an attacker (or a bug) might produce. */
async function signWith(header: Record<string, unknown>, payload: Record<string, unknown>, key: CryptoKey = keys.signingKey().privateKey) {
  return new SignJWT(payload).setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', kid: keys.signingKey().kid, ...header } as never).sign(key);
}

async function rejection(token: string): Promise<string> {
  const error = await verifyAccessToken(keys, AUDIENCE, token).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(InvalidTokenError);
  return (error as InvalidTokenError).reason;
}

describe('signAccessToken', () => {
  it('produces an RFC 9068 token with every required claim', async () => {
    const { token, claims: signed } = await signAccessToken(keys, AUDIENCE, { clientId: 'c1', scopes: ['a:b', 'c:d'], lifetimeSeconds: 90 });
    const [header, payload] = token.split('.').slice(0, 2).map((part) => JSON.parse(Buffer.from(part!, 'base64url').toString()));
    expect(header).toEqual({ alg: 'EdDSA', typ: 'at+jwt', kid: keys.signingKey().kid });
    expect(payload).toEqual({
      iss: AUDIENCE.issuer,
      aud: AUDIENCE.audience,
      sub: 'c1',
      client_id: 'c1',
      scope: 'a:b c:d',
      jti: signed.jti,
      iat: signed.iat,
      exp: signed.iat + 90,
    });
    expect(await verifyAccessToken(keys, AUDIENCE, token)).toEqual(signed);
  });

  it('publishes the public half only', () => {
    const [jwk] = keys.jwks().keys;
    expect(Object.keys(jwk!).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x']);
    expect(jwk).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig', kid: keys.signingKey().kid });
  });
});

describe('verifyAccessToken rejects', () => {
  it('alg: none', async () => {
    const token = `${b64({ alg: 'none', typ: 'at+jwt', kid: keys.signingKey().kid })}.${b64(claims())}.`;
    expect(await rejection(token)).toBe('ERR_JOSE_ALG_NOT_ALLOWED');
  });

  it('HS256 signed with our public key (key confusion)', async () => {
    const header = b64({ alg: 'HS256', typ: 'at+jwt', kid: keys.signingKey().kid });
    const body = b64(claims());
    const secret = JSON.stringify(keys.jwks().keys[0]);
    const signature = createHmac('sha256', secret).update(`${header}.${body}`).digest('base64url');
    expect(await rejection(`${header}.${body}.${signature}`)).toBe('ERR_JOSE_ALG_NOT_ALLOWED');
  });

  it("an attacker's Ed25519 key under our kid", async () => {
    const attacker = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    expect(await rejection(await signWith({}, claims(), attacker.privateKey))).toBe('ERR_JWS_SIGNATURE_VERIFICATION_FAILED');
  });

  it.each(['jwk', 'jku', 'x5u', 'x5c'])('an embedded %s header', async (name) => {
    const attacker = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
    const value = name === 'jwk' ? await exportJWK(attacker.publicKey) : name === 'x5c' ? ['MIIB'] : 'https://evil.example/keys';
    expect(await rejection(await signWith({ [name]: value }, claims()))).toBe(`header carries "${name}"`);
  });

  it('an unknown crit extension', async () => {
    // jose will not sign an unknown crit, so sign by hand with our real key.
    const input = `${b64({ alg: 'EdDSA', typ: 'at+jwt', kid: keys.signingKey().kid, crit: ['exp-policy'], 'exp-policy': 1 })}.${b64(claims())}`;
    const signature = sign(null, Buffer.from(input), KeyObject.from(keys.signingKey().privateKey)).toString('base64url');
    expect(await rejection(`${input}.${signature}`)).toBe('ERR_JOSE_NOT_SUPPORTED');
  });

  it('an unknown kid, and no kid', async () => {
    expect(await rejection(await signWith({ kid: 'other' }, claims()))).toBe('unknown kid');
    expect(await rejection(await signWith({ kid: undefined }, claims()))).toBe('unknown kid');
  });

  it('an expired token, and one not valid yet', async () => {
    const now = Math.floor(Date.now() / 1000);
    expect(await rejection(await signWith({}, claims({ iat: now - 120, exp: now - 60 })))).toBe('ERR_JWT_EXPIRED');
    expect(await rejection(await signWith({}, claims({ nbf: now + 600 })))).toBe('ERR_JWT_CLAIM_VALIDATION_FAILED');
  });

  it('a token without exp', async () => {
    const { exp, ...rest } = claims();
    void exp;
    expect(await rejection(await signWith({}, rest))).toBe('ERR_JWT_CLAIM_VALIDATION_FAILED');
  });

  it('a wrong issuer, a wrong audience, and typ JWT', async () => {
    expect(await rejection(await signWith({}, claims({ iss: 'https://evil.example' })))).toBe('ERR_JWT_CLAIM_VALIDATION_FAILED');
    expect(await rejection(await signWith({}, claims({ aud: 'https://other.example' })))).toBe('ERR_JWT_CLAIM_VALIDATION_FAILED');
    expect(await rejection(await signWith({ typ: 'JWT' }, claims()))).toBe('ERR_JWT_CLAIM_VALIDATION_FAILED');
  });

  it('a sub that is not the client_id', async () => {
    expect(await rejection(await signWith({}, claims({ sub: 'someone-else' })))).toBe('malformed claims');
  });

  it('a tampered payload and a stripped signature', async () => {
    const token = await signWith({}, claims());
    const [header, , signature] = token.split('.');
    expect(await rejection(`${header}.${b64(claims({ scope: 'client:create' }))}.${signature}`)).toBe('ERR_JWS_SIGNATURE_VERIFICATION_FAILED');
    expect(await rejection(token.split('.').slice(0, 2).join('.') + '.')).toBe('ERR_JWS_SIGNATURE_VERIFICATION_FAILED');
  });

  it('a token past exp under a frozen clock, and accepts it one second earlier', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(new Date('2030-01-01T00:00:00Z'));
      const { token } = await signAccessToken(keys, AUDIENCE, { clientId: 'c1', scopes: [], lifetimeSeconds: 10 });
      vi.setSystemTime(new Date('2030-01-01T00:00:09Z'));
      await expect(verifyAccessToken(keys, AUDIENCE, token)).resolves.toMatchObject({ clientId: 'c1', scopes: [] });
      vi.setSystemTime(new Date('2030-01-01T00:00:10Z'));
      expect(await rejection(token)).toBe('ERR_JWT_EXPIRED');
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('signing keys at rest', () => {
  it('are encrypted with app_encryption_key, and refuse to load with another key', async () => {
    const rows = await db.orm.em.fork().getConnection().execute('select private_jwk_encrypted from signing_key');
    expect(rows[0].private_jwk_encrypted).toMatch(/^v2\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(rows[0].private_jwk_encrypted).not.toContain('"d"');
    await expect(openKeyStore(db.orm.em, 'another-key-of-32-characters!!!!')).rejects.toThrow(
      `signing key ${keys.signingKey().kid} cannot be decrypted with the configured app_encryption_key`,
    );
  });
});
