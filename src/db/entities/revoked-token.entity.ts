import { defineEntity, type InferEntity } from '@mikro-orm/core';
import { identifier } from './columns.js';

/** A revoked access token, by `jti`, kept until the token would have expired anyway. */
export const RevokedTokenSchema = defineEntity({
  name: 'RevokedToken',
  tableName: 'revoked_token',
  properties: (p) => ({
    jti: identifier().primary(),
    clientId: identifier(),
    /** The token's `exp`: after it, the row is purged. */
    expiresAt: p.datetime().index(),
    revokedAt: p.datetime().onCreate(() => new Date()),
  }),
});

export type RevokedToken = InferEntity<typeof RevokedTokenSchema>;
