import { Migration } from '@mikro-orm/migrations';

/**
 * Sales reports read each sale's cost from its ledger rows: the movements-by-document index
 * now carries the product, quantity and cost, so a period's costs come from the index alone
 * (an index-only scan per sale; the ledger is append-only, so its pages stay all-visible).
 */
export class Migration20261124093000_report_cost_index extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      drop index stock_movement_document;
      create index stock_movement_document on stock_movement (tenant_id, document_id)
        include (product_id, quantity, unit_cost) where document_id is not null;
    `);
  }

  override async down(): Promise<void> {
    this.addSql(`
      drop index stock_movement_document;
      create index stock_movement_document on stock_movement (tenant_id, document_id) where document_id is not null;
    `);
  }
}
