import { Migration } from '@mikro-orm/migrations';

/**
 * The search index leads with the tenant (btree_gin), so a common word ("leche") matches only
 * this tenant's products inside the index instead of every tenant's rows on the heap: search
 * time stays with the tenant's catalog size, not the whole database's.
 */
export class Migration20261124010500_catalog_search_per_tenant extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create extension if not exists btree_gin;
      create index product_search_tenant on product using gin (tenant_id, search_text gin_trgm_ops);
      drop index product_search;
    `);
  }

  override async down(): Promise<void> {
    this.addSql(`
      create index product_search on product using gin (search_text gin_trgm_ops);
      drop index product_search_tenant;
    `);
  }
}
