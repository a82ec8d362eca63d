import { listAuditEvents, type AuditEventView } from '../../audit/index.js';
import { builder } from '../builder.js';
import { needs, PAGING } from '../describe.js';
import { pageOf } from './page.js';

const AuditEvent = builder.objectRef<AuditEventView>('AuditEvent').implement({
  description: 'One entry of the audit trail: who changed what, when and from where. Never a secret or a token.',
  fields: (t) => ({
    id: t.exposeID('id'),
    at: t.expose('at', { type: 'DateTime' }),
    action: t.exposeString('action', {
      description: 'client.created, client.updated, token.revoked, auth.locked_out, …',
    }),
    actorClientId: t.exposeString('actorClientId', { nullable: true, description: 'Null for the server itself.' }),
    clientId: t.exposeString('clientId', { nullable: true, description: 'The client the change is about.' }),
    ip: t.exposeString('ip', { nullable: true }),
    requestId: t.exposeString('requestId', { nullable: true }),
    details: t.field({ type: 'JSON', resolve: (event) => event.details }),
  }),
});

const AuditPage = pageOf('AuditPage', AuditEvent, 'A page of audit events, newest first.');

builder.queryField('auditEvents', (t) =>
  t.field({
    type: AuditPage,
    nullable: true,
    description: `The audit trail, newest first; ${PAGING}; filtered by subject client, action and time. ${needs('readAudit')}.`,
    authScopes: { requires: 'readAudit' },
    args: {
      page: t.arg.int(),
      size: t.arg.int(),
      clientId: t.arg.string(),
      action: t.arg.string(),
      since: t.arg({ type: 'DateTime' }),
    },
    resolve: (_root, { since, ...args }, { auth, principal }) =>
      listAuditEvents(auth, principal, { ...args, since: since ? since.toISOString() : null }),
  }),
);
