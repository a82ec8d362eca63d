import type { EntityManager } from '@mikro-orm/core';

/** What a verified token's validity depends on now: its client's scopes (null when the client is gone) and revocation. */
export interface TokenState {
  readonly scopes: readonly string[] | null;
  readonly revoked: boolean;
}

/**
 * One round trip and no entity hydration, on the path every authenticated request takes: both lookups are
 * primary-key reads (client.id, revoked_token.jti).
 */
export async function readTokenState(em: EntityManager, clientId: string, jti: string): Promise<TokenState> {
  const [row] = await em
    .getConnection()
    .execute<{ scopes: string[] | null; revoked: boolean }[]>(
      'select (select "scopes" from "client" where "id" = ?) as "scopes", exists (select 1 from "revoked_token" where "jti" = ?) as "revoked"',
      [clientId, jti],
    );
  return { scopes: row?.scopes ?? null, revoked: row?.revoked === true };
}
