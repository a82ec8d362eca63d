/** The calling client, as established from a verified bearer token. */
export interface Principal {
  readonly clientId: string;
  readonly isRoot: boolean;
  /** Effective scopes: the token's scopes that the client still holds now, in the client's order. */
  readonly scopes: readonly string[];
  readonly expiresAt: Date;
  readonly jti: string;
}
