import { createHmac, KeyObject, randomUUID, sign } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { describe, expect, it } from 'vitest';
import { graphql } from '../helpers/oauth.js';
import { ISSUER, ROOT } from '../helpers/test-app.js';
import { useTestApp } from '../helpers/use-test-app.js';

// Forged and broken tokens against the running app: each must be a 401 invalid_token on REST and on GraphQL.
const t = useTestApp({}, { root: false });

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);
const claims = (overrides: Record<string, unknown> = {}) => ({
  iss: ISSUER,
  aud: ISSUER,
  sub: ROOT.clientId,
  client_id: ROOT.clientId,
  scope: 'scope:read',
  jti: randomUUID(),
  iat: now(),
  exp: now() + 600,
  ...overrides,
});

function signed(header: Record<string, unknown>, payload: Record<string, unknown>, key?: CryptoKey): Promise<string> {
  const current = t.app.keys.signingKey();
  return new SignJWT(payload)
    .setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', kid: current.kid, ...header } as never)
    .sign(key ?? current.privateKey);
}

function handSigned(header: Record<string, unknown>, payload: Record<string, unknown>): string {
  const input = `${b64({ alg: 'EdDSA', typ: 'at+jwt', kid: t.app.keys.signingKey().kid, ...header })}.${b64(payload)}`;
  return `${input}.${sign(null, Buffer.from(input), KeyObject.from(t.app.keys.signingKey().privateKey)).toString('base64url')}`;
}

const attacks: [string, () => Promise<string> | string][] = [
  ['alg: none', () => `${b64({ alg: 'none', typ: 'at+jwt' })}.${b64(claims())}.`],
  [
    'HS256 signed with our public key',
    () => {
      const input = `${b64({ alg: 'HS256', typ: 'at+jwt', kid: t.app.keys.signingKey().kid })}.${b64(claims())}`;
      return `${input}.${createHmac('sha256', JSON.stringify(t.app.keys.jwks().keys[0])).update(input).digest('base64url')}`;
    },
  ],
  ["an attacker's Ed25519 key under our kid", async () => signed({}, claims(), (await generateKeyPair('EdDSA', { crv: 'Ed25519' })).privateKey)],
  [
    'an embedded jwk',
    async () => {
      const attacker = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
      return signed({ jwk: await exportJWK(attacker.publicKey) }, claims(), attacker.privateKey);
    },
  ],
  ['a jku', () => signed({ jku: 'https://evil.example/jwks.json' }, claims())],
  ['an x5u', () => signed({ x5u: 'https://evil.example/cert.pem' }, claims())],
  ['an unknown crit', () => handSigned({ crit: ['exp-policy'], 'exp-policy': 1 }, claims())],
  ['an expired token', () => signed({}, claims({ iat: now() - 120, exp: now() - 60 }))],
  ['nbf in the future', () => signed({}, claims({ nbf: now() + 600 }))],
  ['a wrong iss', () => signed({}, claims({ iss: 'https://evil.example' }))],
  ['a wrong aud', () => signed({}, claims({ aud: 'https://elsewhere.example' }))],
  ['typ: JWT', () => signed({ typ: 'JWT' }, claims())],
  [
    'a tampered payload',
    async () => {
      const [header, , signature] = (await signed({}, claims())).split('.');
      return `${header}.${b64(claims({ scope: 'client:create client:delete' }))}.${signature}`;
    },
  ],
  ['a stripped signature', async () => `${(await signed({}, claims())).split('.').slice(0, 2).join('.')}.`],
];

describe('forged and broken tokens', () => {
  it('the genuine article works, so the 401s below are about the attack', async () => {
    const response = await t.app.fetch('/api/v1/oauth/scope', { headers: { Authorization: `Bearer ${await signed({}, claims())}` } });
    expect(response.status).toBe(200);
  });

  it.each(attacks)('%s → 401 invalid_token on REST and GraphQL', async (_name, make) => {
    const token = await make();
    const rest = await t.app.fetch('/api/v1/oauth/scope', { headers: { Authorization: `Bearer ${token}` } });
    expect(rest.status).toBe(401);
    expect(rest.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    expect(await rest.json()).toEqual({ detail: 'The access token is invalid or has expired.' });
    const gql = await graphql(t.app, '{ viewer { clientId } }', {}, { Authorization: `Bearer ${token}` });
    expect(gql.status).toBe(401);
    expect(gql.body.errors?.[0]?.extensions).toEqual({ code: 'UNAUTHENTICATED' });
  });
});
