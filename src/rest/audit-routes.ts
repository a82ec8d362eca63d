import { AUDIT_ACTIONS, listAuditEvents, type AuditEventView } from '../audit/index.js';
import { isoUtc } from './http.js';
import { ref } from './openapi-schemas.js';
import { routeShapes } from './route-shapes.js';
import type { Route } from './routes.js';

/** The audit trail (SPEC §9): who changed which client, policy or key, when and from where. */
export const auditRoutes: Route[] = [
  routeShapes('Clients').pagedList('/api/v1/oauth/audit', 'The audit trail, newest first', {
    description:
      'Client changes, revocations, lockouts, signing-key rotations and policy changes, each written in the same ' +
      'transaction as the change it records, kept `[audit] retention_days`. Never a secret or a token.',
    operation: 'readAudit',
    filters: [
      { name: 'client_id', description: 'Only events about this client.', schema: { type: 'string' } },
      {
        name: 'action',
        description: 'Only events of this kind.',
        schema: { type: 'string', enum: [...AUDIT_ACTIONS] },
      },
      {
        name: 'since',
        description: 'Only events at or after this instant (ISO 8601).',
        schema: { type: 'string', format: 'date-time' },
      },
    ],
    answer: { description: 'A page of audit events.', schema: ref('AuditPage') },
    list: ({ auth, url }, caller, page) =>
      listAuditEvents(auth, caller, {
        ...page,
        clientId: url.searchParams.get('client_id'),
        action: url.searchParams.get('action'),
        since: url.searchParams.get('since'),
      }),
    item: auditEventBody,
  }),
];

/** An audit event on the wire. */
export type AuditEventBody = ReturnType<typeof auditEventBody>;

function auditEventBody(event: AuditEventView) {
  return {
    id: event.id,
    at: isoUtc(event.at),
    action: event.action,
    actor_client_id: event.actorClientId,
    client_id: event.clientId,
    ip: event.ip,
    request_id: event.requestId,
    details: event.details,
  };
}
