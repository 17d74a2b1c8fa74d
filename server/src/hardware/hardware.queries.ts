/** SQL of the people's hardware commands (the spool's own statements live in print-spool.queries.ts). */

/**
 * Takes a sale's one drawer opening: the terminal's own cash sale by this cashier, committed
 * less than `?` milliseconds ago, whose opening was not taken yet. Returns its document type
 * and folio (for the audit entry); no row: refused.
 */
export const CLAIM_SALE_DRAWER_SQL = `with claimed as (
    insert into sale_drawer_open (tenant_id, sale_id, opened_by)
    select current_tenant_id(), s.id, ? from sale s
     where s.id = ? and s.terminal_id = ? and s.store_id = ? and s.cashier_id = ? and s.kind = 'sale'
       and s.paid_cash > 0 and s.issued_at > now() - ? * interval '1 millisecond'
    on conflict (tenant_id, sale_id) do nothing
    returning sale_id)
  select s.doc_type as "documentType", s.folio from claimed c join sale s on s.id = c.sale_id`;

/** Whether the sale's drawer opening was already taken. */
export const SALE_DRAWER_OPENED_SQL = 'select 1 from sale_drawer_open where sale_id = ?';
