import { Migration } from '@mikro-orm/migrations';

/**
 * A cash sale opens the drawer once: `sale_drawer_open` records that its one opening was used
 * (who asked, when), so a second kick "for the sale" is refused. The serving role may insert
 * and read the rows, never change or remove them.
 */
export class Migration20261206050000_sale_drawer_open extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table sale_drawer_open (
        tenant_id uuid not null references tenant(id),
        sale_id uuid not null,
        opened_by uuid not null references app_user(id),
        opened_at timestamptz not null default now(),
        primary key (tenant_id, sale_id),
        foreign key (tenant_id, sale_id) references sale(tenant_id, id)
      );
      select enable_tenant_rls('sale_drawer_open');
      grant select, insert on sale_drawer_open to erp_app;
      revoke update, delete, truncate on sale_drawer_open from erp_app;
    `);
  }

  override async down(): Promise<void> {
    this.addSql('drop table sale_drawer_open;');
  }
}
