import { ClientSchema } from './client.entity.js';
import { RevokedTokenSchema } from './revoked-token.entity.js';
import { SigningKeySchema } from './signing-key.entity.js';

export const entities = [ClientSchema, SigningKeySchema, RevokedTokenSchema];
export { ClientSchema, RevokedTokenSchema, SigningKeySchema };
export type { Client } from './client.entity.js';
export type { RevokedToken } from './revoked-token.entity.js';
export type { SigningKey } from './signing-key.entity.js';
