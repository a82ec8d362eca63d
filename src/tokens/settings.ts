import type { Config } from '../config/index.js';
import { ROLE_REGISTRY, ROOT_ROLES, SCOPE_REGISTRY, type AccessRegistries, type Holdings } from '../access/index.js';
import { hashSecret, newClientSecret } from '../clients/index.js';
import type { TokenAudience } from './access-token.js';

/** What the OAuth domain needs from configuration, prepared once at start. */
export interface AuthSettings extends AccessRegistries {
  /** The root client, which lives in configuration and holds every scope and Fides' root roles. */
  readonly root: Holdings & {
    readonly clientId: string;
    /** argon2id of the configured root secret, so the root client is checked exactly like the others. */
    readonly secretHash: string;
  };
  readonly tokens: TokenAudience & { readonly lifetimeSeconds: number };
  /** Verified against when the client id is unknown, so an unknown id costs what a wrong secret costs. */
  readonly dummySecretHash: string;
}

export async function createAuthSettings(config: Config): Promise<AuthSettings> {
  const { security } = config;
  const [rootHash, dummyHash] = await Promise.all([
    hashSecret(security.oauthRootClientSecret),
    hashSecret(newClientSecret()),
  ]);
  return Object.freeze({
    registry: SCOPE_REGISTRY,
    roles: ROLE_REGISTRY,
    root: Object.freeze({
      clientId: security.oauthRootClientId,
      secretHash: rootHash,
      scopes: SCOPE_REGISTRY,
      roles: ROOT_ROLES,
    }),
    tokens: Object.freeze({
      issuer: security.oauthIssuer,
      audience: security.oauthAudience,
      lifetimeSeconds: Math.round(security.oauthAccessTokenExpireMinutes * 60),
    }),
    dummySecretHash: dummyHash,
  });
}
