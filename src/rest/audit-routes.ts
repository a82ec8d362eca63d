import { AUDIT_ACTIONS, listAuditEvents, type AuditEventView } from '../audit/index.js';
import { REQUIRED_SCOPES } from '../access/index.js';
import { isoUtc, json } from './http.js';
import { locatedIn, pageQuery } from './input.js';
import { PAGE_QUERY, ref } from './openapi-schemas.js';
import type { Route } from './routes.js';

/** The audit trail (SPEC §9): who changed which client, policy or key, when and from where. */
export const auditRoutes: Route[] = [
  {
    method: 'GET',
    path: '/api/v1/oauth/audit',
    doc: {
      tag: 'Clients',
      summary: 'The audit trail, newest first',
      description:
        'Client changes, revocations, lockouts, signing-key rotations and policy changes, each written in the same ' +
        'transaction as the change it records, kept `[audit] retention_days`. Never a secret or a token.',
      auth: { bearer: REQUIRED_SCOPES.readAudit },
      query: [
        ...PAGE_QUERY,
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
      responses: { 200: { description: 'A page of audit events.', schema: ref('AuditPage') } },
    },
    handle: async ({ url, auth, principal }) => {
      const caller = await principal();
      const query = {
        ...pageQuery(url),
        clientId: url.searchParams.get('client_id'),
        action: url.searchParams.get('action'),
        since: url.searchParams.get('since'),
      };
      const page = await locatedIn('query', listAuditEvents(auth, caller, query));
      return json(200, { ...page, items: page.items.map(auditEventBody) });
    },
  },
];

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
