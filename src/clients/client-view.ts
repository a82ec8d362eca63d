import type { Client } from '../db/entities/index.js';

/** A client as the transports may show it: never its secret or hash. */
export interface ClientView {
  readonly clientId: string;
  readonly name: string | null;
  readonly description: string | null;
  /** The scopes it holds directly, in the order granted. */
  readonly scopes: readonly string[];
  /** Its roles, each standing for its scopes, in the order granted. */
  readonly roles: readonly string[];
  readonly createdAt: Date;
  /**
   * Whether the caller may see more than the id: it holds `client:read`, or it has just created the client. Decided
   * by the use case that returns the view; REST shows null details and GraphQL a FORBIDDEN error otherwise, so a
   * write never reads out a client to a caller that could not read it.
   */
  readonly disclosed: boolean;
}

export function toClientView(client: Client, disclosed: boolean): ClientView {
  return {
    clientId: client.id,
    name: client.name ?? null,
    description: client.description ?? null,
    scopes: client.scopes,
    roles: client.roles,
    createdAt: client.createdAt,
    disclosed,
  };
}
