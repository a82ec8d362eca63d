import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/core';
import type { RequestEnv } from '../core/index.js';
import { AuditEventSchema } from '../db/entities/index.js';

/** Every kind of audit event (SPEC §9); `<domain>.<what happened>`. */
export const AUDIT_ACTIONS = [
  'client.created',
  'client.updated',
  'client.scopes_set',
  'client.secret_rotated',
  'client.tokens_revoked',
  'client.deleted',
  'token.revoked',
  'auth.locked_out',
  'signing_key.rotated',
  'policy.created',
  'policy.updated',
  'policy.deleted',
  'rule.created',
  'rule.updated',
  'rule.deleted',
  'rule_target.created',
  'rule_target.updated',
  'rule_target.deleted',
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** Who made a change and from where: the request's, or nobody's (the server itself, the operator CLI). */
export interface AuditContext {
  readonly actorClientId: string | null;
  readonly ip: string | null;
  readonly requestId: string | null;
}

export const SERVER_ITSELF: AuditContext = Object.freeze({ actorClientId: null, ip: null, requestId: null });

export function auditContext(
  env: Pick<RequestEnv, 'clientIp' | 'requestId'>,
  actor: { readonly clientId: string } | null,
): AuditContext {
  return { actorClientId: actor?.clientId ?? null, ip: env.clientIp, requestId: env.requestId };
}

export interface AuditEntry {
  readonly action: AuditAction;
  /** The client the change is about, when there is one. */
  readonly clientId?: string | null;
  /** What changed: names, keys, scopes, times. Never a secret or a token. */
  readonly details?: Record<string, unknown>;
}

/**
 * Adds an event to `em`'s unit of work, so it is written by the flush, and in the transaction, that writes the change
 * it records: a change and its event are committed together or not at all.
 */
export function recordAudit(em: EntityManager, context: AuditContext, entry: AuditEntry): void {
  em.create(AuditEventSchema, {
    id: randomUUID(),
    at: new Date(),
    action: entry.action,
    actorClientId: context.actorClientId,
    clientId: entry.clientId ?? null,
    ip: context.ip,
    requestId: context.requestId,
    details: entry.details ?? {},
  });
}
