import { defineEntity, type InferEntity } from '@mikro-orm/core';

/**
 * A client's "not before": every access token it was issued at or before `revokedAt` (to the second, see
 * src/auth/revoke-client-tokens.ts) is refused. Keyed by client id rather than a column of `client`, because the
 * root client, which lives in configuration, can be contained the same way.
 */
export const ClientRevocationSchema = defineEntity({
  name: 'ClientRevocation',
  tableName: 'client_revocation',
  properties: (p) => ({
    clientId: p.text().primary(),
    revokedAt: p.datetime(),
  }),
});

export type ClientRevocation = InferEntity<typeof ClientRevocationSchema>;
