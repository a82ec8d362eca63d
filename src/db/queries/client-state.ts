import type { EntityManager } from '@mikro-orm/core';

/** What authenticating a client, and checking its tokens, needs from its row. */
export interface ClientRow {
  readonly secretHash: string;
  readonly scopes: readonly string[];
  readonly roles: readonly string[];
}

/** What a client's authentication and its tokens' validity depend on now. */
export interface ClientState {
  /** Null when there is no such row: deleted, never created, or the root client (it lives in configuration). */
  readonly row: ClientRow | null;
  /** When every token issued to the client until then was revoked (epoch milliseconds), or null. */
  readonly tokensRevokedAt: number | null;
}

/**
 * The client part of the one-round-trip reads below: both joins are primary-key lookups, and the mark comes back
 * as a plain number on both drivers (pg and PGlite parse timestamps differently).
 */
export const CLIENT_STATE_SELECT = `c."secret_hash", c."scopes", c."roles", (extract(epoch from r."revoked_at") * 1000)::float8 as "revoked_at_ms"`;
export const CLIENT_STATE_JOINS = `left join "client" as c on c."id" = ? left join "client_revocation" as r on r."client_id" = ?`;

export interface ClientStateColumns {
  secret_hash: string | null;
  scopes: string[] | null;
  roles: string[] | null;
  revoked_at_ms: number | null;
}

export function toClientState(row: ClientStateColumns | undefined): ClientState {
  return {
    row:
      row?.secret_hash != null && row.scopes
        ? { secretHash: row.secret_hash, scopes: row.scopes, roles: row.roles ?? [] }
        : null,
    tokensRevokedAt: row?.revoked_at_ms ?? null,
  };
}

/** One round trip and no entity hydration, on the path every token grant takes. */
export async function readClientState(em: EntityManager, clientId: string): Promise<ClientState> {
  const [row] = await em
    .getConnection()
    .execute<ClientStateColumns[]>(`select ${CLIENT_STATE_SELECT} from (select 1) as one ${CLIENT_STATE_JOINS}`, [
      clientId,
      clientId,
    ]);
  return toClientState(row);
}
