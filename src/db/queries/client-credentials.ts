import type { EntityManager } from '@mikro-orm/core';

/** What authenticating a client, and checking its tokens, needs from its row. */
export interface ClientRow {
  readonly secretHash: string;
  readonly scopes: readonly string[];
}

/** One primary-key read and no entity hydration, on the path every token grant takes. */
export async function readClientCredentials(em: EntityManager, clientId: string): Promise<ClientRow | null> {
  const [row] = await em
    .getConnection()
    .execute<{ secret_hash: string; scopes: string[] }[]>('select "secret_hash", "scopes" from "client" where "id" = ?', [clientId]);
  return row ? { secretHash: row.secret_hash, scopes: row.scopes } : null;
}
