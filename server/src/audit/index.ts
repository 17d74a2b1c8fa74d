/** The audit domain's front door: what other domains and the composition root use. */
export { registerAuditHandlers } from './audit.handlers.ts';
export { INSERT_AUDIT_SQL } from './audit.queries.ts';
export { type AuditInput, type AuditRow, announceAudit, auditRows, recordAudit } from './audit.ts';
