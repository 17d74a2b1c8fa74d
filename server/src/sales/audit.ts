/**
 * The tenant's append-only audit log: voided lines, price overrides, discounts, drawer openings
 * without a sale, reprints and returns, and the back office's price, settings and user changes.
 * Rows are written in the transaction of the action they record (the serving role may insert
 * and read them, never change them) and streamed to the wall.
 */
export interface AuditInput {
  kind:
    | 'discount'
    | 'price_override'
    | 'line_void'
    | 'drawer_open'
    | 'reprint'
    | 'return'
    // Back office: a base or store price changed, a CSV import, company settings, a user's access.
    | 'price_change'
    | 'catalog_import'
    | 'settings_change'
    | 'user_change';
  details: Record<string, unknown>;
}

export interface AuditRow {
  kind: string;
  storeId: string | null;
  terminalId: string | null;
  userId: string;
  details: Record<string, unknown>;
  createdAt: string;
}

export function auditRows(
  actor: { userId: string; storeId: string | null },
  terminalId: string | null,
  entries: readonly AuditInput[],
): AuditRow[] {
  const createdAt = new Date().toISOString();
  return entries.map((e) => ({ ...e, storeId: actor.storeId, terminalId, userId: actor.userId, createdAt }));
}

/** SQL fragment (a CTE body) inserting the rows of a jsonb array parameter. */
export const INSERT_AUDIT_SQL = `insert into audit_log (tenant_id, store_id, terminal_id, user_id, kind, details, created_at)
  select current_tenant_id(), x."storeId", x."terminalId", x."userId", x.kind, x.details, x."createdAt"
    from jsonb_to_recordset(?::jsonb) as x("storeId" uuid, "terminalId" uuid, "userId" uuid, kind text, details jsonb, "createdAt" timestamptz)`;
