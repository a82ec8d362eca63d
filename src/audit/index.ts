export { listAuditEvents, purgeAuditEvents, type AuditEventView, type AuditQuery } from './read.js';
export {
  AUDIT_ACTIONS,
  auditContext,
  recordAudit,
  SERVER_ITSELF,
  type AuditAction,
  type AuditContext,
  type AuditEntry,
} from './record.js';
