/** The calling client, as established from a verified bearer token. */
export interface Principal {
  readonly clientId: string;
  readonly isRoot: boolean;
  /**
   * Effective scopes: the token's scopes that the client still holds now (directly or through a role), and the
   * scopes of its effective roles; in the client's order, then in registry order (see `effectiveHoldings`).
   */
  readonly scopes: readonly string[];
  /** Effective roles: the token's roles that the client still holds now. */
  readonly roles: readonly string[];
  readonly expiresAt: Date;
  readonly jti: string;
}
