import { Migration } from '@mikro-orm/migrations';

/**
 * Indexes for the back office's reads, each leading with the tenant:
 * - sales by Chile day (reports aggregate a period) and newest first (the sales list);
 * - stock movements by the document that caused them: a report finds each sale's cost at PPP
 *   through its movements;
 * - the audit log by kind and by user, newest first;
 * - receipts and cash sessions newest first across stores.
 */
export class Migration20261124085500_business_reads extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create index sale_issue_date on sale (tenant_id, issue_date);
      create index sale_recent on sale (tenant_id, issued_at desc);
      create index stock_movement_document on stock_movement (tenant_id, document_id) where document_id is not null;
      create index audit_log_kind on audit_log (tenant_id, kind, created_at desc);
      create index audit_log_user on audit_log (tenant_id, user_id, created_at desc);
      create index goods_receipt_recent on goods_receipt (tenant_id, created_at desc);
      create index cash_session_recent on cash_session (tenant_id, opened_at desc);
    `);
  }

  override async down(): Promise<void> {
    this.addSql(`
      drop index sale_issue_date, sale_recent, stock_movement_document, audit_log_kind, audit_log_user,
        goods_receipt_recent, cash_session_recent;
    `);
  }
}
