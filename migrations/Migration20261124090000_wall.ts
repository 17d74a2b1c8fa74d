import { Migration } from '@mikro-orm/migrations';

/**
 * The sales wall lists the company's products below their minimum, latest first, on every
 * snapshot: a partial index holds only those rows, so the read does not walk the whole
 * stock table of a large catalog.
 */
export class Migration20261124090000_wall extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      'create index stock_level_below_min on stock_level (tenant_id, updated_at desc) where below_min;',
    );
  }

  override async down(): Promise<void> {
    this.addSql('drop index stock_level_below_min;');
  }
}
