import type { EntityManager } from '@mikro-orm/core';

/** What a verified token's validity depends on now: its client's scopes (null when the client is gone) and revocation. */
export interface TokenState {
  readonly scopes: readonly string[] | null;
  readonly revoked: boolean;
}

/**
 * A change to what token validity depends on, as the database triggers announce it (see the migration that creates
 * them): a client's scopes changed or it was deleted, a token was revoked, or a table was emptied (`all`).
 */
export type TokenStateChange = { kind: 'client'; clientId: string } | { kind: 'token'; jti: string } | { kind: 'all' };

/**
 * One round trip and no entity hydration, on the path every authenticated request takes: both lookups are
 * primary-key reads (client.id, revoked_token.jti).
 */
export async function readTokenState(em: EntityManager, clientId: string | null, jti: string): Promise<TokenState> {
  // The root client lives in configuration (null here): only its revocation is read.
  const [row] = await em
    .getConnection()
    .execute<{ scopes: string[] | null; revoked: boolean }[]>(
      clientId === null
        ? 'select null as "scopes", exists (select 1 from "revoked_token" where "jti" = ?) as "revoked"'
        : 'select (select "scopes" from "client" where "id" = ?) as "scopes", exists (select 1 from "revoked_token" where "jti" = ?) as "revoked"',
      clientId === null ? [jti] : [clientId, jti],
    );
  return { scopes: row?.scopes ?? null, revoked: row?.revoked === true };
}
