import { describe, expect, it } from 'vitest';
import { forger } from '../helpers/forgeries.js';
import { graphql } from '../helpers/oauth.js';
import { ISSUER, ROOT } from '../helpers/test-app.js';
import { useTestApp } from '../helpers/use-test-app.js';

// Forged and broken tokens against the running app: each must be a 401 invalid_token on REST and on GraphQL.
const t = useTestApp({}, { root: false });

const forge = forger(() => t.app.keys, {
  issuer: ISSUER,
  audience: ISSUER,
  clientId: ROOT.clientId,
  scope: 'scope:read',
  lifetimeSeconds: 600,
});

const attacks: [string, () => Promise<string> | string][] = [
  ['alg: none', forge.algNone],
  ['HS256 signed with our public key', forge.hs256WithPublicKey],
  ["an attacker's Ed25519 key under our kid", forge.attackersKey],
  ['an embedded jwk', forge.embeddedJwk],
  ['a jku', () => forge.signed({ jku: 'https://evil.example/jwks.json' })],
  ['an x5u', () => forge.signed({ x5u: 'https://evil.example/cert.pem' })],
  ['an unknown crit', forge.unknownCrit],
  ['an expired token', forge.expired],
  ['nbf in the future', forge.notYetValid],
  ['a wrong iss', forge.wrongIssuer],
  ['a wrong aud', forge.wrongAudience],
  ['typ: JWT', forge.typJwt],
  ['a tampered payload', forge.tamperedPayload],
  ['a stripped signature', forge.strippedSignature],
];

describe('forged and broken tokens', () => {
  it('the genuine article works, so the 401s below are about the attack', async () => {
    const response = await t.app.fetch('/api/v1/oauth/scope', {
      headers: { Authorization: `Bearer ${await forge.signed()}` },
    });
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
