import { defineEntity, type InferEntity } from '@mikro-orm/core';

/**
 * One entry of the audit trail: who changed what, when, from where. Written in the same transaction as the change it
 * records; never holds a secret or a token.
 */
export const AuditEventSchema = defineEntity({
  name: 'AuditEvent',
  tableName: 'audit_event',
  properties: (p) => ({
    id: p.uuid().primary(),
    at: p.datetime().index(),
    action: p.string().length(64).index(),
    /** The client that made the change; null for the server itself (the CLI, a migration). */
    actorClientId: p.string().length(255).nullable(),
    /** The client the change is about, when there is one. */
    clientId: p.string().length(255).nullable().index(),
    ip: p.string().length(64).nullable(),
    requestId: p.string().length(64).nullable(),
    details: p.json<Record<string, unknown>>(),
  }),
});

export type AuditEvent = InferEntity<typeof AuditEventSchema>;
