import { defineEntity, type InferEntity } from '@mikro-orm/core';
import { identifier, timestamps } from './columns.js';

/** A machine client created through the API. The root client lives in configuration, never here. */
export const ClientSchema = defineEntity({
  name: 'Client',
  tableName: 'client',
  properties: (p) => ({
    id: identifier().primary(),
    /** argon2id PHC string; the secret itself is shown once and never stored. */
    secretHash: p.text().lazy(true, false),
    /** In the order the creator gave them. */
    scopes: p.array().columnType('text[]'),
    /** Roles (access/role-registry.ts), each standing for its scopes; in the order the creator gave them. */
    roles: p.array().columnType('text[]').defaultRaw(`'{}'`),
    name: p.text().nullable(),
    description: p.text().nullable(),
    ...timestamps(),
  }),
  indexes: [{ properties: ['createdAt'] }],
});

export type Client = InferEntity<typeof ClientSchema>;
