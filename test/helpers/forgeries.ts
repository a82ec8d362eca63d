import { createHmac, KeyObject, randomUUID, sign } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import type { KeyStore } from '../../src/tokens/index.js';

/**
 * Forged and broken access tokens, each written once: the unit tests of verification expect the reason each is
 * refused for, the attacks on the running app expect a 401 for each. None of them may ever be accepted.
 */

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);

/** The token with its scope claim changed, and the signature it had kept. */
export function tamperedScope(token: string, scope = 'client:create'): string {
  const [header, payload, signature] = token.split('.') as [string, string, string];
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
  return [header, b64({ ...claims, scope }), signature].join('.');
}

/** The token with its signature removed (the last dot kept). */
export function strippedSignature(token: string): string {
  return `${token.split('.').slice(0, 2).join('.')}.`;
}

/** Whose the genuine claims are: what the forged tokens claim unless a forgery changes it. */
export interface GenuineClaims {
  readonly issuer: string;
  readonly audience: string;
  readonly clientId: string;
  readonly scope: string;
  readonly lifetimeSeconds: number;
}

/** Forgeries against `keys` (read when a token is made, so it may be set in beforeAll), claiming `genuine`. */
export function forger(keys: () => KeyStore, genuine: GenuineClaims) {
  /** Claims as the server writes them, with `overrides` on top. */
  const claims = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
    iss: genuine.issuer,
    aud: genuine.audience,
    sub: genuine.clientId,
    client_id: genuine.clientId,
    scope: genuine.scope,
    jti: randomUUID(),
    iat: now(),
    exp: now() + genuine.lifetimeSeconds,
    ...overrides,
  });
  /** Signs with our real private key (or `key`) under our kid, with whatever header and claims an attacker, or a bug, might produce. */
  const signed = (header: Record<string, unknown> = {}, payload = claims(), key?: CryptoKey): Promise<string> => {
    const current = keys().signingKey();
    return new SignJWT(payload)
      .setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', kid: current.kid, ...header } as never)
      .sign(key ?? current.privateKey);
  };
  /** Signs by hand with our real key: for headers jose will not sign (an unknown crit). */
  const handSigned = (header: Record<string, unknown>, payload = claims()): string => {
    const current = keys().signingKey();
    const input = `${b64({ alg: 'EdDSA', typ: 'at+jwt', kid: current.kid, ...header })}.${b64(payload)}`;
    return `${input}.${sign(null, Buffer.from(input), KeyObject.from(current.privateKey)).toString('base64url')}`;
  };
  return {
    claims,
    signed,
    /** alg: none under our kid, and no signature. */
    algNone: () => `${b64({ alg: 'none', typ: 'at+jwt', kid: keys().signingKey().kid })}.${b64(claims())}.`,
    /** Key confusion: HS256 with our public JWK as the HMAC secret. */
    hs256WithPublicKey: () => {
      const input = `${b64({ alg: 'HS256', typ: 'at+jwt', kid: keys().signingKey().kid })}.${b64(claims())}`;
      return `${input}.${createHmac('sha256', JSON.stringify(keys().jwks().keys[0])).update(input).digest('base64url')}`;
    },
    /** Signed with an attacker's Ed25519 key under our kid. */
    attackersKey: async () => signed({}, claims(), (await generateKeyPair('EdDSA', { crv: 'Ed25519' })).privateKey),
    /** Signed with an attacker's key, whose public half the header offers as a jwk. */
    embeddedJwk: async () => {
      const attacker = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
      return signed({ jwk: await exportJWK(attacker.publicKey) }, claims(), attacker.privateKey);
    },
    /** An unknown crit extension. */
    unknownCrit: () => handSigned({ crit: ['exp-policy'], 'exp-policy': 1 }),
    expired: () => signed({}, claims({ iat: now() - 120, exp: now() - 60 })),
    notYetValid: () => signed({}, claims({ nbf: now() + 600 })),
    wrongIssuer: () => signed({}, claims({ iss: 'https://evil.example' })),
    wrongAudience: () => signed({}, claims({ aud: 'https://elsewhere.example' })),
    typJwt: () => signed({ typ: 'JWT' }),
    tamperedPayload: async () => tamperedScope(await signed()),
    strippedSignature: async () => strippedSignature(await signed()),
  };
}
