import { createLocalJWKSet, exportJWK, generateKeyPair, jwtVerify, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { InvalidTokenError } from '../../src/core/index.js';
import {
  createSigningKey,
  openKeyStore,
  signAccessToken,
  verifyAccessToken,
  type KeyStore,
} from '../../src/tokens/index.js';
import { createOrm, migrate, type Database } from '../../src/db/orm.js';
import { forger } from '../helpers/forgeries.js';

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

const forge = forger(() => keys, {
  issuer: AUDIENCE.issuer,
  audience: AUDIENCE.audience,
  clientId: 'client-1',
  scope: 'policy:read',
  lifetimeSeconds: 60,
});

async function rejection(token: string): Promise<string> {
  const error = await verifyAccessToken(keys, AUDIENCE, token).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(InvalidTokenError);
  return (error as InvalidTokenError).reason;
}

describe('signAccessToken', () => {
  it('produces an RFC 9068 token with every required claim', async () => {
    const { token, claims: signed } = await signAccessToken(keys, AUDIENCE, {
      clientId: 'c1',
      scopes: ['a:b', 'c:d'],
      lifetimeSeconds: 90,
    });
    const [header, payload] = token
      .split('.')
      .slice(0, 2)
      .map((part) => JSON.parse(Buffer.from(part!, 'base64url').toString()));
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

  // The token is signed with node:crypto rather than jose's SignJWT (a third of the cost): it must be the very token
  // SignJWT would make, and verify with jose against the published keys, with and without roles, for any claims.
  it.each([
    { clientId: 'c1', scopes: ['a:b', 'c:d'], roles: [] },
    { clientId: 'ü-client "quoted"', scopes: [], roles: ['viewer', 'approver'] },
    { clientId: 'c'.repeat(64), scopes: Array.from({ length: 130 }, (_, i) => `scope:${i}`), roles: ['owner'] },
  ])(
    'makes, byte for byte, the token jose SignJWT makes, which jose verifies with the JWKS ($clientId)',
    async (input) => {
      const { token, claims } = await signAccessToken(keys, AUDIENCE, { ...input, lifetimeSeconds: 300 });
      const key = keys.signingKey();
      const expected = await new SignJWT({
        client_id: input.clientId,
        scope: input.scopes.join(' '),
        ...(input.roles.length > 0 ? { roles: input.roles } : {}),
      })
        .setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', kid: key.kid })
        .setIssuer(AUDIENCE.issuer)
        .setAudience(AUDIENCE.audience)
        .setSubject(input.clientId)
        .setJti(claims.jti)
        .setIssuedAt(claims.iat)
        .setExpirationTime(claims.exp)
        .sign(key.privateKey);
      // Ed25519 signatures are deterministic: the same header and claims give the same signature.
      expect(token).toBe(expected);
      const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(keys.jwks()), {
        algorithms: ['EdDSA'],
        issuer: AUDIENCE.issuer,
        audience: AUDIENCE.audience,
        typ: 'at+jwt',
      });
      expect(protectedHeader).toEqual({ alg: 'EdDSA', typ: 'at+jwt', kid: key.kid });
      expect(payload.client_id).toBe(input.clientId);
    },
  );

  it('publishes the public half only', () => {
    const [jwk] = keys.jwks().keys;
    expect(Object.keys(jwk!).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x']);
    expect(jwk).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig', kid: keys.signingKey().kid });
  });
});

describe('verifyAccessToken rejects', () => {
  it('alg: none', async () => {
    expect(await rejection(forge.algNone())).toBe('ERR_JOSE_ALG_NOT_ALLOWED');
  });

  it('HS256 signed with our public key (key confusion)', async () => {
    expect(await rejection(forge.hs256WithPublicKey())).toBe('ERR_JOSE_ALG_NOT_ALLOWED');
  });

  it("an attacker's Ed25519 key under our kid", async () => {
    expect(await rejection(await forge.attackersKey())).toBe('ERR_JWS_SIGNATURE_VERIFICATION_FAILED');
  });

  it.each(['jwk', 'jku', 'x5u', 'x5c'])('an embedded %s header', async (name) => {
    const attacker = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
    const value =
      name === 'jwk' ? await exportJWK(attacker.publicKey) : name === 'x5c' ? ['MIIB'] : 'https://evil.example/keys';
    expect(await rejection(await forge.signed({ [name]: value }))).toBe(`header carries "${name}"`);
  });

  it('an unknown crit extension', async () => {
    expect(await rejection(forge.unknownCrit())).toBe('ERR_JOSE_NOT_SUPPORTED');
  });

  it('an unknown kid, and no kid', async () => {
    expect(await rejection(await forge.signed({ kid: 'other' }))).toBe('unknown kid');
    expect(await rejection(await forge.signed({ kid: undefined }))).toBe('unknown kid');
  });

  const claimFailed = (claim: string, reason: string) =>
    `ERR_JWT_CLAIM_VALIDATION_FAILED: the "${claim}" claim failed its check (${reason})`;

  it('an expired token, and one not valid yet', async () => {
    expect(await rejection(await forge.expired())).toBe('ERR_JWT_EXPIRED');
    expect(await rejection(await forge.notYetValid())).toBe(claimFailed('nbf', 'check_failed'));
  });

  it('a token without exp', async () => {
    const { exp, ...rest } = forge.claims();
    void exp;
    expect(await rejection(await forge.signed({}, rest))).toBe(claimFailed('exp', 'missing'));
  });

  it('a wrong issuer, a wrong audience, and typ JWT', async () => {
    // The log says which claim failed: a token refused after the issuer moved names `iss`.
    expect(await rejection(await forge.wrongIssuer())).toBe(claimFailed('iss', 'check_failed'));
    expect(await rejection(await forge.wrongAudience())).toBe(claimFailed('aud', 'check_failed'));
    expect(await rejection(await forge.typJwt())).toBe(claimFailed('typ', 'check_failed'));
  });

  it('a sub that is not the client_id', async () => {
    expect(await rejection(await forge.signed({}, forge.claims({ sub: 'someone-else' })))).toBe('malformed claims');
  });

  it('a tampered payload and a stripped signature', async () => {
    expect(await rejection(await forge.tamperedPayload())).toBe('ERR_JWS_SIGNATURE_VERIFICATION_FAILED');
    expect(await rejection(await forge.strippedSignature())).toBe('ERR_JWS_SIGNATURE_VERIFICATION_FAILED');
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
