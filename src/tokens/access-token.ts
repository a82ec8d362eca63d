import { KeyObject, randomUUID, sign } from 'node:crypto';
import { errors, jwtVerify, type CryptoKey, type JWTHeaderParameters, type JWTPayload } from 'jose';
import { InvalidTokenError } from '../core/index.js';
import { SIGNING_ALG, type KeyStore } from './keys.js';

/** RFC 9068 media type of a JWT access token. */
export const ACCESS_TOKEN_TYP = 'at+jwt';

export interface TokenAudience {
  readonly issuer: string;
  readonly audience: string;
}

export interface AccessTokenClaims {
  readonly clientId: string;
  /** In the order the client holds them. */
  readonly scopes: readonly string[];
  /**
   * The client's roles, each standing for its scopes (the `roles` claim, an array as in Fides' tokens and RFC 9068
   * §2.2.3.1); sent only when there are some, so a client without roles gets the same token as before roles existed.
   */
  readonly roles: readonly string[];
  readonly jti: string;
  /** Seconds since the epoch. */
  readonly iat: number;
  readonly exp: number;
  /** The signing key's id (from the header, not a claim). */
  readonly kid: string;
}

/** Signs an RFC 9068 access token with the current key. */
export async function signAccessToken(
  keys: KeyStore,
  audience: TokenAudience,
  input: { clientId: string; scopes: readonly string[]; roles?: readonly string[]; lifetimeSeconds: number },
): Promise<{ token: string; claims: AccessTokenClaims }> {
  const iat = Math.floor(Date.now() / 1000);
  const key = keys.signingKey();
  const claims: AccessTokenClaims = {
    clientId: input.clientId,
    scopes: input.scopes,
    roles: input.roles ?? [],
    jti: randomUUID(),
    iat,
    exp: iat + input.lifetimeSeconds,
    kid: key.kid,
  };
  // The bytes jose's SignJWT makes (header and claims in this order, JSON, base64url), signed by node:crypto with a
  // KeyObject: about half of SignJWT's cost per token here (see BENCHMARKS.md). jose still verifies every token;
  // test/unit/access-token.test.ts proves the two produce the same token, byte for byte.
  const header = base64url({ alg: SIGNING_ALG, typ: ACCESS_TOKEN_TYP, kid: key.kid });
  const payload = base64url({
    client_id: claims.clientId,
    scope: claims.scopes.join(' '),
    ...(claims.roles.length > 0 ? { roles: claims.roles } : {}),
    iss: audience.issuer,
    aud: audience.audience,
    sub: claims.clientId,
    jti: claims.jti,
    iat: claims.iat,
    exp: claims.exp,
  });
  const signingInput = `${header}.${payload}`;
  // Ed25519 takes no digest (null); the call is synchronous and takes ~40 µs.
  const signature = sign(null, Buffer.from(signingInput), signingKeyObject(key.privateKey));
  const token = `${signingInput}.${signature.toString('base64url')}`;
  return { token, claims };
}

const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Each signing key's KeyObject, made once: the key store holds WebCrypto keys, which jose verifies with. */
const keyObjects = new WeakMap<CryptoKey, KeyObject>();
function signingKeyObject(privateKey: CryptoKey): KeyObject {
  let keyObject = keyObjects.get(privateKey);
  if (!keyObject) keyObjects.set(privateKey, (keyObject = KeyObject.from(privateKey)));
  return keyObject;
}

/** Header parameters that would let a token choose its own key; never honoured. */
const KEY_CHOOSING_HEADERS = ['jwk', 'jku', 'x5u', 'x5c'] as const;

/**
 * Verifies an access token: algorithm, `typ`, `iss` and `aud` pinned, `exp` required, the key chosen only by
 * `kid` among our own. Every failure is an `InvalidTokenError` whose reason goes to the log only.
 */
export async function verifyAccessToken(
  keys: KeyStore,
  audience: TokenAudience,
  token: string,
): Promise<AccessTokenClaims> {
  let payload: JWTPayload;
  let kid: string;
  try {
    let protectedHeader: JWTHeaderParameters;
    ({ payload, protectedHeader } = await jwtVerify(
      token,
      async (header: JWTHeaderParameters) => {
        for (const name of KEY_CHOOSING_HEADERS) {
          if (name in header) throw new InvalidTokenError(`header carries "${name}"`);
        }
        const key = typeof header.kid === 'string' ? await keys.publicKey(header.kid) : undefined;
        if (!key) throw new InvalidTokenError('unknown kid');
        return key;
      },
      {
        algorithms: [SIGNING_ALG],
        issuer: audience.issuer,
        audience: audience.audience,
        typ: ACCESS_TOKEN_TYP,
        requiredClaims: ['exp', 'iat', 'jti', 'sub', 'client_id', 'scope'],
      },
    ));
    // The key resolver above only returns a key for a string kid.
    kid = protectedHeader.kid!;
  } catch (error) {
    if (error instanceof InvalidTokenError) throw error;
    // Which claim failed goes to the log: a token refused for its `iss` after the issuer changed says so.
    if (error instanceof errors.JWTClaimValidationFailed) {
      throw new InvalidTokenError(`${error.code}: the "${error.claim}" claim failed its check (${error.reason})`);
    }
    if (error instanceof errors.JOSEError) throw new InvalidTokenError(error.code);
    throw new InvalidTokenError('unverifiable');
  }
  const { sub, client_id: clientId, scope, roles = [], jti, iat, exp } = payload;
  if (
    typeof clientId !== 'string' ||
    clientId !== sub ||
    typeof scope !== 'string' ||
    typeof jti !== 'string' ||
    !isStringList(roles)
  ) {
    throw new InvalidTokenError('malformed claims');
  }
  return { clientId, scopes: scope === '' ? [] : scope.split(' '), roles, jti, iat: iat!, exp: exp!, kid };
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}
