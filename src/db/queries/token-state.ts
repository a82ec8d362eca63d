import type { EntityManager } from '@mikro-orm/core';
import {
  CLIENT_STATE_JOINS,
  CLIENT_STATE_SELECT,
  toClientState,
  type ClientState,
  type ClientStateColumns,
} from './client-state.js';

/** What a verified token's validity depends on now: its client's state and the token's own revocation. */
export interface TokenState {
  readonly client: ClientState;
  readonly revoked: boolean;
}

/**
 * A change to what token validity and client authentication depend on, as the database triggers announce it (see
 * the migrations that create them): a client's secret, scopes or revocation mark changed or it was deleted, a token
 * was revoked, or a table was emptied (`all`).
 */
export type TokenStateChange = { kind: 'client'; clientId: string } | { kind: 'token'; jti: string } | { kind: 'all' };

/** One round trip and no entity hydration, on the path every authenticated request takes: primary-key reads only. */
export async function readTokenState(em: EntityManager, clientId: string, jti: string): Promise<TokenState> {
  const [row] = await em.getConnection().execute<(ClientStateColumns & { revoked: boolean })[]>(
    `select ${CLIENT_STATE_SELECT}, exists (select 1 from "revoked_token" where "jti" = ?) as "revoked"
       from (select 1) as one ${CLIENT_STATE_JOINS}`,
    [jti, clientId, clientId],
  );
  return { client: toClientState(row), revoked: row?.revoked === true };
}
