import { ClientSchema } from './client.entity.js';
import { SigningKeySchema } from './signing-key.entity.js';

export const entities = [ClientSchema, SigningKeySchema];
export { ClientSchema, SigningKeySchema };
export type { Client } from './client.entity.js';
export type { SigningKey } from './signing-key.entity.js';
