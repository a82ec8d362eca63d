import { defineEntity, type InferEntity } from '@mikro-orm/core';
import { identifier, timestamps } from './columns.js';

/** A token-signing key pair. The private half is encrypted with `app_encryption_key`. */
export const SigningKeySchema = defineEntity({
  name: 'SigningKey',
  tableName: 'signing_key',
  properties: (p) => ({
    kid: identifier().primary(),
    alg: p.string().length(16),
    publicJwk: p.json<Record<string, unknown>>(),
    /** AES-256-GCM of the private JWK with the kid as additional data: `v2.iv.ciphertext.tag`, parts base64url. */
    privateJwkEncrypted: p.text().lazy(true, false),
    /**
     * When it starts signing. A rotated-in key is published in the JWKS first and signs only from this moment, so
     * resource servers that cache the JWKS already know it.
     */
    activatesAt: p.datetime(),
    ...timestamps(),
  }),
});

export type SigningKey = InferEntity<typeof SigningKeySchema>;
