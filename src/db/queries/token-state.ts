import type { EntityManager } from '@mikro-orm/core';
import type { ClientRow } from './client-credentials.js';

/** What a verified token's validity depends on now: its client's row (null when the client is gone) and revocation. */
export interface TokenState {
  readonly client: ClientRow | null;
  readonly revoked: boolean;
}

/**
 * A change to what token validity and client authentication depend on, as the database triggers announce it (see
 * the migrations that create them): a client's secret or scopes changed or it was deleted, a token was revoked, or a
 * table was emptied (`all`).
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
    .execute<{ secret_hash: string | null; scopes: string[] | null; revoked: boolean }[]>(
      clientId === null
        ? 'select null as "secret_hash", null as "scopes", exists (select 1 from "revoked_token" where "jti" = ?) as "revoked"'
        : `select c."secret_hash", c."scopes", exists (select 1 from "revoked_token" where "jti" = ?) as "revoked"
           from (select 1) as one left join "client" as c on c."id" = ?`,
      clientId === null ? [jti] : [jti, clientId],
    );
  const client = row?.secret_hash != null && row.scopes ? { secretHash: row.secret_hash, scopes: row.scopes } : null;
  return { client, revoked: row?.revoked === true };
}
