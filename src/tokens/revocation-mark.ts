/**
 * A client's revoke-all mark against token `iat`s, which are whole seconds: a token issued in the same second as
 * the revocation cannot be told apart from one issued just before it, so it counts as revoked too. A grant made in
 * that second therefore waits for the next one (`msUntilGrantable`), or its fresh token would be refused at once.
 */
export function issuedBeforeRevocation(iat: number, tokensRevokedAt: number | null): boolean {
  return tokensRevokedAt !== null && iat <= Math.floor(tokensRevokedAt / 1000);
}

/** How long a grant must wait so that the token it signs is issued after the client's revoke-all mark. */
export function msUntilGrantable(tokensRevokedAt: number | null, now = Date.now()): number {
  if (tokensRevokedAt === null) return 0;
  const firstGoodSecond = Math.floor(tokensRevokedAt / 1000) + 1;
  return Math.max(0, firstGoodSecond * 1000 - now);
}
