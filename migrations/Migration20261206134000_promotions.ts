import { Migration } from '@mikro-orm/migrations';

/**
 * Promotions (N×M, pack price, second unit at a percentage, price by quantity) edited in the back
 * office, for one store or (store_id null) every store, with dates, weekdays and hours in Chile
 * time. The rule is the contract's JSON (`PromotionRuleInput`); products by id and categories by
 * the catalog's category name, pooled. A sale line keeps the promotions it took, with their
 * names and pesos, as the receipt and the document showed them.
 */
export class Migration20261206134000_promotions extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table promotion (
        tenant_id uuid not null references tenant(id),
        id uuid not null,
        store_id uuid,
        name text not null check (char_length(name) between 1 and 40),
        rule jsonb not null check (jsonb_typeof(rule) = 'object' and rule ? 'kind'),
        product_ids uuid[] not null default '{}',
        categories text[] not null default '{}',
        starts_on date not null,
        ends_on date not null,
        weekdays smallint[] not null check (cardinality(weekdays) between 1 and 7 and weekdays <@ '{1,2,3,4,5,6,7}'),
        from_time time,
        to_time time,
        active boolean not null default true,
        updated_by uuid not null references app_user(id),
        updated_at timestamptz not null default now(),
        primary key (tenant_id, id),
        foreign key (tenant_id, store_id) references store (tenant_id, id),
        check (ends_on >= starts_on),
        check ((from_time is null) = (to_time is null) and (from_time is null or from_time < to_time)),
        check (cardinality(product_ids) + cardinality(categories) > 0)
      );
      create index promotion_running on promotion (tenant_id, ends_on) where active;
      select enable_tenant_rls('promotion');
      grant select, insert, update, delete on promotion to erp_app;
      alter table sale_line add column promotions jsonb check (promotions is null or jsonb_typeof(promotions) = 'array');
    `);
  }

  override async down(): Promise<void> {
    this.addSql('alter table sale_line drop column promotions;');
    this.addSql('drop table promotion;');
  }
}
