import type { AuditLogEntry } from '@erp/shared';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { z } from 'zod';
import { Filters } from '../platform/list-filters.ts';
import { type Page, readPage } from '../platform/list-page.ts';
import { AUDIT_LOG_PAGE, toAuditLogEntry } from './audit.queries.ts';

export interface AuditListQuery {
  kind?: string | undefined;
  userId?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  offset: number;
  limit: number;
}

/** The audit log, newest first, with who did it and where. */
export function listAudit(
  em: EntityManager,
  query: AuditListQuery,
): Promise<Page<z.infer<typeof AuditLogEntry>>> {
  const filters = new Filters('a.tenant_id = current_tenant_id()')
    .when(query.kind, 'a.kind = ?')
    .when(query.userId, 'a.user_id = ?')
    .days('a.created_at', query);
  return readPage(em, filters, AUDIT_LOG_PAGE, query, toAuditLogEntry);
}
