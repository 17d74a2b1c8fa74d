import type { AuditLogEntry } from '@erp/shared';
import type { z } from 'zod';
import { camelView } from '../platform/rows.ts';
import type { SqlExecutor } from '../platform/sql-session.ts';
import type { AuditRow } from './audit.ts';

/** SQL fragment (a CTE body) inserting the audit rows of a jsonb array parameter. */
export const INSERT_AUDIT_SQL = `insert into audit_log (tenant_id, store_id, terminal_id, user_id, kind, details, created_at)
  select current_tenant_id(), x."storeId", x."terminalId", x."userId", x.kind, x.details, x."createdAt"
    from jsonb_to_recordset(?::jsonb) as x("storeId" uuid, "terminalId" uuid, "userId" uuid, kind text, details jsonb, "createdAt" timestamptz)`;

export async function insertAuditRows(em: SqlExecutor, rows: readonly AuditRow[]): Promise<void> {
  await em.execute(`with a as (${INSERT_AUDIT_SQL}) select 1`, [JSON.stringify(rows)]);
}

/** The audit log as the back office lists it: the entry, who did it and where. */
export const AUDIT_LOG_PAGE = {
  from: 'audit_log a',
  select: `select a.id, a.kind, a.store_id, a.terminal_id, a.user_id, a.details, a.created_at,
            u.name as user_name, st.name as store_name
       from audit_log a left join app_user u on u.id = a.user_id left join store st on st.id = a.store_id`,
  orderBy: 'a.created_at desc, a.id desc',
};

export interface AuditLogRow {
  id: string;
  kind: string;
  store_id: string | null;
  terminal_id: string | null;
  user_id: string;
  details: Record<string, unknown>;
  created_at: Date;
  user_name: string | null;
  store_name: string | null;
}

export function toAuditLogEntry(row: AuditLogRow): z.infer<typeof AuditLogEntry> {
  return { ...camelView(row, { numbers: ['id'], dates: ['created_at'] }), userName: row.user_name ?? '' };
}
