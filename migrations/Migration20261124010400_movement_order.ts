import { Migration } from '@mikro-orm/migrations';

/**
 * A ledger sequence: movements written by one transaction share `created_at` (the transaction
 * start), so the kardex needs its own order. The kardex index follows it.
 */
export class Migration20261124010400_movement_order extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      alter table stock_movement add column seq bigint generated always as identity;
      drop index stock_movement_kardex;
      create index stock_movement_kardex on stock_movement (tenant_id, warehouse_id, product_id, seq);
    `);
  }

  override async down(): Promise<void> {
    this.addSql(`
      drop index stock_movement_kardex;
      alter table stock_movement drop column seq;
      create index stock_movement_kardex on stock_movement (tenant_id, warehouse_id, product_id, created_at);
    `);
  }
}
