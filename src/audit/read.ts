import { pagedList } from '../access/index.js';
import { ValidationError, type PageRequest, type RequestEnv } from '../core/index.js';
import { AuditEventSchema, type AuditEvent } from '../db/entities/index.js';
import { AUDIT_ACTIONS, type AuditAction } from './record.js';

/** An audit event as the transports show it. */
export interface AuditEventView {
  readonly id: string;
  readonly at: Date;
  readonly action: AuditAction;
  readonly actorClientId: string | null;
  readonly clientId: string | null;
  readonly ip: string | null;
  readonly requestId: string | null;
  readonly details: Record<string, unknown>;
}

export interface AuditQuery extends PageRequest {
  readonly clientId?: string | null | undefined;
  readonly action?: string | null | undefined;
  /** An ISO 8601 instant: only events at or after it. */
  readonly since?: string | null | undefined;
}

/** The audit trail, newest first, filtered by subject client, action and time. Needs `client:read`. */
export const listAuditEvents = pagedList(
  'readAudit',
  AuditEventSchema,
  (_env: RequestEnv, _caller, query: AuditQuery) => ({
    where: () => auditFilter(query),
    orderBy: { at: 'desc', id: 'desc' },
    views: (rows) => rows.map(toView),
  }),
);

/** The filter the query's `clientId`, `action` and `since` make; 422 for an unknown action or an unreadable time. */
function auditFilter(query: AuditQuery): Record<string, unknown> {
  const where: Record<string, unknown> = {};
  if (query.clientId) where.clientId = query.clientId;
  if (query.action) {
    if (!(AUDIT_ACTIONS as readonly string[]).includes(query.action)) {
      throw new ValidationError([
        { loc: ['action'], msg: `Input should be ${AUDIT_ACTIONS.map((a) => `'${a}'`).join(', ')}`, type: 'enum' },
      ]);
    }
    where.action = query.action;
  }
  if (query.since) {
    const since = /^\d{4}-\d{2}-\d{2}/.test(query.since) ? new Date(query.since) : new Date(Number.NaN);
    if (Number.isNaN(since.getTime())) {
      throw new ValidationError([
        { loc: ['since'], msg: 'Input should be a valid datetime (ISO 8601)', type: 'datetime_parsing' },
      ]);
    }
    where.at = { $gte: since };
  }
  return where;
}

function toView(event: AuditEvent): AuditEventView {
  return {
    id: event.id,
    at: event.at,
    action: event.action as AuditAction,
    actorClientId: event.actorClientId ?? null,
    clientId: event.clientId ?? null,
    ip: event.ip ?? null,
    requestId: event.requestId ?? null,
    details: event.details,
  };
}

/** Deletes the events older than the retention; answers how many went. */
export async function purgeAuditEvents(
  env: Pick<RequestEnv, 'em'>,
  retentionDays: number,
  now = new Date(),
): Promise<number> {
  return env.em.nativeDelete(AuditEventSchema, { at: { $lt: new Date(now.getTime() - retentionDays * 86_400_000) } });
}
